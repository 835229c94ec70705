"""The Spanish interface: every string marked for translation, translated, and shown.

Interface strings (templates, forms, labels, advice levels, error pages) go through gettext; the
Spanish catalog is locale/es/LC_MESSAGES/django.po, compiled by `manage.py compile_translations`.
These tests fail when a template has words not marked for translation, when the catalog has an
entry untranslated or fuzzy, and when a Spanish page of the seeded site shows an interface
string word for word as its English page does (content, not translated yet, aside).
"""

import re
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import polib
import pytest
from django.conf import settings

from clinic.models import ClinicProfile, Location
from conditions.models import Condition, KneeArea, RedFlagRule, Symptom, Tag, Treatment
from conditions.text import markdown_text
from faq.models import FAQ

ROOT = Path(settings.BASE_DIR)
CATALOG = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
# Every red-flag rule of the shipped vocabulary fires for these symptoms together.
ALL_RED_FLAGS = [
    "swollen-warm-or-red-calf",
    "calf-pain",
    "swelling",
    "cannot-put-weight-on-the-leg",
    "knee-locked-and-will-not-straighten",
    "hot-swollen-joint-with-a-fever",
]


def spanish(url):
    return f"/es{url}"


def catalog():
    return polib.pofile(str(CATALOG))


def test_every_interface_string_has_a_spanish_translation_that_is_not_fuzzy():
    entries = [entry for entry in catalog() if not entry.obsolete]
    assert len(entries) > 200

    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []
    untranslated = [
        e.msgid
        for e in entries
        if not (e.msgstr or (e.msgstr_plural and all(e.msgstr_plural.values())))
    ]
    assert untranslated == []


def test_each_translation_keeps_the_placeholders_and_markup_of_its_english():
    def marks(text):
        return sorted(re.findall(r"%\(\w+\)[sd]|</?\w+|911", text))

    different = [
        entry.msgid
        for entry in catalog()
        for translated in (entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr])
        if marks(translated) != marks(entry.msgid_plural or entry.msgid)
        and marks(translated) != marks(entry.msgid)
    ]
    assert different == []


def test_the_spanish_catalog_says_no_uk_term_and_gives_us_advice():
    translations = [entry.msgstr for entry in catalog()]

    assert "Llame al 911 o vaya a la sala de emergencias más cercana" in translations
    for term in ("NHS", "111", "999", "médico de cabecera", "A&E"):
        assert not [text for text in translations if term in text], term


