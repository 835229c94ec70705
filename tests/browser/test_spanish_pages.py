"""The Spanish pages in a real browser: axe-core finds nothing, and the language marks hold.

A Spanish condition page of an item not yet translated shows the English under a Spanish notice;
axe checks the page (language attributes valid, contrast of the notice) at a phone and a
desktop width, and the browser reports which language each part is in.
"""

import pytest
from django.core.management import call_command

from conditions.services.importing import SEED_ARTICLE
from tests.browser.test_accessibility import violations_at_each_width

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SPANISH_PAGES = [
    "/es/",
    "/es/conditions/",
    "/es/conditions/bakers-cyst/",
    "/es/symptoms/swelling/",
    "/es/faq/",
    "/es/search/?q=popliteal+cyst",
    "/es/symptom-checker/?symptom=swollen-warm-or-red-calf&symptom=swelling&area=back",
    "/es/appointments/?condition=bakers-cyst",
    "/es/no-such-page/",
]


@pytest.fixture
def seeded_site(live_server):
    call_command("import_article", str(SEED_ARTICLE), verbosity=0)
    return live_server.url


def test_axe_finds_no_violations_on_spanish_pages(seeded_site, in_chromium):
    def drive(browser):
        found = {}
        page = browser.new_page()
        for path in SPANISH_PAGES:
            if violations := violations_at_each_width(page, seeded_site + path):
                found[path] = violations
            assert page.evaluate("document.documentElement.lang") == "es", path
        return found

    assert in_chromium(drive) == {}


def test_an_untranslated_spanish_condition_page_marks_its_english(seeded_site, in_chromium):
    def drive(browser):
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(seeded_site + "/es/conditions/bakers-cyst/")

        notice = page.locator(".translation-notice")
        assert notice.is_visible()
        assert "aún no está disponible en español" in notice.inner_text()
        # The nearest lang attribute decides how a screen reader pronounces each part.
        closest_lang = "(el) => el.closest('[lang]').getAttribute('lang')"
        assert notice.evaluate(closest_lang) == "es"
        assert page.locator("h1").evaluate(closest_lang) == "en-US"
        assert page.locator(".condition .body p").first.evaluate(closest_lang) == "en-US"
        assert page.locator("#urgent-heading").evaluate(closest_lang) == "es"

        page.get_by_role("link", name="English").click()
        page.wait_for_load_state()
        assert page.url == seeded_site + "/conditions/bakers-cyst/"
        assert page.evaluate("document.documentElement.lang") == "en-US"
        assert page.locator(".translation-notice").count() == 0

    in_chromium(drive)
