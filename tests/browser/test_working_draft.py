"""A clinician corrects a live page in the admin, in Chromium, without signing it off: patients
keep the live page; the clinician sees the draft in preview and compares it with the live page."""

import pytest

from conditions.services import workflow
from tests.factories import ConditionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def live_page(live_server, clinician):
    condition = ConditionFactory(
        status="draft",
        name="Baker's cyst",
        slug="bakers-cyst",
        body="A Baker's cyst is a fluid-filled swelling behind the knee.",
    )
    workflow.content_sign_off(condition, clinician, "First review")
    workflow.content_publish(condition, clinician)
    return condition


def test_an_unsigned_correction_leaves_the_public_page_up_and_unchanged(
    live_server, live_page, in_chromium
):
    public_url = f"{live_server.url}/conditions/bakers-cyst/"

    def drive(browser):
        editor = browser.new_context().new_page()
        editor.goto(f"{live_server.url}/admin/login/")
        editor.get_by_label("Username").fill("clinician")
        editor.get_by_label("Password").fill("a-long-test-password")
        editor.get_by_role("button", name="Log in").click()
        editor.wait_for_url(f"{live_server.url}/admin/")

        editor.goto(f"{live_server.url}/admin/conditions/condition/{live_page.pk}/change/")
        body = editor.locator("#id_body")
        body.fill(body.input_value().replace("fluid-filled", "fluid-filed"))
        editor.locator("input[name=_save]").first.click()
        editor.wait_for_url("**/admin/conditions/condition/")
        assert "kept as a working draft" in editor.locator(".messagelist").inner_text()

        patient = browser.new_context().new_page()
        response = patient.goto(public_url)
        assert response.status == 200
        assert "fluid-filled swelling" in patient.locator("main").inner_text()
        assert "fluid-filed" not in patient.content()

        editor.goto(public_url)
        banner = editor.locator(".preview-banner")
        assert "Draft — differs from the live page" in banner.inner_text()
        assert "fluid-filed swelling" in editor.locator("main").inner_text()
        banner.get_by_role("link", name="Compare it with the live page").click()
        editor.wait_for_url("**/draft/compare/")
        changed = editor.locator("tr.changed", has_text="Body")
        assert changed.locator("del").inner_text() == "fluid-filled"
        assert changed.locator("ins").inner_text() == "fluid-filed"

    in_chromium(drive)