# What a person can read in a template: text, and the labels screen readers say.
LABELS = {"aria-label", "alt", "title", "placeholder"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
TEMPLATE_TAG = re.compile(
    # og:type's value ("article") is for machines.
    r"\{% block og_type %\}\w+\{% endblock %\}"
    r"|\{%\s*blocktranslate.*?\{%\s*endblocktranslate\s*%\}"
    r"|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}",
    re.DOTALL,
)


class ReadableText(HTMLParser):
    """The text of an HTML page a person reads or hears, outside script and style.

    With `skip_lang`, text inside an element marked as another language (lang="en-US" on a
    Spanish page) is left out: it is content shown as written, not interface.
    """

    def __init__(self, html, skip_lang=None):
        super().__init__(convert_charrefs=True)
        self.skip_lang = skip_lang
        self.texts = []
        self.stack = []
        self.feed(html)
        self.close()

    def skipping(self):
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if not self.skipping():
            self.texts += [value for name, value in attrs if name in LABELS and value]
        if tag not in VOID:
            other_language = self.skip_lang and attributes.get("lang", self.skip_lang) not in (
                self.skip_lang,
            )
            self.stack.append((tag, tag in {"script", "style"} or bool(other_language)))

    def handle_startendtag(self, tag, attrs):
        if not self.skipping():
            self.texts += [value for name, value in attrs if name in LABELS and value]

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self.skipping() and data.strip():
            self.texts.append(" ".join(data.split()))


def public_templates():
    skipped = {"admin", "emails"}
    return sorted(
        path
        for path in (ROOT / "templates").rglob("*.html")
        if not skipped & set(path.relative_to(ROOT / "templates").parts)
    )


def test_every_public_template_marks_its_words_for_translation():
    templates = public_templates()
    assert len(templates) > 30

    unmarked = {}
    for path in templates:
        source = TEMPLATE_TAG.sub(" ", path.read_text("utf-8"))
        words = [text for text in ReadableText(source).texts if re.search(r"[A-Za-z]{2,}", text)]
        if words:
            unmarked[str(path.relative_to(ROOT))] = words

    assert unmarked == {}


def content_texts(*typed):
    """Every piece of wording the site's content holds, and what a visitor `typed`: what a page
    may show as it is stored, longest first."""
    texts = [ClinicProfile.objects.current().name, *typed]
    for model, fields in (
        (Condition, ["name", "alternate_names", "summary", "urgent_help", "body"]),
        (Symptom, ["name", "alternate_names", "description"]),
        (Treatment, ["name", "alternate_names", "description"]),
        (FAQ, ["question", "answer"]),
        (RedFlagRule, ["name", "advice"]),
        (Tag, ["name"]),
        (KneeArea, ["name"]),
        (Location, ["name", "street_address", "city", "state", "opening_hours"]),
    ):
        for row in model.objects.values_list(*fields):
            values = [markdown_text(value) for value in row]
            texts += [line for value in values for line in value.splitlines()]
            texts += values
    # Search snippets run from a condition's summary on into its body.
    texts += [
        f"{markdown_text(summary)} {markdown_text(body)}"
        for summary, body in Condition.objects.values_list("summary", "body")
    ]
    texts = {" ".join(text.split()) for text in texts}
    return sorted((text for text in texts if text), key=len, reverse=True)


def is_content(text, content):
    """Whether `text` is content shown as stored: each part of it (lists of names are joined
    with commas) is part of one stored text, or several stored texts side by side."""
    for part in re.split(r",\s*|\s·\s", text.strip("…., ")):
        if any(part in whole for whole in content):
            continue
        for whole in content:
            part = part.replace(whole, " ")
        if re.search(r"[A-Za-z]{2,}", part):
            return False
    return True


def untranslated_interface(english_html, spanish_html, content, same_in_both):
    """Text a person meets on the Spanish page word for word as on the English page, that is
    neither content shown as stored nor a string Spanish writes the same."""
    english = set(ReadableText(english_html).texts)
    return [
        text
        for text in ReadableText(spanish_html, skip_lang="es").texts
        if text in english and text not in same_in_both and not is_content(text, content)
    ]


@pytest.fixture
def seeded_clinic(seed_site, db):
    """The seeded site, with the clinic's phone, booking address and two locations."""
    ClinicProfile.objects.filter(pk=1).update(
        phone="(212) 555-0100", booking_url="https://book.example/knee"
    )
    profile = ClinicProfile.objects.current()
    Location.objects.create(profile=profile, name="Midtown", city="New York", state="NY")
    Location.objects.create(profile=profile, name="Brooklyn", city="Brooklyn", state="NY", order=1)
    FAQ.objects.published().update(next_review_due=date(2020, 1, 1))


SEED_PAGES = [
    "/",
    "/conditions/",
    "/conditions/?letter=B",
    "/conditions/?letter=Q",
    "/conditions/bakers-cyst/",
    "/symptoms/",
    "/symptoms/swelling/",
    "/treatments/",
    "/treatments/physical-therapy/",
    "/tags/",
    "/tags/knee/",
    "/faq/",
    "/search/",
    "/search/?q=knee+pain",
    "/search/?q=the",
    "/search/?q=zzzzqqq",
    "/search/?q=" + "knee " * 50,
    "/symptom-checker/",
    "/symptom-checker/?" + urlencode({"symptom": ALL_RED_FLAGS, "area": "back"}, doseq=True),
    "/symptom-checker/?symptom=pain-behind-the-knee&onset=injury",
    "/symptom-checker/?area=front",
    "/appointments/",
    "/appointments/?condition=bakers-cyst",
    "/appointments/thanks/",
    "/no-such-page/",
]


@pytest.mark.parametrize("url", SEED_PAGES)
def test_no_spanish_page_shows_an_interface_string_in_english(client, seeded_clinic, url):
    content = content_texts()
    same_in_both = {entry.msgid for entry in catalog() if entry.msgstr == entry.msgid}
    english, spanish_page = client.get(url), client.get(spanish(url))
    assert spanish_page.status_code == english.status_code

    found = untranslated_interface(english.text, spanish_page.text, content, same_in_both)

    assert found == []


def test_no_spanish_form_or_error_page_shows_an_interface_string_in_english(client, seeded_clinic):
    same_in_both = {entry.msgid for entry in catalog() if entry.msgstr == entry.msgid}
    mistakes = {"name": "", "email": "not an address", "location": "x", "message": "x" * 501}
    content = content_texts(*mistakes.values())
    pages = {
        "form with mistakes": [
            client.post(url, mistakes) for url in ("/appointments/", "/es/appointments/")
        ],
        "faq question": [
            client.get(url)
            for url in (
                FAQ.objects.published().first().get_absolute_url(),
                "/es" + FAQ.objects.published().first().get_absolute_url(),
            )
        ],
    }

    found = {
        name: untranslated_interface(english.text, spanish_page.text, content, same_in_both)
        for name, (english, spanish_page) in pages.items()
    }

    assert found == {"form with mistakes": [], "faq question": []}


def test_the_checker_offers_the_knee_areas_in_spanish(client, seeded_clinic):
    html = client.get("/es/symptom-checker/").text

    for name in ("Parte de atrás", "Parte delantera", "Cara interna", "Cara externa"):
        assert f"{name} de la rodilla</a>" in html
    assert re.search(r'aria-label="Parte de atrás de la rodilla: \d+ afecci', html)


def test_the_spanish_symptom_checker_gives_urgent_advice_in_spanish(client, seeded_clinic):
    query = urlencode({"symptom": ALL_RED_FLAGS, "area": "back"}, doseq=True)
    html = unescape(client.get(f"/es/symptom-checker/?{query}").text)

    contacts = re.findall(r'<p class="urgent-contact">(.*?)</p>', html)
    assert "Llame al 911 o vaya ahora mismo a la sala de emergencias más cercana." in contacts
    assert (
        "Busque atención hoy mismo: llame a su médico o vaya a un centro de atención de "
        "urgencias. Si cree que es una emergencia, llame al 911."
    ) in contacts
    assert '<h2 id="results-heading">Primero, busque ayuda</h2>' in html
    assert '<option value="back" selected>Parte de atrás de la rodilla</option>' in html
    assert "¿Cuáles de estos tiene?" in html
