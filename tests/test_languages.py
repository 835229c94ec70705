"""Every public page in English at its address and in Spanish under /es/, chosen by the address.

Language comes from the address only: no cookie, no redirect or `Vary` by Accept-Language, so
each address is one page that the page cache keeps. The Spanish interface is the catalog
locale/es/LC_MESSAGES/django.po; an item with no Spanish translation (none has one yet) is
shown in English under a notice, marked lang="en-US", and left out of the Spanish sitemap.
"""

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import translation

from clinic.models import ClinicProfile, Location
from conditions import structured_data
from conditions.links import link_problems
from conditions.models import Condition
from kneeinfo import languages
from tests.conftest import empty_caches, kept_open
from tests.factories import (
    ConditionFactory,
    FAQFactory,
    KneeAreaFactory,
    SymptomFactory,
    TagFactory,
    TreatmentFactory,
)
from tests.test_cache import page_cache  # noqa: F401 (the page cache on files, memory, Redis)

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


def alternates(html):
    """{hreflang: href} of a page's <link rel="alternate">."""
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def switcher(html):
    """[(hreflang, href, text)] of the language switcher's links."""
    block = re.search(r'<p class="language-switch">(.*?)</p>', html, re.DOTALL).group(1)
    return re.findall(r'<a href="([^"]*)" hreflang="([^"]+)" lang="[^"]+">([^<]+)</a>', block)


