"""Spanish pages with the seed's Spanish translations in a real browser: axe-core finds nothing
on a translated page, an out-of-date one (with the English callout above the Spanish) and an
untranslated one, and each part is in the language it says."""

import pytest
from django.core.management import call_command

from conditions.models import Condition
from conditions.services.importing import SEED_ARTICLE
from tests.browser.test_accessibility import violations_at_each_width
from tests.factories import ConditionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = [
    "/es/conditions/bakers-cyst/",  # translated, up to date
    "/es/conditions/jumpers-knee/",  # the English urgent help changed since: out of date
    "/es/conditions/plica-syndrome/",  # no translation
    "/es/conditions/",
    "/es/search/?q=quiste+de+Baker",
    "/es/symptom-checker/?symptom=swollen-warm-or-red-calf&symptom=calf-pain",
]


@pytest.fixture
def seeded_site(live_server):
    call_command("import_article", str(SEED_ARTICLE), verbosity=0)
    call_command("import_translations", verbosity=0)
    jumpers = Condition.objects.get(slug="jumpers-knee")
    jumpers.urgent_help = jumpers.urgent_help.replace("two weeks", "three weeks")
    jumpers.save()
    ConditionFactory(name="Plica syndrome", slug="plica-syndrome")
    return live_server.url


def test_axe_finds_no_violations_on_spanish_content_pages(seeded_site, in_chromium):
    def drive(browser):
        found = {}
        page = browser.new_page()
        for path in PAGES:
            if violations := violations_at_each_width(page, seeded_site + path):
                found[path] = violations
        return found

    assert in_chromium(drive) == {}


def test_an_out_of_date_page_puts_the_english_advice_first_in_english(seeded_site, in_chromium):
    closest_lang = "(el) => el.closest('[lang]').getAttribute('lang')"

    def drive(browser):
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(seeded_site + "/es/conditions/jumpers-knee/")
        notice = page.locator(".translation-notice").first
        assert "cambió después de que se revisó" in notice.inner_text()
        assert notice.evaluate(closest_lang) == "es"
        advice = page.locator(".urgent p").first
        assert "three weeks" in advice.inner_text()
        assert advice.evaluate(closest_lang) == "en-US"
        assert page.locator("h1").inner_text() == "Rodilla de saltador"
        assert page.locator("h1").evaluate(closest_lang) == "es"
        # The callout comes before the Spanish summary.
        assert page.evaluate(
            "document.querySelector('.urgent').compareDocumentPosition("
            "document.querySelector('.lead')) & Node.DOCUMENT_POSITION_FOLLOWING"
        )
        page.get_by_role("link", name="Lea la página actual en inglés").click()
        page.wait_for_load_state()
        assert page.url == seeded_site + "/conditions/jumpers-knee/"

    in_chromium(drive)
