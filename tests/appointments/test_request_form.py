"""A patient asks for an appointment: the form, its errors, the confirmation, and its guards."""

import logging
import re

import pytest
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client
from django.utils.html import escape
from django.views.debug import ExceptionReporter

from appointments.forms import AppointmentRequestForm
from appointments.models import AppointmentRequest, Status
from clinic.models import clinic_facts
from conditions.models import Status as ContentStatus
from tests.appointments.conftest import PATIENT, make_clinic
from tests.appointments.test_admin import injected
from tests.conftest import plain_static_files
from tests.factories import ConditionFactory
from tests.test_cache import REDIS_TEST_URL, redis_answers
from tests.test_hostile_content import CORPUS

pytestmark = pytest.mark.django_db

FORM = "/appointments/"
THANKS = "/appointments/thanks/"


def field_value(html, name):
    """What the form shows in the field `name`, as the browser would read it back."""
    textarea = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    if textarea:
        return textarea.group(1)
    tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


# The page -----------------------------------------------------------------------------------


def test_the_form_asks_for_name_contact_times_message_and_consent(client, clinic):
    html = client.get(FORM).text

    assert "<h1>Request an appointment</h1>" in html
    for label in ("Your name", "Phone number", "Email address", "When suits you?"):
        assert label in html
    assert "Do not include medical details. If this is an emergency, call 911." in html
    assert 'name="message"' in html and 'maxlength="500"' in html
    assert (
        "I agree that Spine Institute NY’s front desk staff may see this request and use it "
        "only to contact me about an appointment. It is deleted 90 days after it arrives."
    ) in html
    assert 'name="csrfmiddlewaretoken"' in html
    # One location: nothing to choose.
    assert 'name="location"' not in html


def test_the_consent_names_the_configured_retention(client, clinic, settings):
    settings.APPOINTMENT_RETENTION_DAYS = 30
    assert "It is deleted 30 days after it arrives." in client.get(FORM).text


def test_patients_choose_a_location_when_there_are_several(client, send, second_location):
    html = client.get(FORM).text
    assert "Which location would suit you?" in html
    for choice in ("No preference", "Midtown", "Brooklyn Heights"):
        assert f">{choice}</label>" in html

    send(location=second_location.pk)
    assert AppointmentRequest.objects.get().location == second_location

    refused = send(location="999").text
    assert '<a href="#id_location_0">Choose one of the locations listed.</a>' in refused


def test_the_form_page_takes_two_queries_once_the_clinic_is_cached(
    client, second_location, bakers_cyst, django_assert_num_queries
):
    url = f"{FORM}?condition=bakers-cyst"
    client.get(url)
    # The content generation (the clinic's facts are kept under it) and the named condition.
    with django_assert_num_queries(2):
        html = client.get(url).text
    assert "Baker&#x27;s cyst" in html and "Brooklyn Heights" in html
    # The confirmation: only the content generation.
    with django_assert_num_queries(1):
        client.get(THANKS)


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, clinic):
    html = client.get(FORM).text
    honeypot = re.search(r'<div class="hp" aria-hidden="true">(.*?)</div>', html, re.S).group(1)
    assert "Leave this field empty" in honeypot
    assert 'name="website"' in honeypot and 'tabindex="-1"' in honeypot


def test_the_footer_of_every_page_links_to_the_form(client, clinic, bakers_cyst):
    for url in ("/", "/conditions/"):
        assert f'<a href="{FORM}">Request an appointment</a>' in client.get(url).text


# Naming the condition -------------------------------------------------------------------------


def test_a_condition_page_links_to_the_form_which_names_the_condition(client, clinic, bakers_cyst):
    page = client.get(bakers_cyst.get_absolute_url()).text
    assert f'href="{FORM}?condition=bakers-cyst">Request an appointment</a>' in page

    form = client.get(FORM, {"condition": "bakers-cyst"}).text
    assert 'About: <a href="/conditions/bakers-cyst/">Baker&#x27;s cyst</a>' in form
    assert '<input type="hidden" name="condition" value="bakers-cyst"' in form


def test_the_request_stores_the_condition_it_was_about(send, clinic, bakers_cyst):
    send(condition="bakers-cyst")
    assert AppointmentRequest.objects.get().condition == bakers_cyst


