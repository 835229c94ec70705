"""The site gives US care advice: no UK term in any source patients read, nor on any page.

The sources: every template, the models' choice labels and help texts, every string in the
project's Python code (migrations aside: they record history), the shipped vocabulary (its
search aliases aside), the README's prose, `generate_content`'s output and the error pages.
The pages: every page type of the site as `seed_site` leaves it, and every page its sitemap lists.

The clinic's article stays as the clinic wrote it. It says "physiotherapist" twice, both times
in its closing paragraphs, which the importer leaves out: no page shows them
(`test_the_clinics_article_says_physiotherapist_only_where_no_page_shows_it`), so the page scan
makes no exception for article text.
"""

import io
import re
import tokenize
import tomllib
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, models
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path

from conditions.article import parse_article
from conditions.models import Condition, RedFlagRule, Symptom, Treatment
from conditions.services.importing import SEED_ARTICLE
from conditions.vocabulary import VOCABULARY
from faq.models import FAQ
from kneeinfo.urls import handler400, handler403, handler404, handler500  # noqa: F401
from kneeinfo.urls import urlpatterns as site_urlpatterns
from search.backends import content_search
from search.query import Query

ROOT = Path(settings.BASE_DIR)
# A number on its own, as in "call 111.", not one digit group of a phone number, a count or a time.
NUMBER = r"(?<![\w.,:/-]){}(?!\w)(?![.,:/-]\d)"
PHYSIO = re.compile(r"\bphysiotherap(?:y|ies|ist|ists)\b", re.IGNORECASE)
UK_TERMS = {
    "NHS": re.compile(r"\bNHS\b"),
    "111": re.compile(NUMBER.format("111")),
    "999": re.compile(NUMBER.format("999")),
    "A&E": re.compile(r"\bA ?&(?:amp;)? ?E\b"),
    "GP": re.compile(r"\bGPs?\b"),
    "urgent treatment centre": re.compile(r"\burgent treatment centres?\b", re.IGNORECASE),
    "programme": re.compile(r"\bprogrammes?\b", re.IGNORECASE),
    "centre": re.compile(r"\bcentres?\b", re.IGNORECASE),
    "paediatric": re.compile(r"\bpaediatric", re.IGNORECASE),
    "physiotherapy": PHYSIO,
}
# Where "physiotherapy" and "physiotherapist" may show: the list of a page's other names for
# what it describes (Physical therapy's search aliases), and nowhere else.
ALIAS_LINE = re.compile(r'<p class="also-known">.*?</p>', re.DOTALL)


def uk_terms(text):
    """Each UK term in `text`, with a little of the text around it to find it by."""
    found = []
    for term, pattern in UK_TERMS.items():
        for match in pattern.finditer(text):
            start, end = max(match.start() - 40, 0), match.end() + 40
            found.append((term, " ".join(text[start:end].split())))
    return found


def page_terms(html):
    """UK terms on a rendered page; the page's alias line may name physiotherapy."""
    without_aliases = ALIAS_LINE.sub(lambda line: PHYSIO.sub("", line.group(0)), html)
    return uk_terms(unescape(without_aliases))


def project_files(pattern):
    """Files of the project's own apps (not tests, the benchmark, migrations or the venv)."""
    skipped = {"tests", "bench", "migrations", ".venv", "staticfiles", "node_modules"}
    return sorted(
        file
        for file in ROOT.rglob(pattern)
        if not skipped & set(file.relative_to(ROOT).parts) and not file.name.startswith(".")
    )


def python_strings(file):
    """Every string literal in a Python file: help texts, messages, page text, docstrings."""
    with file.open("rb") as source:
        return [
            token.string
            for token in tokenize.tokenize(source.readline)
            if token.type == tokenize.STRING
        ]


# Sources


def test_no_template_says_a_uk_term():
    templates = sorted((ROOT / "templates").rglob("*.*"))
    assert len(templates) > 30

    found = {str(t.relative_to(ROOT)): uk_terms(t.read_text("utf-8")) for t in templates}

    assert {name: terms for name, terms in found.items() if terms} == {}


def test_urgency_levels_are_worded_for_the_us():
    assert dict(Condition.Urgency.choices) == {
        "": "No urgent-help callout",
        "non_urgent": "Non-urgent: make an appointment with your doctor",
        "urgent": "Urgent: get care today (your doctor or an urgent care center)",
        "immediate": "Immediate: call 911 or go to the emergency room",
    }
    assert dict(RedFlagRule._meta.get_field("urgency").choices) == {
        "urgent": "Urgent: get care today (your doctor or an urgent care center)",
        "immediate": "Immediate: call 911 or go to the emergency room",
    }