# Addresses


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "view"),
    [
        ("/", "HomeView"),
        ("/conditions/", "ConditionListView"),
        ("/conditions/bakers-cyst/", "ConditionDetailView"),
        ("/symptoms/", "SymptomListView"),
        ("/symptoms/swelling/", "SymptomDetailView"),
        ("/treatments/", "TreatmentListView"),
        ("/treatments/rest/", "TreatmentDetailView"),
        ("/tags/", "TagListView"),
        ("/tags/knee/", "TagDetailView"),
        ("/faq/", "FAQListView"),
        ("/faq/a-question/", "FAQDetailView"),
        ("/search/", "SearchView"),
        ("/symptom-checker/", "SymptomCheckerView"),
        ("/appointments/", "request_form"),
        ("/appointments/thanks/", "thanks"),
    ],
)
def test_every_public_address_is_also_under_es_with_the_same_slug(url, view):
    for address, code in ((url, "en-us"), (spanish(url), "es")):
        with translation.override(languages.language_of(address)):
            match = resolve(address)
            assert getattr(match.func, "view_class", match.func).__name__ == view, address
            assert languages.language_of(address) == code
            assert reverse(match.view_name, kwargs=match.kwargs) == address


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/es/admin/", "/es/healthz", "/es/robots.txt", "/es/sitemap.xml"])
def test_machine_addresses_and_the_admin_have_no_spanish_copy(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_admin_and_machine_addresses_stay_where_they_are(client, admin_client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200
    assert admin_client.get("/admin/").status_code == 200


def test_addresses_swap_language_by_their_prefix_alone():
    assert languages.path_in("es", "/conditions/bakers-cyst/") == "/es/conditions/bakers-cyst/"
    assert languages.path_in("en-us", "/es/conditions/bakers-cyst/") == "/conditions/bakers-cyst/"
    assert languages.path_in("es", "/") == "/es/"
    assert languages.path_in("en-us", "/es/") == "/"
    assert languages.path_in("en-us", "/es") == "/"
    # A first segment that only starts like a language is not one.
    assert languages.language_of("/essays/") == "en-us"
    assert languages.path_in("es", "/essays/") == "/es/essays/"


# Language from the address only


@pytest.fixture
def knee_site(db):
    """A small published site with the clinic's phone and a location."""
    profile = ClinicProfile.objects.create(phone="(212) 555-0100")
    Location.objects.create(profile=profile, name="Midtown", city="New York", state="NY")
    tag = TagFactory(name="swelling")
    symptom = SymptomFactory(name="Swelling behind the knee", slug="swelling", tags=[tag])
    treatment = TreatmentFactory(name="Ice pack", slug="ice-pack", tags=[tag])
    condition = ConditionFactory(
        name="Baker's cyst",
        slug="bakers-cyst",
        alternate_names="popliteal cyst",
        summary="A fluid-filled swelling at the back of the knee.",
        body="It often goes away by itself.",
        urgency=Condition.Urgency.IMMEDIATE,
        urgent_help="A swollen, red calf can be a blood clot.",
        symptoms=[symptom],
        treatments=[treatment],
        knee_areas=["back"],
        tags=[tag],
        last_reviewed_on=date(2026, 12, 3),
        next_review_due=date(2029, 12, 2),
    )
    faq = FAQFactory(question="Is it serious?", slug="is-it-serious", conditions=[condition])
    return {"condition": condition, "symptom": symptom, "treatment": treatment, "faq": faq}


def test_a_spanish_browser_gets_the_english_page_at_an_english_address(client, knee_site):
    response = client.get("/conditions/bakers-cyst/", HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9")

    assert response.status_code == 200
    assert '<html lang="en-US">' in response.text
    assert "Also called:" in response.text
    assert response["Content-Language"] == "en-US"
    assert "accept-language" not in response.get("Vary", "").lower()
    assert not response.cookies


def test_an_english_browser_gets_the_spanish_page_at_a_spanish_address(client, knee_site):
    response = client.get("/es/conditions/bakers-cyst/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert '<html lang="es">' in response.text
    assert "Otros nombres:" in response.text
    assert response["Content-Language"] == "es"
    assert "accept-language" not in response.get("Vary", "").lower()
    assert not response.cookies


def test_a_language_cookie_changes_nothing_and_none_is_ever_set(client, knee_site):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    for url in ("/", "/conditions/bakers-cyst/", "/no-such-page/"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
        assert '<html lang="en-US">' in response.text, url
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies, url
    for url in ("/es/", "/es/conditions/bakers-cyst/", "/es/no-such-page/"):
        response = client.get(url)
        assert '<html lang="es">' in response.text, url
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies, url


def test_an_address_without_a_prefix_is_never_redirected(client, knee_site):
    for accept in ("es", "es-MX,es;q=0.9", "fr", ""):
        response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=accept)
        assert response.status_code == 404
        response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
        assert response.status_code == 200


def test_a_language_the_site_does_not_have_is_a_missing_page(client, knee_site):
    assert client.get("/fr/conditions/bakers-cyst/").status_code == 404
    assert client.get("/en-us/conditions/bakers-cyst/").status_code == 404
    assert client.get("/en/").status_code == 404


# Every page names itself in both languages


@pytest.mark.parametrize("url", ["/", "/conditions/", "/tags/swelling/", "/search/?q=knee"])
def test_interface_pages_link_their_copy_in_each_language_and_the_default(client, knee_site, url):
    path = url.split("?")[0]
    expected = {
        "en-US": f"http://testserver{path}",
        "es": f"http://testserver/es{path}",
        "x-default": f"http://testserver{path}",
    }

    assert alternates(client.get(url).text) == expected
    assert alternates(client.get(spanish(url)).text) == expected


def test_an_untranslated_item_offers_no_spanish_copy_to_search_engines(client, knee_site):
    for url in (
        "/conditions/bakers-cyst/",
        "/symptoms/swelling/",
        "/treatments/ice-pack/",
        "/faq/is-it-serious/",
    ):
        english, spanish_page = client.get(url).text, client.get(spanish(url)).text
        expected = {"en-US": f"http://testserver{url}", "x-default": f"http://testserver{url}"}
        assert alternates(english) == expected, url
        assert alternates(spanish_page) == expected, url
        assert '<meta name="robots" content="noindex">' in spanish_page, url
        assert '<meta name="robots" content="noindex">' not in english, url


@pytest.mark.parametrize(
    ("url", "other"),
    [
        ("/", "/es/"),
        ("/conditions/bakers-cyst/", "/es/conditions/bakers-cyst/"),
        ("/search/?q=baker%27s+cyst&page=1", "/es/search/?q=baker%27s+cyst&page=1"),
        (
            "/symptom-checker/?symptom=swelling&area=back",
            "/es/symptom-checker/?symptom=swelling&area=back",
        ),
        ("/appointments/?condition=bakers-cyst", "/es/appointments/?condition=bakers-cyst"),
    ],
)
def test_the_switcher_links_the_same_page_in_the_other_language(client, knee_site, url, other):
    assert switcher(client.get(url).text) == [(other.replace("&", "&amp;"), "es", "Español")]
    assert switcher(client.get(other).text) == [(url.replace("&", "&amp;"), "en-US", "English")]


# Content not yet translated


def test_a_spanish_page_of_an_untranslated_item_shows_the_english_under_a_notice(client, knee_site):
    html = client.get("/es/conditions/bakers-cyst/").text
    main = html[html.index("<main") :]

    notice = re.search(r'<p class="translation-notice" role="note">(.*?)</p>', main).group(1)
    assert "Esta página aún no está disponible en español." in notice
    assert main.index("translation-notice") < main.index("<h1")
    assert '<h1 lang="en-US">Baker&#x27;s cyst</h1>' in main
    assert '<p class="lead" lang="en-US">A fluid-filled swelling' in main
    assert '<div class="body" lang="en-US"><p>It often goes away by itself.</p></div>' in main
    assert 'Otros nombres: <span lang="en-US">popliteal cyst</span>' in main
    assert '<p lang="en-US">A swollen, red calf can be a blood clot.</p>' in main
    # The interface around it, the urgent-help heading first, is in Spanish.
    assert "Llame al 911 o vaya a la sala de emergencias más cercana</h2>" in main
    assert "Dónde suele doler: parte de atrás de la rodilla." in main


def test_an_english_page_has_no_notice_and_no_language_marks(client, knee_site):
    html = client.get("/conditions/bakers-cyst/").text

    assert "translation-notice" not in html
    assert "<h1>Baker&#x27;s cyst</h1>" in html
    assert 'lang="en-US"' not in html.split("<main", 1)[1]


def test_interface_pages_in_spanish_have_no_notice(client, knee_site):
    for url in ("/es/", "/es/conditions/", "/es/search/?q=knee", "/es/symptom-checker/"):
        assert "translation-notice" not in client.get(url).text, url


# Dates, print, structured data


def test_dates_are_written_the_way_each_language_writes_them(client, knee_site):
    english = client.get("/conditions/bakers-cyst/").text
    spanish_page = client.get("/es/conditions/bakers-cyst/").text

    assert '<time datetime="2026-12-03">December 3, 2026</time>' in english
    assert '<time datetime="2029-12-02">December 2, 2029</time>' in english
    assert '<time datetime="2026-12-03">3 de diciembre de 2026</time>' in spanish_page
    assert '<time datetime="2029-12-02">2 de diciembre de 2029</time>' in spanish_page
    assert "Última revisión de la página:" in spanish_page


def test_the_printed_spanish_page_says_where_it_came_from_in_spanish(client, knee_site):
    html = client.get("/es/conditions/bakers-cyst/").text

    assert (
        '<p class="print-only">Impreso desde http://testserver/es/conditions/bakers-cyst/: '
        "información general, no un diagnóstico.</p>"
    ) in html


def json_ld(html):
    return re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)


def test_structured_data_says_the_language_of_the_wording_shown(client, knee_site):
    spanish_page = json_ld(client.get("/es/conditions/bakers-cyst/").text)

    # The Spanish page of an untranslated item shows, and describes, the English wording.
    assert '"inLanguage":"en-US"' in spanish_page
    assert '"name":"Inicio","item":"http://testserver/es/"' in spanish_page
    assert '"name":"Afecciones de la A a la Z","item":"http://testserver/es/conditions/"' in (
        spanish_page
    )
    assert '"url":"http://testserver/es/symptoms/swelling/"' in spanish_page


def test_structured_data_gives_a_translations_language(rf, knee_site):
    request = rf.get("/es/conditions/bakers-cyst/")
    with translation.override("es"):
        data = structured_data.condition_page(
            request,
            knee_site["condition"],
            [],
            symptoms=[],
            treatments=[],
            knee_areas=[],
            in_language="es",
        )
    assert '"inLanguage":"es"' in data
    assert '"name":"Inicio","item":"http://testserver/es/"' in data


# Error pages


def test_a_missing_spanish_page_says_so_in_spanish_with_spanish_links(client, db):
    response = client.get("/es/conditions/no-such-condition/")

    assert response.status_code == 404
    assert '<html lang="es">' in response.text
    assert "Lo sentimos, no encontramos esa página" in response.text
    assert '<a href="/es/">Ir a la página de inicio</a>' in response.text
    assert '<a href="/es/symptoms/">Buscar una afección por síntoma</a>' in response.text
    assert "en una emergencia, llame al 911." in response.text


def test_a_missing_english_page_stays_english(client, db):
    response = client.get("/conditions/no-such-condition/", HTTP_ACCEPT_LANGUAGE="es")

    assert '<html lang="en-US">' in response.text
    assert '<a href="/">Go to the home page</a>' in response.text


# Forms in Spanish


def test_the_spanish_appointment_form_answers_mistakes_in_spanish(client, knee_site):
    response = client.post("/es/appointments/", {"name": "", "message": "x" * 501})
    html = unescape(response.text)

    assert response.status_code == 200
    assert "Corrija estos datos para enviar su solicitud" in html
    assert "Escriba su nombre." in html
    assert "Indique un número de teléfono o un correo electrónico" in html
    assert "Su mensaje puede tener como máximo 500 caracteres (tiene 501)." in html
    assert "Marque la casilla para aceptar" in html
    assert 'action="/es/appointments/"' in html


def test_a_spanish_request_ends_on_the_spanish_thanks_page(client, knee_site):
    response = client.post(
        "/es/appointments/",
        {"name": "María", "phone": "212 555 0199", "consent": "on", "condition": "bakers-cyst"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/es/appointments/thanks/"
    assert "Gracias: su solicitud se envió" in client.get(response["Location"]).text


def test_the_clinic_is_told_of_a_spanish_request_in_english(client, knee_site, mailoutbox):
    ClinicProfile.objects.filter(pk=1).update(appointment_email="desk@clinic.example")
    client.post("/es/appointments/", {"name": "María", "phone": "2125550199", "consent": "on"})

    (email,) = mailoutbox
    assert "A patient has sent an appointment request" in email.body
    assert re.search(r"Received [A-Z][a-z]+ \d{1,2}, \d{4}, ", email.body)


# The sitemap


def sitemap_locations(client, url):
    return re.findall(r"<loc>http://testserver(/[^<]+)</loc>", client.get(url).text)


def test_the_sitemap_lists_each_section_in_both_languages(client, knee_site):
    sections = sitemap_locations(client, "/sitemap.xml")

    assert sections == [
        *(f"/sitemap-{name}.xml" for name in ("pages", "conditions", "symptoms")),
        *(f"/sitemap-{name}.xml" for name in ("treatments", "faqs", "tags")),
        *(f"/sitemap-es-{name}.xml" for name in ("pages", "conditions", "symptoms")),
        *(f"/sitemap-es-{name}.xml" for name in ("treatments", "faqs", "tags")),
    ]
    assert sitemap_locations(client, "/sitemap-es-pages.xml") == [
        "/es/",
        "/es/conditions/",
        "/es/symptoms/",
        "/es/treatments/",
        "/es/tags/",
        "/es/faq/",
    ]
    assert sitemap_locations(client, "/sitemap-es-tags.xml") == ["/es/tags/swelling/"]
    assert sitemap_locations(client, "/sitemap-conditions.xml") == ["/conditions/bakers-cyst/"]


def test_the_spanish_sitemap_leaves_out_items_not_translated(client, knee_site):
    for name in ("conditions", "symptoms", "treatments", "faqs"):
        response = client.get(f"/sitemap-es-{name}.xml")
        assert response.status_code == 200
        assert "<url>" not in response.text, name
        assert sitemap_locations(client, f"/sitemap-{name}.xml"), name


# The page cache


def test_each_language_is_cached_apart_and_invalidated_alike(page_cache, client, knee_site):  # noqa: F811
    english = client.get("/conditions/bakers-cyst/")
    spanish_page = client.get("/es/conditions/bakers-cyst/")
    assert english["X-Page-Cache"] == spanish_page["X-Page-Cache"] == "miss"

    again = {
        url: client.get(url) for url in ("/conditions/bakers-cyst/", "/es/conditions/bakers-cyst/")
    }
    assert again["/conditions/bakers-cyst/"]["X-Page-Cache"] == "hit"
    assert again["/conditions/bakers-cyst/"].content == english.content
    assert again["/es/conditions/bakers-cyst/"]["X-Page-Cache"] == "hit"
    assert again["/es/conditions/bakers-cyst/"].content == spanish_page.content
    assert b"Otros nombres" in spanish_page.content and b"Also called" in english.content

    Condition.objects.filter(slug="bakers-cyst").first().save()
    for url in ("/conditions/bakers-cyst/", "/es/conditions/bakers-cyst/"):
        assert client.get(url)["X-Page-Cache"] == "miss", url


# Query counts


QUERY_PAGES = [
    "/",
    "/conditions/",
    "/conditions/busy/",
    "/symptoms/",
    "/symptoms/symptom-busy/",
    "/treatments/",
    "/treatments/treatment-busy/",
    "/tags/",
    "/tags/busy/",
    "/faq/",
    "/faq/faq-busy/",
    "/search/?q=condition",
    "/symptom-checker/?symptom=symptom-busy&area=busy-area",
    "/appointments/?condition=busy",
]


def build_busy_site():
    """Thirty of everything, all linked to one condition, symptom, treatment and tag."""
    tag = TagFactory(name="busy")
    area = KneeAreaFactory(slug="busy-area")
    symptom = SymptomFactory(slug="symptom-busy", tags=[tag])
    treatment = TreatmentFactory(slug="treatment-busy", tags=[tag])
    condition = ConditionFactory(
        slug="busy",
        symptoms=[symptom, *SymptomFactory.create_batch(29)],
        treatments=[treatment, *TreatmentFactory.create_batch(29)],
        related=ConditionFactory.create_batch(30, tags=[tag], symptoms=[symptom]),
        knee_areas=[area.slug],
        tags=[tag, *TagFactory.create_batch(29)],
    )
    FAQFactory(slug="faq-busy", conditions=[condition], tags=[tag])
    FAQFactory.create_batch(29, conditions=[condition])


@pytest.fixture(scope="class")
def busy_site(django_db_setup, django_db_blocker):
    """The busy site, built once for the tests of a class that read it."""
    yield from kept_open(django_db_blocker, build_busy_site)


def queries(client, url):
    empty_caches()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


# What a Spanish page costs beyond its English page: the Spanish of what it lists, one query a
# list whatever its length (translations/services.py, translated_items()), where the page is not
# kept whole per content generation. The A–Z (and the home page's first conditions) reads every
# condition's name and their Spanish names, kept until content changes, then a page of them and
# their translations; a condition page translates its symptoms, treatments, related conditions
# and FAQs (its similar ones: none here); the checker its symptoms and its ranked conditions.
SPANISH_EXTRA = {
    "/": 4,  # the A–Z's four queries for the English list's one; the FAQ teaser's Spanish
    "/conditions/": 1,
    "/conditions/busy/": 4,
    "/symptoms/": 1,
    "/symptoms/symptom-busy/": 1,
    "/treatments/": 1,
    "/treatments/treatment-busy/": 1,
    "/faq/": 1,
    "/symptom-checker/?symptom=symptom-busy&area=busy-area": 2,
}


@pytest.mark.django_db
class TestOnABusySite:
    @pytest.mark.parametrize("url", QUERY_PAGES)
    def test_a_spanish_page_costs_the_queries_its_english_page_costs(self, client, busy_site, url):
        # Once first: what a process keeps beside the cache (search's in-memory indexes) is built.
        client.get(url)
        client.get(spanish(url))
        english = queries(client, url)

        assert english > 0
        extra = SPANISH_EXTRA.get(url, 0)
        if url.startswith("/search/") and connection.vendor == "postgresql":
            # English search is one statement and its planner setting on PostgreSQL; Spanish search
            # is answered from memory, as on SQLite (README, "Search", In Spanish).
            extra = -2
        assert queries(client, spanish(url)) == english + extra

    def test_a_kept_spanish_condition_page_costs_one_query_as_the_english_one(
        self, client, busy_site, django_assert_num_queries
    ):
        for url in ("/conditions/busy/", "/es/conditions/busy/"):
            client.get(url)
            with django_assert_num_queries(1):  # the content generation
                client.get(url)


def test_a_link_to_a_spanish_page_is_checked_as_that_page(knee_site):
    assert link_problems("[Quiste](/es/conditions/bakers-cyst/)") == []
    assert link_problems("[Temas](/es/tags/swelling/)") == []
    assert link_problems("[No](/es/conditions/no-such-condition/)") == [
        ("/es/conditions/no-such-condition/", "this condition is not live")
    ]
    assert link_problems("[No](/es/nowhere/)") == [("/es/nowhere/", "no page has this address")]
