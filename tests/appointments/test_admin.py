"""Requests in the admin: only the Front desk and superusers, every look and change logged."""

import re
from collections import Counter
from functools import lru_cache
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.defaultfilters import linebreaksbr
from django.test import Client
from django.urls import reverse

from appointments.models import AppointmentRequest, RequestAccess, Status
from clinic.models import ClinicProfile, Location
from tests.conftest import _staff_user, plain_static_files
from tests.factories import ConditionFactory
from tests.test_hostile_content import CORPUS, PageMarkup, executable_markup

pytestmark = pytest.mark.django_db

LIST = reverse("admin:appointments_appointmentrequest_changelist")
INDEX = reverse("admin:index")


def change_url(appointment):
    return reverse("admin:appointments_appointmentrequest_change", args=[appointment.pk])


class FormFields(HTMLParser):
    """The fields a browser would send from the admin's change form, as they are on the page."""

    def __init__(self, html):
        super().__init__()
        self.data, self._select = {}, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "checkbox"):
            self.data[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs["value"]


def change(client, appointment, **fields):
    """Open the request's page and save it with `fields` changed, as the front desk would."""
    page = client.get(change_url(appointment))
    data = FormFields(page.text).data if page.status_code == 200 else {}
    return client.post(change_url(appointment), {**data, "_save": "Save", **fields})


def new_request(**fields):
    details = {
        "name": "Maria Gonzalez",
        "phone": "(212) 555-0199",
        "email": "maria.g@example.net",
        "preferred_times": "Tuesday mornings",
        "message": "After school drop-off",
        **fields,
    }
    return AppointmentRequest.objects.create(**details)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", password="a-long-test-password")


@pytest.fixture
def logged_in(client, request):
    def login(role):
        client.force_login(request.getfixturevalue(role))
        return client

    return login


# Who sees requests ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["front_desk", "superuser"])
def test_front_desk_and_superusers_see_and_move_a_request_on(logged_in, role):
    appointment = new_request()
    client = logged_in(role)

    assert "Appointment requests" in client.get(INDEX).text
    assert f"Appointment request {appointment.pk}" in client.get(LIST).text
    page = client.get(change_url(appointment)).text
    for detail in ("Maria Gonzalez", "(212) 555-0199", "maria.g@example.net", "After school"):
        assert detail in page

    response = change(client, appointment, status=Status.CONTACTED)

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.CONTACTED


@pytest.mark.parametrize("role", ["clinician", "content_staff", "clinic_manager"])
def test_clinicians_content_staff_and_clinic_managers_cannot_see_requests(logged_in, role):
    appointment = new_request()
    client = logged_in(role)

    assert "Appointment request" not in client.get(INDEX).text
    assert client.get(LIST).status_code == 403
    page = client.get(change_url(appointment))
    assert page.status_code == 403
    assert "Maria" not in page.text
    assert client.post(change_url(appointment), {"status": Status.CLOSED}).status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == Status.NEW
    assert not RequestAccess.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(client):
    appointment = new_request()
    response = client.get(change_url(appointment))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_front_desk_sees_no_content_or_clinic_settings(logged_in):
    client = logged_in("front_desk")
    for name in ("conditions_condition", "faq_faq", "clinic_clinicprofile", "auth_user"):
        # The clinic profile's list sends on to its one profile, and is refused there.
        assert client.get(reverse(f"admin:{name}_changelist"), follow=True).status_code == 403


def test_nobody_adds_a_request_in_the_admin(logged_in):
    client = logged_in("superuser")
    assert client.get(reverse("admin:appointments_appointmentrequest_add")).status_code == 403


def test_what_the_patient_sent_cannot_be_changed_even_with_a_crafted_post(logged_in):
    appointment = new_request()
    client = logged_in("front_desk")
    change(client, appointment, status=Status.BOOKED, name="Someone else", phone="(917) 555-0000")
    appointment.refresh_from_db()
    assert (appointment.name, appointment.phone) == ("Maria Gonzalez", "(212) 555-0199")
    assert appointment.status == Status.BOOKED


def test_the_list_shows_no_patient_details_but_finds_a_caller_by_phone(logged_in):
    wanted = new_request()
    new_request(name="Other Patient", phone="(718) 555-0123", email="")
    client = logged_in("front_desk")

    page = client.get(LIST).text
    for detail in ("Maria", "Other Patient", "555-0199", "maria.g@example.net", "Tuesday"):
        assert detail not in page

    found = client.get(LIST, {"q": "555-0199"}).text
    assert f"Appointment request {wanted.pk}" in found
    assert "1 result" in found


# The access log --------------------------------------------------------------------------------


def test_every_look_at_a_request_is_logged_with_who_and_when(logged_in, front_desk):
    appointment = new_request()
    client = logged_in("front_desk")

    client.get(change_url(appointment))
    client.get(change_url(appointment))

    accesses = list(appointment.accesses.all())
    assert len(accesses) == 2
    for access in accesses:
        assert (access.user, access.username) == (front_desk, "frontdesk")
        assert access.action == RequestAccess.Action.VIEWED
    # The next look shows the earlier ones on the request's own page.
    page = client.get(change_url(appointment)).text
    assert len(re.findall(r'<td class="field-username">\s*<p>frontdesk</p>', page)) == 2


def test_a_status_change_is_logged_with_what_changed(logged_in, front_desk):
    appointment = new_request()
    client = logged_in("front_desk")

    change(client, appointment, status=Status.CONTACTED)
    change(client, appointment, status=Status.BOOKED)

    changes = appointment.accesses.filter(action=RequestAccess.Action.CHANGED)
    assert [access.what for access in changes.order_by("at", "id")] == [
        "Status: New → Contacted",
        "Status: Contacted → Booked",
    ]
    assert {access.user for access in changes} == {front_desk}
    appointment.refresh_from_db()
    assert appointment.closed_at is not None


def test_saving_without_a_change_logs_no_change(logged_in):
    appointment = new_request()
    change(logged_in("front_desk"), appointment)
    assert not appointment.accesses.filter(action=RequestAccess.Action.CHANGED).exists()


def test_the_log_is_read_only_even_for_superusers(logged_in):
    appointment = new_request()
    client = logged_in("superuser")
    client.get(change_url(appointment))
    access = appointment.accesses.get()

    page = client.get(change_url(appointment)).text
    assert 'name="accesses-0-DELETE"' not in page
    assert 'name="accesses-0-what"' not in page
    change(client, appointment, **{"accesses-0-what": "tampered", "accesses-0-DELETE": "on"})
    access.refresh_from_db()
    assert access.what == ""


def test_reopening_a_closed_request_clears_its_closing_date(logged_in):
    appointment = new_request(status=Status.CLOSED)
    assert appointment.closed_at is not None
    change(logged_in("front_desk"), appointment, status=Status.CONTACTED)
    appointment.refresh_from_db()
    assert appointment.closed_at is None


# Hostile input ---------------------------------------------------------------------------------


def store_hostile_request(payload):
    """A request holding `payload` in every text field, cut to each field's length."""
    location = Location.objects.create(profile_id=ClinicProfile.SINGLETON_ID, name=payload)
    condition = ConditionFactory(name=payload, slug="hostile-condition")
    fields = {"name": 100, "phone": 30, "email": 254, "preferred_times": 200, "message": 500}
    return new_request(
        location=location,
        condition=condition,
        **{field: payload[:length] for field, length in fields.items()},
    )


def admin_pages(client, appointment):
    return {"request": client.get(change_url(appointment)).text, "list": client.get(LIST).text}


@lru_cache(maxsize=16)
def plain_markup(plain_html):
    """A page holding plain words, parsed, and what it could run itself (the admin has scripts).

    Kept: the hostile-text tests compare every entry's page with the same few plain pages,
    which need parsing only once. Nothing that reads the result changes it.
    """
    baseline = PageMarkup(plain_html)
    return baseline, Counter(executable_markup(plain_html, baseline))


def injected(html, plain_html):
    """What `html` could run beyond the same page holding plain words."""
    baseline, own = plain_markup(plain_html)
    return Counter(executable_markup(html, baseline)) - own


@pytest.fixture(scope="module")
def plain_admin_pages(django_db_setup, django_db_blocker):
    """The admin's pages for a request holding plain words: the admin's own markup."""
    with django_db_blocker.unblock(), plain_static_files(), transaction.atomic():
        ClinicProfile.objects.create()
        client = Client()
        client.force_login(_staff_user(get_user_model(), "plain-desk", "Front desk"))
        pages = admin_pages(client, store_hostile_request("Plain words"))
        transaction.set_rollback(True)
    return pages


@pytest.mark.parametrize("payload", CORPUS)
def test_hostile_text_in_every_field_is_stored_and_shown_inert_in_the_admin(
    logged_in, clinic, plain_admin_pages, payload
):
    hostile = store_hostile_request(payload)
    pages = admin_pages(logged_in("front_desk"), hostile)

    for page, html in pages.items():
        assert not injected(html, plain_admin_pages[page]), page
    hostile.refresh_from_db()
    assert hostile.message == payload
    # The front desk reads exactly what was sent, as text.
    assert f'<div class="readonly">{linebreaksbr(payload)}</div>' in pages["request"]