@pytest.mark.parametrize(
    "slug",
    ["no-such-condition", "draft-condition", "<script>alert(1)</script>", "x" * 300, "a\x00b"],
)
def test_an_unknown_or_unpublished_condition_is_ignored(client, send, clinic, slug):
    ConditionFactory(slug="draft-condition", name="Draft condition", status=ContentStatus.DRAFT)

    response = client.get(FORM, {"condition": slug})
    assert response.status_code == 200
    assert "About:" not in response.text
    assert "Draft condition" not in response.text

    assert send(condition=slug).status_code == 302
    assert AppointmentRequest.objects.get().condition is None


def test_the_specialist_box_offers_online_booking_when_the_clinic_has_it(
    client, clinic, bakers_cyst
):
    assert "Book online" not in client.get(bakers_cyst.get_absolute_url()).text
    clinic.booking_url = "https://booking.example.com/spine-institute"
    clinic.save()
    page = client.get(bakers_cyst.get_absolute_url()).text
    assert 'href="https://booking.example.com/spine-institute">Book online</a>' in page


# Sending it --------------------------------------------------------------------------------------


def test_a_sent_request_is_stored_as_new_and_the_patient_is_redirected(send, clinic):
    response = send()

    assert response.status_code == 302
    assert response["Location"] == THANKS
    request = AppointmentRequest.objects.get()
    assert request.status == Status.NEW
    assert (request.name, request.email) == ("Maria Gonzalez", "maria.g@example.net")
    # Every valid number is written the same way for the front desk.
    assert request.phone == "(212) 555-0199"
    assert request.preferred_times == "Tuesday mornings"
    assert request.message == "I can only come after school drop-off"
    assert request.closed_at is None


def test_the_confirmation_repeats_nothing_the_patient_typed(client, send, clinic):
    response = send()
    page = client.get(response["Location"])

    assert page.status_code == 200
    assert "Thank you: your request has been sent" in page.text
    for typed in (*PATIENT.values(), "555-0199", "Maria", "Gonzalez"):
        if typed != "on":
            assert typed not in page.text and escape(typed) not in page.text
    # The same page for everyone: nothing of the request travels in its address.
    assert response["Location"] == THANKS


@pytest.mark.parametrize(
    "contact", [{"email": ""}, {"phone": ""}], ids=["phone only", "email only"]
)
def test_a_phone_number_or_an_email_address_is_enough(send, clinic, contact):
    assert send(**contact).status_code == 302
    assert AppointmentRequest.objects.count() == 1


# Mistakes --------------------------------------------------------------------------------------


def test_without_phone_or_email_the_form_comes_back_with_everything_typed(send, clinic):
    response = send(phone="", email="")

    assert response.status_code == 200
    html = response.text
    assert "<title>Error: Request an appointment" in html
    assert "Give a phone number or an email address, so we can contact you." in html
    assert field_value(html, "name") == "Maria Gonzalez"
    assert field_value(html, "preferred_times") == "Tuesday mornings"
    assert field_value(html, "message") == "I can only come after school drop-off"
    assert 'name="consent" required id="id_consent" checked' in html
    assert not AppointmentRequest.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your name."),
        ({"name": "M" * 101}, "name", "Your name can be at most 100 characters (it has 101)."),
        (
            {"phone": "555-0199"},
            "phone",
            "Enter a US phone number with its area code, for example (212) 555-0100.",
        ),
        (
            {"phone": "call me maybe"},
            "phone",
            "Enter a US phone number with its area code, for example (212) 555-0100.",
        ),
        ({"email": "maria@"}, "email", "Enter an email address like name@example.com."),
        (
            {"preferred_times": "t" * 201},
            "preferred_times",
            "This answer can be at most 200 characters (it has 201).",
        ),
        (
            {"message": "m" * 501},
            "message",
            "Your message can be at most 500 characters (it has 501).",
        ),
        (
            {"consent": None},
            "consent",
            "Tick the box to agree, so that we can contact you about an appointment.",
        ),
        ({"name": "Maria\x00"}, "name", "Null characters are not allowed."),
    ],
    ids=[
        "no name",
        "long name",
        "short phone",
        "words for phone",
        "bad email",
        "long times",
        "long message",
        "no consent",
        "NUL",
    ],
)
def test_bad_input_gets_a_clear_error_next_to_its_field_and_keeps_the_rest(
    send, clinic, fields, field, message
):
    response = send(**fields)

    assert response.status_code == 200
    html = response.text
    # In the summary at the top, linking to the field, and again beside the field.
    assert f'<a href="#id_{field}">{escape(message)}</a>' in html
    assert f'<p class="field-error" id="id_{field}_error">' in html
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"', html) or field == "message"
    for name in ("name", "phone", "email", "preferred_times", "message"):
        if name not in fields:
            assert field_value(html, name) == escape(PATIENT[name])
    assert not AppointmentRequest.objects.exists()


