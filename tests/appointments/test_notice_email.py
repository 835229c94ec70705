"""The clinic hears of each request by email: a link to the admin, and no patient details."""

import logging
import re
from smtplib import SMTPException

import pytest
from django.core import mail
from django.utils import dateformat, timezone

from appointments.models import AppointmentRequest
from tests.appointments.conftest import NOTICE_ADDRESS, PATIENT

pytestmark = pytest.mark.django_db


def test_the_clinic_is_emailed_a_link_to_the_request_in_the_admin(send, clinic, bakers_cyst):
    send(condition="bakers-cyst")

    (email,) = mail.outbox
    request = AppointmentRequest.objects.get()
    assert email.to == [NOTICE_ADDRESS]
    assert email.subject == "New appointment request on the Spine Institute NY website"
    received = dateformat.format(timezone.localtime(request.created_at), "F j, Y, P T")
    assert email.body == (
        "A patient has sent an appointment request through the Spine Institute NY website.\n\n"
        "Open it in the admin (you will be asked to sign in):\n"
        f"http://testserver/admin/appointments/appointmentrequest/{request.pk}/change/\n\n"
        f"Received {received}.\n\n"
        "This email holds no patient details, on purpose: they are only in the admin, where "
        "every look at a request is recorded. Requests are deleted 90 days after they arrive.\n"
    )
    # New York time, written out: "December 3, 2026, 9:14 a.m. EST".
    assert re.fullmatch(r"\w+ \d{1,2}, \d{4}, ([\d:]+ [ap]\.m\.|noon|midnight) E[SD]T", received)


def test_the_email_holds_none_of_the_patients_details(send, clinic, bakers_cyst):
    send(condition="bakers-cyst")

    (email,) = mail.outbox
    whole = email.subject + email.body + str(email.extra_headers)
    for name, value in PATIENT.items():
        if name != "consent":
            assert value not in whole
    for detail in ("Maria", "Gonzalez", "555-0199", "555.0199", "maria.g", "school"):
        assert detail not in whole
    # Not even what it is about: a condition beside a request is health information.
    assert "Baker" not in whole and "bakers-cyst" not in whole


def test_the_link_opens_the_request_for_the_front_desk(send, clinic, client, front_desk):
    send()
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)

    client.force_login(front_desk)
    page = client.get(link)
    assert page.status_code == 200
    assert "Maria Gonzalez" in page.text


def test_no_email_without_an_appointment_address(send, clinic):
    clinic.appointment_email = ""
    clinic.save()
    assert send().status_code == 302
    assert AppointmentRequest.objects.count() == 1
    assert mail.outbox == []


def test_a_mail_server_fault_loses_no_request_and_logs_no_details(
    send, clinic, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise SMTPException("451 try again later")

    monkeypatch.setattr("appointments.services.send_mail", refuse)
    caplog.set_level(logging.ERROR)

    response = send()

    assert response.status_code == 302
    request = AppointmentRequest.objects.get()
    assert f"Could not email the notice of appointment request {request.pk}" in caplog.text
    assert "Maria" not in caplog.text and "555" not in caplog.text
