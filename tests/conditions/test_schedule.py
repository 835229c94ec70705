"""Scheduled publishing: go-live and take-down times, run by manage.py publish_scheduled."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conditions.models import Status
from conditions.services import workflow
from conditions.services.drafts import draft_of, save_draft, with_draft
from tests.factories import ConditionFactory, SymptomFactory
from tests.test_roles import change_data, change_url

pytestmark = pytest.mark.django_db

PAST = timedelta(minutes=5)


def fresh(item):
    return type(item).objects.get(pk=item.pk)


def run():
    out, err = StringIO(), StringIO()
    call_command("publish_scheduled", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_signed_off_item_goes_live_at_its_time_and_once(clinician):
    condition = ConditionFactory(status=Status.IN_REVIEW, name="Shin splints")
    workflow.content_sign_off(condition, clinician)
    condition.go_live_at = timezone.now() + timedelta(hours=1)
    condition.save()
    assert run()[0] == "Nothing is due.\n"
    assert fresh(condition).status == Status.IN_REVIEW

    type(condition).objects.filter(pk=condition.pk).update(go_live_at=timezone.now() - PAST)
    assert run()[0] == "Published: Shin splints\n"
    row = fresh(condition)
    assert row.status == Status.PUBLISHED and row.go_live_at is None
    assert row.history.first().history_change_reason == "Published as scheduled"
    assert row.history.first().history_user is None
    assert run()[0] == "Nothing is due.\n"
    assert row.history.count() == fresh(condition).history.count()


def test_a_signed_off_draft_of_a_live_page_goes_live_at_its_time(clinician):
    condition = ConditionFactory(status=Status.DRAFT, body="Old advice.")
    workflow.content_sign_off(condition, clinician)
    workflow.content_publish(condition, clinician)
    save_draft(fresh(condition), {"body": "New advice."})
    workflow.content_sign_off(fresh(condition), clinician)
    type(condition).objects.filter(pk=condition.pk).update(go_live_at=timezone.now() - PAST)
    run()
    row = fresh(condition)
    assert row.body == "New advice." and draft_of(row) is None
    assert "New advice." in Client().get(row.get_absolute_url()).text


def test_unsigned_wording_stays_scheduled_and_is_reported(clinician):
    condition = ConditionFactory(status=Status.IN_REVIEW, name="Unsigned")
    type(condition).objects.filter(pk=condition.pk).update(go_live_at=timezone.now() - PAST)
    out, err = run()
    assert "'Unsigned' cannot be published" in err and "It stays scheduled." in err
    row = fresh(condition)
    assert row.status == Status.IN_REVIEW and row.go_live_at is not None


def test_a_live_page_is_taken_down_at_its_time():
    symptom = SymptomFactory(name="Clicking", take_down_at=timezone.now() - PAST)
    assert run()[0] == "Taken down: Clicking\n"
    row = fresh(symptom)
    assert row.status == Status.UNPUBLISHED and row.take_down_at is None
    assert row.history.first().history_change_reason == "Unpublished: taken down as scheduled"
    assert Client().get(row.get_absolute_url()).status_code == 404


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite serialises writers: one connection at a time is all it allows",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_servers_running_it_at_once_publish_each_item_once(clinician):
    conditions = [ConditionFactory(status=Status.IN_REVIEW) for _ in range(6)]
    for condition in conditions:
        workflow.content_sign_off(condition, clinician)
    type(conditions[0]).objects.update(go_live_at=timezone.now() - PAST)
    results, start = [], threading.Barrier(3)

    def server():
        start.wait()
        try:
            results.append(workflow.run_schedule())
        finally:
            connection.close()

    servers = [threading.Thread(target=server) for _ in range(3)]
    for thread in servers:
        thread.start()
    for thread in servers:
        thread.join()
    published = [item.pk for done, _taken, _problems in results for item in done]
    assert sorted(published) == sorted(c.pk for c in conditions)
    for condition in conditions:
        assert (
            fresh(condition).history.filter(history_change_reason="Published as scheduled").count()
            == 1
        )


def test_only_publishers_set_the_times(as_role, clinician):
    condition = ConditionFactory(status=Status.IN_REVIEW)
    when = (timezone.localtime() + timedelta(days=1)).replace(second=0, microsecond=0)
    data = change_data(
        condition, go_live_at_0=when.strftime("%Y-%m-%d"), go_live_at_1=when.strftime("%H:%M")
    )
    as_role("content_staff").post(change_url(condition), data)
    assert fresh(condition).go_live_at is None
    response = as_role("clinician").post(
        change_url(condition),
        change_data(
            fresh(condition), **{k: v for k, v in data.items() if k.startswith("go_live_at")}
        ),
    )
    assert response.status_code == 302
    assert fresh(condition).go_live_at == when


def test_scheduling_unsigned_wording_warns_and_the_index_lists_it(clinician_client):
    condition = ConditionFactory(status=Status.IN_REVIEW, name="Later page")
    when = timezone.localtime() + timedelta(days=1)
    response = clinician_client.post(
        change_url(condition),
        change_data(
            condition,
            go_live_at_0=when.strftime("%Y-%m-%d"),
            go_live_at_1=when.strftime("%H:%M"),
        ),
        follow=True,
    )
    assert "is scheduled to go live but its wording is not signed off" in response.text
    page = clinician_client.get(reverse("admin:index")).text
    box = page[page.index('id="waiting-to-go-live"') :]
    assert "Later page" in box[: box.index("</div>")] and "goes live" in box
    assert not with_draft(fresh(condition)).is_signed_off