def test_an_over_long_message_is_given_back_whole(send, clinic):
    long_message = "word " * 120
    html = send(message=long_message).text
    assert field_value(html, "message") == long_message


# Hostile input ---------------------------------------------------------------------------------

TEXT_FIELDS = ("name", "preferred_times", "message")


@pytest.mark.parametrize("payload", CORPUS)
def test_hostile_text_sent_through_the_form_is_stored_as_sent(send, clinic, payload):
    response = send(**dict.fromkeys(TEXT_FIELDS, payload))

    if "\x00" in payload:
        # Django's form fields refuse NUL characters, which PostgreSQL cannot store.
        assert response.status_code == 200
        assert "Null characters are not allowed." in response.text
        assert not AppointmentRequest.objects.exists()
        return
    assert response.status_code == 302
    stored = AppointmentRequest.objects.get()
    assert [getattr(stored, name) for name in TEXT_FIELDS] == [payload] * 3


# Every field, the hidden condition too; the phone and email are refused, so the form comes back
# showing it all.
EVERY_FIELD = (*TEXT_FIELDS, "phone", "email", "condition", "location")


def plain(payload):
    """Plain words, with a NUL character where `payload` has one (the form refuses it)."""
    return "Plain words" + ("\x00" if "\x00" in payload else "")


@pytest.fixture(scope="module")
def plain_form_pages(django_db_setup, django_db_blocker):
    """The form sent back holding plain words in every field, to the clinic of the `clinic`
    fixture: the page's own markup. Made once for every entry of the corpus, with and without a
    NUL character, and rolled back before the first test."""
    with django_db_blocker.unblock(), plain_static_files(), transaction.atomic():
        make_clinic()
        patient = Client()
        pages = {
            words: patient.post(FORM, {**PATIENT, **dict.fromkeys(EVERY_FIELD, words)}).text
            for words in {plain(entry.values[0]) for entry in CORPUS}
        }
        transaction.set_rollback(True)
    return pages


@pytest.mark.parametrize("payload", CORPUS)
def test_hostile_text_sent_back_with_the_forms_errors_is_inert(
    send, clinic, plain_form_pages, payload
):
    page = send(**dict.fromkeys(EVERY_FIELD, payload)).text

    assert 'class="error-summary"' in page
    assert not injected(page, plain_form_pages[plain(payload)])
    if "\x00" not in payload:
        assert field_value(page, "message") == escape(payload)
    assert not AppointmentRequest.objects.exists()


# Robots and floods ----------------------------------------------------------------------------


def test_a_filled_honeypot_looks_accepted_but_nothing_is_stored_or_sent(send, clinic, mailoutbox):
    response = send(website="https://spam.example")

    assert response.status_code == 302
    assert response["Location"] == THANKS
    assert not AppointmentRequest.objects.exists()
    assert mailoutbox == []


def test_the_form_needs_its_csrf_token(clinic):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(FORM, PATIENT).status_code == 403
    assert not AppointmentRequest.objects.exists()

    page = browser.get(FORM).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(FORM, {**PATIENT, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert AppointmentRequest.objects.count() == 1


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request, settings):
    """The limit's counts in a local-memory cache, and in Redis where it answers."""
    if request.param == "redis":
        if not redis_answers():
            pytest.skip(f"Redis at {REDIS_TEST_URL} does not answer")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_TEST_URL,
            }
        }
    cache.clear()
    yield request.param
    cache.clear()


