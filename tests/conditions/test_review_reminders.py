"""send_review_reminders: each clinician's digest of pages due for review, once a day."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from conditions.models import Status
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory

pytestmark = pytest.mark.django_db


def remind(*args):
    out = io.StringIO()
    call_command("send_review_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def dr_jones(clinician):
    clinician.email = "jones@example.org"
    clinician.save()
    return clinician


@pytest.fixture
def dr_lee(django_user_model, dr_jones):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "lee", email="lee@example.org", is_staff=True, first_name="Kim", last_name="Lee"
    )
    user.groups.add(Group.objects.get(name="Clinician"))
    return user


def signed(user, days, **kwargs):
    """A published item `user` signed off, due for review in `days` days."""
    today = timezone.localdate()
    return ConditionFactory(
        reviewed_by=user,
        last_reviewed_on=today - timedelta(days=1000),
        next_review_due=today + timedelta(days=days),
        **kwargs,
    )


def test_each_clinician_gets_their_own_due_pages_and_everyone_the_unsigned_ones(dr_jones, dr_lee):
    overdue = signed(dr_jones, -3, name="Overdue knee")
    signed(dr_jones, 10, name="Soon knee")
    signed(dr_jones, 200, name="Later knee")
    signed(dr_lee, 5, name="Lee's knee")
    SymptomFactory(name="Nobody's symptom")
    FAQFactory(question="A draft nobody signed?", status=Status.DRAFT)

    remind()

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"jones@example.org", "lee@example.org"}
    jones = by_recipient["jones@example.org"].body
    assert "Overdue knee, due" in jones and "(overdue)" in jones
    assert "Soon knee" in jones
    assert jones.index("Overdue knee") < jones.index("Soon knee")
    assert "Later knee" not in jones and "Lee's knee" not in jones
    assert f"http://127.0.0.1:8000/admin/conditions/condition/{overdue.pk}/change/" in jones
    assert "Symptom: Nobody's symptom" in jones
    assert "A draft nobody signed?" not in jones
    lee = by_recipient["lee@example.org"].body
    assert "Lee's knee" in lee and "Nobody's symptom" in lee and "Soon knee" not in lee


def test_the_digest_has_plain_text_and_html_parts(dr_jones):
    signed(dr_jones, -1, name="Baker's <cyst>")

    remind()

    (message,) = mail.outbox
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Baker&#x27;s &lt;cyst&gt;" in html and "<strong>(overdue)</strong>" in html
    assert "Baker's <cyst>" in message.body


def test_a_second_run_the_same_day_sends_nothing_new(dr_jones):
    signed(dr_jones, -1, name="Overdue knee")
    remind()
    assert len(mail.outbox) == 1

    output = remind()
    assert len(mail.outbox) == 1
    assert "to 0 clinician(s)" in output

    signed(dr_jones, 2, name="Newly due knee")
    remind()
    assert len(mail.outbox) == 2
    assert "Newly due knee" in mail.outbox[1].body
    assert "Overdue knee" not in mail.outbox[1].body


def test_a_dry_run_sends_and_records_nothing(dr_jones):
    signed(dr_jones, -1)

    output = remind("--dry-run")

    assert "jones@example.org: 1 due, 0 not signed off" in output
    assert mail.outbox == []
    remind()
    assert len(mail.outbox) == 1


def test_clinicians_without_an_email_address_and_other_staff_get_nothing(clinician, content_staff):
    content_staff.email = "staff@example.org"
    content_staff.save()
    SymptomFactory()

    remind()

    assert mail.outbox == []