def test_no_model_label_or_help_text_says_a_uk_term():
    project_apps = [a for a in apps.get_app_configs() if Path(a.path).is_relative_to(ROOT)]
    assert {"conditions", "faq", "clinic"} <= {a.label for a in project_apps}
    texts = []
    for app in project_apps:
        for model in app.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.Field):
                    texts += [str(field.verbose_name), str(field.help_text)]
                    texts += [str(label) for _, label in field.flatchoices or ()]

    assert [term for text in texts for term in uk_terms(text)] == []


def test_no_string_in_the_projects_code_says_a_uk_term():
    files = project_files("*.py")
    assert ROOT / "conditions" / "management" / "commands" / "generate_content.py" in files
    assert ROOT / "kneeinfo" / "security.py" in files  # the lockout page

    found = {
        str(file.relative_to(ROOT)): [t for s in python_strings(file) for t in uk_terms(s)]
        for file in files
    }

    assert {name: terms for name, terms in found.items() if terms} == {}


def test_the_vocabulary_says_no_uk_term_but_in_search_aliases():
    lines = VOCABULARY.read_text("utf-8").splitlines()
    texts = [line for line in lines if not line.startswith("aliases = ")]

    assert [term for line in texts for term in uk_terms(line)] == []


def test_physical_therapy_keeps_the_uk_words_as_search_aliases_only():
    treatments = {t["name"]: t for t in tomllib.loads(VOCABULARY.read_text("utf-8"))["treatments"]}

    assert "Physiotherapy" not in treatments
    aliases = treatments["Physical therapy"]["aliases"]
    assert {"physiotherapy", "physiotherapist"} <= set(aliases)
    assert not PHYSIO.search(treatments["Physical therapy"]["description"])


def test_the_readme_prose_says_no_uk_term():
    readme = (ROOT / "README.md").read_text("utf-8")
    prose = re.sub(r"^```.*?^```", "", readme, flags=re.MULTILINE | re.DOTALL)
    # Tables hold the benchmark's figures, where 111 requests a second is no phone number.
    prose = re.sub(r"^\|.*$", "", prose, flags=re.MULTILINE)
    assert "not available just now" in prose

    assert uk_terms(prose) == []


@pytest.mark.django_db
def test_generated_content_says_no_uk_term():
    out = io.StringIO()
    call_command("generate_content", conditions=40, stdout=out)
    assert Condition.objects.exclude(urgency="").values("urgency").distinct().count() == 3

    texts = [out.getvalue()]
    for model in (Condition, Symptom, Treatment, FAQ):
        fields = [f.name for f in model._meta.fields if isinstance(f, models.CharField)]
        for row in model.objects.filter(slug__startswith="generated-").values_list(*fields):
            texts += [str(value) for value in row]

    assert [term for text in texts for term in uk_terms(text)] == []


@pytest.mark.parametrize(
    "template", ["400.html", "403.html", "403_csrf.html", "404.html", "500.html", "503.html"]
)
def test_each_error_page_gives_the_us_advice(template):
    html = render_to_string(template)

    assert "If you need medical help now, call your doctor; in an emergency call 911." in html
    assert page_terms(html) == []


def test_the_clinics_article_says_physiotherapist_only_where_no_page_shows_it():
    text = SEED_ARTICLE.read_text("utf-8")
    article = parse_article(SEED_ARTICLE.read_bytes())
    imported = [
        *(part for s in article.sections for part in (s.name, *s.paragraphs)),
        *(part for f in article.faqs for part in (f.question, *f.answer_paragraphs)),
        *article.keywords,
    ]

    assert [term for term, _ in uk_terms(text)] == ["physiotherapy", "physiotherapy"]
    assert [term for term, _ in uk_terms("\n".join(article.closing))] == [
        "physiotherapy",
        "physiotherapy",
    ]
    assert [term for part in imported for term in uk_terms(part)] == []


# Pages


def broken_view(request):
    raise ValueError("a bug, not an outage")


def database_down_view(request):
    raise OperationalError("connection refused")


urlpatterns = [
    path("broken/", broken_view),
    path("database-down/", database_down_view),
    *site_urlpatterns,
]

# Every red-flag rule of the shipped vocabulary fires for these symptoms together.
ALL_RED_FLAGS = [
    "swollen-warm-or-red-calf",
    "calf-pain",
    "swelling",
    "cannot-put-weight-on-the-leg",
    "knee-locked-and-will-not-straighten",
    "hot-swollen-joint-with-a-fever",
]