def test_after_the_hours_limit_an_address_gets_a_friendly_429_page(
    any_cache, send, clinic, settings
):
    settings.APPOINTMENT_REQUESTS_PER_HOUR = 3
    for _ in range(3):
        assert send().status_code == 302

    response = send()

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many requests from your connection" in response.text
    assert "3 appointment requests from your internet connection in the last hour" in response.text
    assert 'href="tel:+12125550100"' in response.text
    assert AppointmentRequest.objects.count() == 3
    # Another address is not held back.
    assert send(remote_addr="198.51.100.20").status_code == 302


def test_mistakes_do_not_count_against_the_limit_and_robots_do(send, clinic, settings):
    settings.APPOINTMENT_REQUESTS_PER_HOUR = 2
    for _ in range(4):
        assert send(phone="", email="").status_code == 200
    assert send().status_code == 302
    assert send(website="https://spam.example").status_code == 302
    assert send().status_code == 429


def test_patients_behind_the_sites_proxy_are_counted_apart(client, clinic, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.APPOINTMENT_REQUESTS_PER_HOUR = 1

    def send_from(address):
        return client.post(FORM, PATIENT, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address)

    assert send_from("203.0.113.1").status_code == 302
    assert send_from("203.0.113.2").status_code == 302
    assert send_from("203.0.113.1").status_code == 429


def test_without_a_working_cache_requests_still_get_through(send, clinic, settings):
    settings.APPOINTMENT_REQUESTS_PER_HOUR = 1
    # Nothing listens on port 9: every cache call fails at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    assert send().status_code == 302
    assert send().status_code == 302
    assert AppointmentRequest.objects.count() == 2


# Never cached, never logged ---------------------------------------------------------------------


@pytest.fixture
def page_cache_on(any_cache, settings):
    settings.PAGE_CACHE = True


def test_the_form_is_never_stored_in_the_page_cache(page_cache_on, clinic):
    first, second = Client().get(FORM), Client().get(FORM)

    for response in (first, second):
        assert "X-Page-Cache" not in response
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control

    def token(response):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)

    # Each visitor gets a token of their own.
    assert token(first) != token(second)


def typed_values():
    return [value for name, value in PATIENT.items() if name != "consent"] + ["555-0199"]


def test_nothing_a_patient_types_reaches_the_logs(send, clinic, caplog):
    caplog.set_level(logging.DEBUG)
    send()
    send(phone="", email="")
    send(website="https://spam.example")

    for value in typed_values():
        assert value not in caplog.text


def test_an_error_report_shows_none_of_the_request(client, clinic, caplog, monkeypatch):
    def broken_save(form, commit=True):
        name = form.cleaned_data["name"]
        raise RuntimeError(f"could not save a request of {len(name)} characters")

    monkeypatch.setattr(AppointmentRequestForm, "save", broken_save)
    client.raise_request_exception = False
    caplog.set_level(logging.ERROR, logger="django.request")

    response = client.post(FORM, PATIENT)

    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    # Django's error report, as its error emails and debug pages hold it: the POST and the
    # values in every frame, down to the one that failed.
    report = ExceptionReporter(record.request, *record.exc_info).get_traceback_html()
    assert "could not save a request of 14 characters" in report
    for value in typed_values():
        assert escape(value) not in report
        assert value not in caplog.text
    hidden = re.findall(r'<td>(\w+)</td>\s*<td class="code"><pre>&#x27;\*{20}&#x27;</pre>', report)
    # The failing frame's `name`, and the POST's name, phone, email and message.
    assert hidden.count("name") == 2
    assert {"phone", "email", "message"} <= set(hidden)


# The line for the non-urgent advice -------------------------------------------------------------


def test_the_appointment_line_gives_the_clinics_phone_and_the_form(clinic, bakers_cyst):
    line = render_to_string(
        "includes/clinic_appointment_line.html",
        {"clinic": clinic_facts(), "condition": bakers_cyst},
    )
    assert (
        'Call Spine Institute NY at <a href="tel:+12125550100">(212) 555-0100</a>, or '
        f'<a href="{FORM}?condition=bakers-cyst">request an appointment online</a>.'
    ) in line


def test_without_a_phone_the_appointment_line_offers_the_form_alone(clinic):
    clinic.phone = ""
    clinic.save()
    line = render_to_string("includes/clinic_appointment_line.html", {"clinic": clinic_facts()})
    assert f'<a href="{FORM}">Request an appointment with Spine Institute NY</a>.' in line
    assert "tel:" not in line
