import pytest

from clinic.models import ClinicProfile, Location
from tests.factories import ConditionFactory

NOTICE_ADDRESS = "appointments@clinic.example"
PATIENT = {
    "name": "Maria Gonzalez",
    "phone": "212.555.0199",
    "email": "maria.g@example.net",
    "preferred_times": "Tuesday mornings",
    "message": "I can only come after school drop-off",
    "consent": "on",
}


def make_clinic():
    """The clinic's profile with its phone and appointment address, and one location."""
    profile = ClinicProfile.objects.create(phone="(212) 555-0100", appointment_email=NOTICE_ADDRESS)
    Location.objects.create(profile=profile, name="Midtown", city="New York", state="NY")
    return profile


@pytest.fixture
def clinic(db):
    """The clinic's profile with its phone and appointment address, and one location."""
    return make_clinic()


@pytest.fixture
def second_location(clinic):
    return Location.objects.create(profile=clinic, name="Brooklyn Heights", order=1)


@pytest.fixture
def bakers_cyst(db):
    return ConditionFactory(name="Baker's cyst", slug="bakers-cyst")


@pytest.fixture
def send(client):
    """POST the form as a patient would, with PATIENT's answers and any given instead."""

    def post(remote_addr="203.0.113.7", **fields):
        data = {**PATIENT, **fields}
        data = {name: value for name, value in data.items() if value is not None}
        return client.post("/appointments/", data, REMOTE_ADDR=remote_addr)

    return post
