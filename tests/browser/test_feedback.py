""" "Was this page helpful?" in Chromium, with and without JavaScript: answer No on a condition
page served from the page cache, send a comment that is too long, then one that fits; axe checks
every step at a phone's width and a desktop's, and the browser ends up holding no cookie."""

import pytest

from feedback.models import Feedback
from feedback.redaction import PHONE_REMOVED
from tests.browser.test_accessibility import axe_violations
from tests.factories import ConditionFactory, FAQFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMMENT = "It never says how long the swelling lasts. Call me at 212-555-0100."


def page_violations(page, copy=None):
    """axe's findings on `page`. axe is a script: on a page that runs none, it runs on `copy`, a
    page of its own that may run it, served a copy of `page` at the same address."""
    if copy is None:
        return axe_violations(page)
    html = page.content()
    copy.route(page.url, lambda route: route.fulfill(content_type="text/html", body=html))
    try:
        copy.goto(page.url)
    finally:
        copy.unroute(page.url)
    return axe_violations(copy)


@pytest.fixture
def condition_page(live_server, settings):
    settings.PAGE_CACHE = True
    ConditionFactory(name="Baker's cyst", slug="bakers-cyst")
    return f"{live_server.url}/conditions/bakers-cyst/"


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no javascript"])
def test_a_patient_says_a_page_did_not_help_and_why(condition_page, in_chromium, javascript, width):
    violations = {}

    def drive(browser):
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        # One page for every step's copy, rather than a browser context and page for each.
        copy = None if javascript else browser.new_page(viewport=page.viewport_size)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # Another visitor's request stores the page; this patient is served the stored copy.
        assert context.request.get(condition_page).headers["x-page-cache"] == "miss"
        assert page.goto(condition_page).headers["x-page-cache"] == "hit"
        violations["page"] = page_violations(page, copy)

        page.get_by_role("group", name="Was this page helpful?").get_by_role(
            "button", name="No"
        ).click()
        box = page.get_by_label("What was missing or unclear?")
        box.wait_for()
        if javascript:
            # Answered in place, and a screen reader hears the thanks first.
            assert page.url == condition_page
            focused = page.evaluate("document.activeElement.textContent")
            assert focused == "Thank you for your answer"
            assert page.locator(".feedback-answer").count() == 0
        else:
            assert page.url.endswith("/feedback/")
            assert page.locator("h1").inner_text() == "Thank you for your answer"
        violations["comment step"] = page_violations(page, copy)

        too_long = "The words are too long for me. " * 17  # 527 characters
        box.fill(too_long)
        if javascript:
            assert page.locator("[data-count-for]").inner_text() == (
                "Characters over the limit: 27"
            )
        page.get_by_role("button", name="Send comment").click()
        page.get_by_text("it can have at most 500").wait_for()
        assert box.input_value() == too_long
        violations["too long"] = page_violations(page, copy)

        box.fill(COMMENT)
        page.get_by_role("button", name="Send comment").click()
        page.get_by_text("Thank you: your comment has been sent").wait_for()
        violations["sent"] = page_violations(page, copy)
        if not javascript:
            page.get_by_role("link", name="Back to “Baker's cyst”").click()
            page.wait_for_url(condition_page)

        assert context.cookies() == []
        assert errors == []
        context.close()

    in_chromium(drive)

    assert {step: found for step, found in violations.items() if found} == {}
    stored = Feedback.objects.get()
    assert (stored.page.slug, stored.helpful) == ("bakers-cyst", False)
    assert (
        stored.comment == f"It never says how long the swelling lasts. Call me at {PHONE_REMOVED}."
    )


def test_when_sending_in_the_background_fails_the_form_is_sent_the_plain_way(
    condition_page, in_chromium
):
    def drive(browser):
        page = browser.new_page()

        def no_background_sends(route):
            if route.request.resource_type == "fetch":
                route.abort()
            else:
                route.continue_()

        page.route("**/feedback/", no_background_sends)
        page.goto(condition_page)
        page.get_by_role("button", name="Yes").click()
        page.wait_for_url("**/feedback/")
        assert page.locator("h1").inner_text() == "Thank you for your answer"
        assert page.get_by_label("What helped you?").is_visible()

    in_chromium(drive)

    assert Feedback.objects.get().helpful is True


def test_each_answer_on_the_faq_list_is_answered_in_place(live_server, in_chromium):
    first = FAQFactory(question="Can I kneel?", order=1)
    second = FAQFactory(question="Can I run?", order=2)

    def drive(browser):
        page = browser.new_page()
        page.goto(f"{live_server.url}/faq/")
        widgets = page.locator("[data-feedback]")
        widgets.nth(1).get_by_role("button", name="Yes").click()
        widgets.nth(1).get_by_label("What helped you?").wait_for()
        widgets.nth(0).get_by_role("button", name="No").click()
        widgets.nth(0).get_by_label("What was missing or unclear?").wait_for()
        # Two comment forms at once, each with ids of its own.
        assert page.locator("textarea").count() == 2
        assert axe_violations(page) == []

    in_chromium(drive)

    answers = {answer.object_id: answer.helpful for answer in Feedback.objects.all()}
    assert answers == {first.pk: False, second.pk: True}
