"""A patient asks for an appointment from a condition page, in Chromium, with and without
JavaScript: follow the link, fill in the form, send it, read the confirmation."""

import pytest

from appointments.models import AppointmentRequest
from clinic.models import ClinicProfile, Location
from tests.factories import ConditionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def condition_page(live_server):
    profile = ClinicProfile.objects.create(
        phone="(212) 555-0100", appointment_email="appointments@clinic.example"
    )
    Location.objects.create(profile=profile, name="Midtown")
    Location.objects.create(profile=profile, name="Brooklyn Heights", order=1)
    ConditionFactory(name="Baker's cyst", slug="bakers-cyst")
    return f"{live_server.url}/conditions/bakers-cyst/"


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no javascript"])
def test_a_patient_requests_an_appointment_from_a_condition_page(
    condition_page, in_chromium, javascript
):
    def drive(browser):
        page = browser.new_context(java_script_enabled=javascript).new_page()
        page.goto(condition_page)
        page.get_by_role("link", name="Request an appointment").first.click()
        page.wait_for_url("**/appointments/?condition=bakers-cyst")
        assert page.locator(".about-condition").inner_text() == "About: Baker's cyst"

        # A mistake first: neither phone nor email.
        page.get_by_label("Your name").fill("Maria Gonzalez")
        page.get_by_label("Brooklyn Heights").check()
        page.get_by_label("When suits you?").fill("Tuesday mornings")
        page.get_by_label("I agree that").check()
        page.get_by_role("button", name="Send request").click()
        page.wait_for_load_state()
        summary = page.locator(".error-summary")
        assert "Give a phone number or an email address" in summary.inner_text()
        assert page.get_by_label("Your name").input_value() == "Maria Gonzalez"
        assert page.get_by_label("Brooklyn Heights").is_checked()

        page.get_by_label("Phone number").fill("212 555 0199")
        page.get_by_label("I agree that").check()
        page.get_by_role("button", name="Send request").click()
        page.wait_for_url("**/appointments/thanks/")
        assert page.locator("h1").inner_text() == "Thank you: your request has been sent"
        assert "Maria" not in page.content()

    in_chromium(drive)

    request = AppointmentRequest.objects.get()
    assert (request.name, request.phone) == ("Maria Gonzalez", "(212) 555-0199")
    assert request.condition.slug == "bakers-cyst"
    assert request.location.name == "Brooklyn Heights"