def sitemap_locations(xml):
    return re.findall(r"<loc>http://testserver(/[^<]+)</loc>", xml)


@pytest.fixture
def visitor(seed_site, db, settings):
    settings.ROOT_URLCONF = __name__
    # A real visitor sees the error page rather than the test client re-raising the error.
    return Client(raise_request_exception=False)


def test_every_page_type_says_911_and_no_uk_term(visitor):
    faq = FAQ.objects.published().first()
    pages = {
        "home": ("/", 200),
        "A–Z": ("/conditions/", 200),
        "condition": ("/conditions/bakers-cyst/", 200),
        "symptoms": ("/symptoms/", 200),
        "symptom": ("/symptoms/swelling/", 200),
        "treatments": ("/treatments/", 200),
        "treatment": ("/treatments/physical-therapy/", 200),
        "tags": ("/tags/", 200),
        "tag": ("/tags/knee/", 200),
        "FAQ list": ("/faq/", 200),
        "FAQ detail": (faq.get_absolute_url(), 200),
        "search results": ("/search/?q=knee+pain", 200),
        "symptom checker": (
            "/symptom-checker/?" + urlencode({"symptom": ALL_RED_FLAGS}, doseq=True),
            200,
        ),
        "sitemap": ("/sitemap.xml", 200),
        "404": ("/no-such-page/", 404),
        "500": ("/broken/", 500),
        "503": ("/database-down/", 503),
    }
    responses = {name: visitor.get(url) for name, (url, _) in pages.items()}
    responses["400"] = visitor.get("/", HTTP_HOST="evil.example")
    html = {name: response.content.decode() for name, response in responses.items()}

    found = {name: page_terms(text) for name, text in html.items()}
    assert {name: terms for name, terms in found.items() if terms} == {}
    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == {name: status for name, (_, status) in pages.items()} | {"400": 400}
    # Every page a patient reads says what to do in an emergency, the US way.
    assert [name for name, text in html.items() if name != "sitemap" and "911" not in text] == []


def test_every_page_the_sitemap_lists_says_no_uk_term(visitor):
    sections = sitemap_locations(visitor.get("/sitemap.xml").text)
    urls = list(sections)
    for section in sections:
        urls += sitemap_locations(visitor.get(section).text)
    assert len(urls) > 100
    assert "/treatments/physical-therapy/" in urls

    found = {}
    for url in urls:
        response = visitor.get(url)
        assert response.status_code == 200, url
        found[url] = page_terms(response.content.decode())

    assert {url: terms for url, terms in found.items() if terms} == {}


def test_every_page_is_marked_as_us_english(visitor):
    # The site layout is the clinic profile's work (templates/base.html); the error pages are
    # templates/error_base.html.
    for url in ["/", "/conditions/bakers-cyst/", "/symptom-checker/", "/no-such-page/"]:
        assert '<html lang="en-US">' in visitor.get(url).text, url
    assert re.search(r'"inLanguage": ?"en-US"', visitor.get("/conditions/bakers-cyst/").text)


def test_the_symptom_checker_tells_each_red_flag_where_to_go_in_the_us(visitor):
    html = visitor.get("/symptom-checker/", {"symptom": ALL_RED_FLAGS}).text
    urgent_advice = re.findall(r'<aside class="urgent urgent-(\w+)".*?</aside>', html, re.DOTALL)
    contact = dict(
        re.findall(
            r'<aside class="urgent urgent-(\w+)".*?<p class="urgent-contact">(.*?)</p>',
            html,
            re.DOTALL,
        )
    )

    assert sorted(urgent_advice) == ["immediate", "urgent", "urgent", "urgent", "urgent"]
    assert contact == {
        "immediate": "Call 911 or go to the nearest emergency room now.",
        "urgent": "Get care today: call your doctor or go to an urgent care center. "
        "If you think it is an emergency, call 911.",
    }


def test_the_treatment_physical_therapy_lists_the_uk_words_as_other_names(visitor):
    html = visitor.get("/treatments/physical-therapy/").text

    assert "<h1>Physical therapy</h1>" in html
    assert re.search(r'<p class="also-known">Also called: physiotherapy, physiotherapist', html)
    assert visitor.get("/treatments/physiotherapy/").status_code == 404


def test_searching_the_uk_words_finds_physical_therapy(visitor):
    for query in ("physiotherapy", "physiotherapist"):
        hits = content_search(Query.parse(query))[0:3]
        assert [hit.title for hit in hits][:1] == ["Physical therapy"], query
