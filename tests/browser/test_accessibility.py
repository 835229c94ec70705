"""WCAG 2.2 AA in a real browser: axe-core on every public page type, and keyboard-only use.

axe runs at a phone width (360 px) and a desktop width (1280 px). The keyboard tests use only
Tab, Space and Enter, as someone who cannot use a mouse would.
"""

import pytest
from django.core.management import call_command

from conditions.services.importing import SEED_ARTICLE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

PAGES = [
    "/",
    "/conditions/",
    "/conditions/bakers-cyst/",
    "/symptoms/",
    "/symptoms/swelling/",
    "/treatments/",
    "/treatments/physical-therapy/",
    "/tags/",
    "/tags/knee/",
    "/faq/",
    "/faq/what-is-posterior-knee-pain/",
    "/search/?q=popliteal+cyst",
    "/search/?q=",
    "/symptom-checker/",
    "/symptom-checker/?symptom=swollen-warm-or-red-calf&symptom=swelling&onset=gradual&area=back",
    "/appointments/?condition=bakers-cyst",
    "/appointments/thanks/",
    "/no-such-page/",
]

WIDTHS = [360, 1280]


@pytest.fixture
def seeded_site(live_server):
    call_command("import_article", str(SEED_ARTICLE), verbosity=0)
    return live_server.url


def axe_violations(page):
    from axe_playwright_python.base import AXE_SCRIPT

    # A page checked at one width and widened has axe from its first run.
    if not page.evaluate("typeof axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("(options) => axe.run(options)", AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
    ]


def violations_at_each_width(page, url):
    """axe's findings on the page at `url` at each width of WIDTHS, by width.

    The page is loaded at the first width and widened: the public pages' one script
    (feedback.js) never looks at the width, so each wider layout is the one that width loads,
    and each page is fetched and rendered once rather than once per width.
    """
    page.set_viewport_size({"width": WIDTHS[0], "height": 800})
    page.goto(url)
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("innerWidth") == width, url
        if violations := axe_violations(page):
            found[width] = violations
    return found


def test_axe_finds_no_violations_on_any_page_type(seeded_site, in_chromium):
    def drive(browser):
        found = {}
        page = browser.new_page()
        for path in PAGES:
            if violations := violations_at_each_width(page, seeded_site + path):
                found[path] = violations
            assert page.locator("h1").count() == 1, path
            assert page.locator("main#main").count() == 1, path
        return found

    assert in_chromium(drive) == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violations_on_the_appointment_form_with_errors(
    seeded_site, in_chromium, width
):
    def drive(browser):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(seeded_site + "/appointments/")
        page.get_by_label("Email address").fill("not an address")
        page.get_by_role("button", name="Send request").click()
        page.wait_for_load_state()
        assert page.locator(".error-summary li").count() == 3
        assert axe_violations(page) == []

    in_chromium(drive)


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(seeded_site, in_chromium):
    def drive(browser):
        page = browser.new_page()
        page.goto(seeded_site + "/conditions/bakers-cyst/")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Skip to main content"
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

    in_chromium(drive)


def tab_to(page, selector, limit=80):
    """Press Tab until `selector` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received focus")


def test_search_works_with_the_keyboard_alone(seeded_site, in_chromium):
    def drive(browser):
        page = browser.new_page()
        page.goto(seeded_site + "/")
        tab_to(page, "input[type=search]")
        page.keyboard.type("popliteal cyst")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search/?q=popliteal*")
        tab_to(page, "main a[href='/conditions/bakers-cyst/']")
        page.keyboard.press("Enter")
        page.wait_for_url("**/conditions/bakers-cyst/")
        assert page.locator("h1").inner_text() == "Baker’s Cyst"

    in_chromium(drive)


def test_symptom_checker_works_with_the_keyboard_alone(seeded_site, in_chromium):
    def drive(browser):
        page = browser.new_page()
        page.goto(seeded_site + "/symptom-checker/")
        tab_to(page, "input[value='locking-or-catching']")
        page.keyboard.press("Space")
        # A radio group is one Tab stop; the arrow keys choose within it.
        tab_to(page, "input[name=onset]:checked")
        page.keyboard.press("ArrowDown")
        assert page.locator("input[name=onset][value=injury]").is_checked()
        tab_to(page, "button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url("**symptom=locking-or-catching&onset=injury**")
        first = page.locator(".ranked li a").first.inner_text()
        assert first == "Meniscus Tear"

    in_chromium(drive)


def test_knee_diagram_regions_are_reachable_and_named(seeded_site, in_chromium):
    def drive(browser):
        page = browser.new_page()
        page.goto(seeded_site + "/symptom-checker/")
        tab_to(page, "svg a[href='?area=back']")
        name = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert name.startswith("Back of the knee:")
        page.keyboard.press("Enter")
        page.wait_for_url("**?area=back")
        assert "Baker’s Cyst" in page.locator(".ranked").inner_text()

    in_chromium(drive)
