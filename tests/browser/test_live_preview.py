"""A clinician edits a condition in Chromium and sees the page as patients will: with JavaScript
the preview follows their typing; without it the Preview button shows it. Nothing is saved."""

import pytest
from django.conf import settings
from django.test import Client

from conditions.models import Condition
from tests.factories import ConditionFactory, SymptomFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SAVED_BODY = "Rest your knee. Put ice on it."
TYPED = " Proprioception training helps after a posterolateral injury."


@pytest.fixture
def editor(live_server, clinician):
    """The condition's change form address, and a browser context signed in as a clinician."""
    swelling = SymptomFactory(name="Swelling behind the knee")
    condition = ConditionFactory(
        name="Baker's cyst", slug="bakers-cyst", body=SAVED_BODY, symptoms=[swelling]
    )
    client = Client()
    client.force_login(clinician)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    url = f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/"
    return url, {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}


def signed_in_page(browser, cookie, javascript):
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    context.add_cookies([cookie])
    page = context.new_page()
    problems = []

    def console(message):
        # A failed load is reported with its address below; the admin has no /favicon.ico.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and problems.append(f"{r.status} {r.url}")
        ),
    )
    return page, problems


def test_typing_in_the_body_updates_the_preview_beside_the_form(editor, in_chromium):
    from playwright.sync_api import expect

    url, cookie = editor

    def drive(browser):
        page, problems = signed_in_page(browser, cookie, javascript=True)
        previews = []
        page.on("request", lambda r: "/preview/" in r.url and previews.append(r.method))
        page.goto(url)
        frame = page.frame_locator("#live-preview-frame")
        # Shown as soon as the form opens: the public page, its lists, its reading level.
        expect(frame.locator("h1")).to_have_text("Baker's cyst")
        expect(frame.locator(".body")).to_contain_text("Put ice on it.")
        expect(frame.locator(".chip-list")).to_contain_text("Swelling behind the knee")
        expect(frame.locator(".readability-verdict")).to_contain_text("within the target")
        opened = len(previews)

        body = page.locator("#id_body")
        body.press("End")
        body.press_sequentially(TYPED, delay=20)
        expect(frame.locator(".body")).to_contain_text("Proprioception training helps")
        expect(frame.locator(".body mark.jargon")).to_have_count(2)
        expect(frame.locator(".readability-report")).to_contain_text(
            "posterolateral, proprioception"
        )
        # Debounced: one preview for the pause after typing, not one per key.
        assert len(previews) - opened <= 2
        assert set(previews) == {"POST"}
        # The preview sits beside the form on a wide screen.
        fields, preview = page.locator(".editor-fields"), page.locator(".live-preview")
        assert preview.bounding_box()["x"] > fields.bounding_box()["x"] + 300
        assert body.input_value() == SAVED_BODY + TYPED
        assert problems == []

    in_chromium(drive)

    assert Condition.objects.get().body == SAVED_BODY


def test_without_javascript_the_preview_button_shows_the_page_and_keeps_the_form(
    editor, in_chromium
):
    from playwright.sync_api import expect

    url, cookie = editor

    def drive(browser):
        page, problems = signed_in_page(browser, cookie, javascript=False)
        page.goto(url)
        page.locator("#id_body").fill(SAVED_BODY + TYPED)
        page.get_by_role("button", name="Preview").click()
        frame = page.frame_locator("iframe[name=live-preview]")
        expect(frame.locator(".body")).to_contain_text("Proprioception training helps")
        expect(frame.locator(".body mark.jargon")).to_have_count(2)
        expect(frame.locator(".readability-report")).to_contain_text("Reading grade")
        # Still the change form, with what was typed.
        assert page.url == url
        assert page.locator("#id_body").input_value() == SAVED_BODY + TYPED
        assert problems == []

    in_chromium(drive)

    assert Condition.objects.get().body == SAVED_BODY


def test_on_a_narrow_screen_the_preview_comes_below_the_form(editor, in_chromium):
    from playwright.sync_api import expect

    url, cookie = editor

    def drive(browser):
        page, _ = signed_in_page(browser, cookie, javascript=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(url)
        expect(page.frame_locator("#live-preview-frame").locator("h1")).to_have_text("Baker's cyst")
        fields, preview = page.locator(".editor-fields"), page.locator(".live-preview")
        fields_box, preview_box = fields.bounding_box(), preview.bounding_box()
        assert preview_box["y"] >= fields_box["y"] + fields_box["height"]
        assert preview_box["width"] <= 390

    in_chromium(drive)


def test_a_preview_that_fails_says_so_and_keeps_the_last_one(editor, in_chromium):
    from playwright.sync_api import expect

    url, cookie = editor

    def drive(browser):
        page, _ = signed_in_page(browser, cookie, javascript=True)
        page.goto(url)
        frame = page.frame_locator("#live-preview-frame")
        expect(frame.locator(".body")).to_contain_text("Put ice on it.")
        page.context.clear_cookies()  # signed out, as when the session expires

        page.locator("#id_body").press("End")
        page.locator("#id_body").press_sequentially(" More", delay=20)
        status = page.locator(".live-preview-status")
        expect(status).to_contain_text("The preview could not be updated")
        expect(status).to_contain_text("signed out")
        expect(frame.locator(".body")).to_contain_text("Put ice on it.")
        assert page.locator("#id_body").input_value().endswith(" More")

    in_chromium(drive)
