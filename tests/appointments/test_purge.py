"""Requests are deleted APPOINTMENT_RETENTION_DAYS after they arrive, whatever their status."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from appointments.models import AppointmentRequest, RequestAccess, Status

pytestmark = pytest.mark.django_db


def request_received(days_ago, status=Status.NEW):
    appointment = AppointmentRequest.objects.create(
        name="Maria Gonzalez", phone="(212) 555-0199", status=status
    )
    arrived = timezone.now() - timedelta(days=days_ago)
    AppointmentRequest.objects.filter(pk=appointment.pk).update(created_at=arrived)
    RequestAccess.objects.create(
        appointment_request=appointment, username="frontdesk", action=RequestAccess.Action.VIEWED
    )
    return appointment


def purge(*args):
    out = io.StringIO()
    call_command("purge_appointment_requests", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def requests():
    return {
        "new, 91 days": request_received(91),
        "booked, 120 days": request_received(120, Status.BOOKED),
        "closed, 89 days": request_received(89, Status.CLOSED),
        "new, today": request_received(0),
    }


def test_requests_older_than_the_retention_are_deleted_with_their_access_logs(requests):
    output = purge()

    assert "Deleted 2 appointment requests received more than 90 days ago." in output
    kept = set(AppointmentRequest.objects.values_list("pk", flat=True))
    assert kept == {requests["closed, 89 days"].pk, requests["new, today"].pk}
    assert RequestAccess.objects.count() == 2
    assert "Deleted 0 appointment requests" in purge()


def test_a_dry_run_counts_and_deletes_nothing(requests):
    output = purge("--dry-run")

    assert "Would delete 2 appointment requests received more than 90 days ago." in output
    assert AppointmentRequest.objects.count() == 4
    assert RequestAccess.objects.count() == 4


def test_the_retention_comes_from_the_setting(requests, settings):
    settings.APPOINTMENT_RETENTION_DAYS = 30
    assert "Deleted 3 appointment requests received more than 30 days ago." in purge()
    assert list(AppointmentRequest.objects.all()) == [requests["new, today"]]


def test_quiet_at_verbosity_zero(requests):
    assert purge("--verbosity", "0") == ""
    assert AppointmentRequest.objects.count() == 2
