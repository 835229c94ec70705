"""The editorial workflow: sign-off bound to wording, publish, unpublish, restore, audit trail."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conditions.models import ClinicianProfile, Condition, Status, WorkflowError
from conditions.services import many_changes, workflow
from conditions.services.drafts import with_draft
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory, TagFactory

pytestmark = pytest.mark.django_db


def audit_messages(item):
    return list(
        LogEntry.objects.filter(object_id=str(item.pk))
        .order_by("action_time", "pk")
        .values_list("change_message", flat=True)
    )


def test_sign_off_records_who_when_and_next_review(clinician, settings):
    settings.REVIEW_INTERVAL_DAYS = 1095
    condition = ConditionFactory(status=Status.DRAFT)
    workflow.content_sign_off(condition, clinician, "Updated the urgent-help advice")
    condition.refresh_from_db()
    today = timezone.localdate()
    assert condition.reviewed_by == clinician
    assert condition.last_reviewed_on == today
    assert condition.next_review_due == today + timedelta(days=1095)
    assert condition.review_note == "Updated the urgent-help advice"
    assert condition.is_signed_off
    assert audit_messages(condition) == [
        "Signed off as clinically reviewed: Updated the urgent-help advice"
    ]
    latest = condition.history.first()
    assert latest.history_user == clinician
    assert latest.history_change_reason.startswith("Signed off")


def test_sign_off_needs_a_registration_number(clinician):
    ClinicianProfile.objects.filter(user=clinician).delete()
    condition = ConditionFactory(status=Status.DRAFT)
    with pytest.raises(WorkflowError, match="registration number"):
        workflow.content_sign_off(condition, clinician)
    condition.refresh_from_db()
    assert condition.reviewed_by is None


def test_content_staff_cannot_sign_off_or_publish(content_staff):
    condition = ConditionFactory(status=Status.DRAFT)
    with pytest.raises(PermissionDenied):
        workflow.content_sign_off(condition, content_staff)
    with pytest.raises(PermissionDenied):
        workflow.content_publish(condition, content_staff)
    with pytest.raises(PermissionDenied):
        workflow.content_unpublish(ConditionFactory(), content_staff, "Out of date")


def test_publishing_needs_a_sign_off_of_the_current_wording(clinician):
    condition = ConditionFactory(status=Status.IN_REVIEW)
    with pytest.raises(WorkflowError, match="has not been signed off"):
        workflow.content_publish(condition, clinician)
    workflow.content_sign_off(condition, clinician)
    workflow.content_publish(condition, clinician)
    condition.refresh_from_db()
    assert condition.status == Status.PUBLISHED
    assert audit_messages(condition)[-1] == "Published"


def test_editing_non_clinical_fields_keeps_the_sign_off(clinician):
    condition = ConditionFactory(status=Status.DRAFT)
    workflow.content_sign_off(condition, clinician)
    workflow.content_publish(condition, clinician)
    condition.alternate_names = "Another name"
    condition.save()
    condition.tags.add("knee")
    condition.refresh_from_db()
    assert condition.status == Status.PUBLISHED
    assert condition.is_signed_off


def test_unpublish_hides_and_keeps_everything(clinician):
    condition = ConditionFactory(body="Kept text")
    workflow.content_unpublish(condition, clinician, "  The advice is out of date ")
    condition.refresh_from_db()
    assert condition.status == Status.UNPUBLISHED
    assert condition.body == "Kept text"
    assert audit_messages(condition) == ["Unpublished: The advice is out of date"]
    assert condition.history.first().history_change_reason == audit_messages(condition)[0]


def test_unpublish_needs_a_reason(clinician):
    condition = ConditionFactory()
    with pytest.raises(WorkflowError, match="Say why"):
        workflow.content_unpublish(condition, clinician, "   ")
    condition.refresh_from_db()
    assert condition.status == Status.PUBLISHED


def test_submit_for_review_moves_a_draft_and_refuses_a_published_item(clinician):
    draft = ConditionFactory(status=Status.DRAFT)
    workflow.content_submit_for_review(draft, clinician)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    with pytest.raises(WorkflowError, match="unpublish it first"):
        workflow.content_submit_for_review(ConditionFactory(), clinician)


def test_every_change_is_kept_in_history_with_its_links_and_tags(clinician):
    swelling = SymptomFactory(name="Swelling")
    condition = ConditionFactory(body="First")
    condition.symptoms.add(swelling)
    condition.tags.add("knee")
    condition.body = "Second"
    condition.save()
    versions = list(condition.history.order_by("history_date", "history_id"))
    assert [v.body for v in versions] == ["First", "Second"]
    latest = versions[-1]
    assert latest.relations["symptoms"] == [[swelling.pk, "Swelling"]]
    assert [name for _, name in latest.relations["tags"]] == ["knee"]


def test_in_one_batch_of_changes_each_version_keeps_the_links_and_tags_it_had():
    swelling = SymptomFactory(name="Swelling")
    with many_changes():
        condition = ConditionFactory(body="First")
        condition.symptoms.add(swelling)
        condition.body = "Second"
        condition.save()
        condition.tags.add("knee")
    first, second = condition.history.order_by("history_date", "history_id")
    assert (
        first.relations["symptoms"] == second.relations["symptoms"] == [[swelling.pk, "Swelling"]]
    )
    assert first.relations["tags"] == []
    assert [name for _, name in second.relations["tags"]] == ["knee"]


def test_restore_puts_back_text_links_and_tags_and_is_audited(clinician):
    swelling = SymptomFactory(name="Swelling")
    stiffness = SymptomFactory(name="Stiffness")
    condition = ConditionFactory(
        status=Status.IN_REVIEW, summary="Original summary", body="Original body"
    )
    condition.symptoms.set([swelling])
    condition.tags.set(["knee"])
    original = condition.history.first()

    condition.summary = "A worse summary"
    condition.save()
    condition.symptoms.set([stiffness])
    condition.tags.set(["elbow"])

    workflow.content_restore(condition, original, clinician)
    condition.refresh_from_db()
    assert condition.summary == "Original summary"
    assert list(condition.symptoms.all()) == [swelling]
    assert list(condition.tags.names()) == ["knee"]
    assert audit_messages(condition)[-1].startswith("Restored the version of ")
    assert condition.history.first().history_user == clinician


def test_restoring_earlier_wording_of_a_live_page_makes_it_the_working_draft(clinician):
    condition = ConditionFactory(status=Status.DRAFT, body="Unreviewed first draft")
    first = condition.history.first()
    condition.body = "Reviewed wording"
    condition.save()
    workflow.content_sign_off(condition, clinician)
    workflow.content_publish(condition, clinician)
    workflow.content_restore(Condition.objects.get(pk=condition.pk), first, clinician)
    condition.refresh_from_db()
    assert condition.body == "Reviewed wording"
    assert condition.status == Status.PUBLISHED
    draft = with_draft(Condition.objects.get(pk=condition.pk))
    assert draft.body == "Unreviewed first draft"
    assert not draft.is_signed_off


def test_content_staff_cannot_restore(content_staff):
    condition = ConditionFactory()
    with pytest.raises(PermissionDenied):
        workflow.content_restore(condition, condition.history.first(), content_staff)


def test_overdue_review_is_reported():
    assert FAQFactory(next_review_due=timezone.localdate() - timedelta(days=1)).is_review_overdue
    assert not FAQFactory(next_review_due=timezone.localdate()).is_review_overdue
    assert not FAQFactory(next_review_due=None).is_review_overdue


def test_linking_related_conditions_is_kept_in_both_histories_and_restores_both_ways(
    clinician, django_capture_on_commit_callbacks
):
    bursitis = ConditionFactory(name="Bursitis")
    cyst = ConditionFactory(name="Baker’s cyst")
    before_link = cyst.history.first()

    with django_capture_on_commit_callbacks(execute=True):
        bursitis.related.add(cyst)

    newest = cyst.history.order_by("-history_date", "-history_id")
    assert newest.count() == 2  # one new version, though Django adds both directions
    assert newest[0].relations["related"] == [[bursitis.pk, "Bursitis"]]
    assert newest[0].history_change_reason == "Related conditions changed on “Bursitis”"
    assert bursitis.history.first().relations["related"] == [[cyst.pk, "Baker’s cyst"]]

    # Restoring the cyst's version from before the link takes it off both pages, and the
    # bursitis page's history says so too.
    with django_capture_on_commit_callbacks(execute=True):
        workflow.content_restore(cyst, before_link, clinician)
    assert list(bursitis.related.all()) == list(cyst.related.all()) == []
    latest = bursitis.history.order_by("-history_date", "-history_id").first()
    assert latest.relations["related"] == []
    assert latest.history_change_reason == "Related conditions changed on “Baker’s cyst”"


def test_clearing_related_conditions_is_kept_in_the_others_histories(
    django_capture_on_commit_callbacks,
):
    bursitis, cyst, cramps = ConditionFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        bursitis.related.set([cyst, cramps])
    with django_capture_on_commit_callbacks(execute=True):
        bursitis.related.clear()

    for other in (cyst, cramps):
        versions = other.history.order_by("-history_date", "-history_id")
        assert [version.relations["related"] for version in versions] == [
            [],
            [[bursitis.pk, str(bursitis)]],
            [],
        ]


def test_tagging_an_item_records_no_version_of_another(django_capture_on_commit_callbacks):
    editing = ConditionFactory()
    bystander = ConditionFactory()
    bystander.history.all().delete()  # as bulk-created content has no history
    topic = TagFactory(id=bystander.pk, name="topic")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        editing.tags.add(topic)
        editing.tags.clear()

    assert callbacks == []
    assert not bystander.history.exists()


def test_a_long_name_is_cut_to_fit_the_other_conditions_change_reason(
    django_capture_on_commit_callbacks,
):
    long_named = ConditionFactory(name="Pain " * 24)
    other = ConditionFactory()

    with django_capture_on_commit_callbacks(execute=True):
        long_named.related.add(other)

    reason = other.history.order_by("-history_date", "-history_id")[0].history_change_reason
    assert reason.startswith("Related conditions changed on “Pain Pain")
    assert reason.endswith("…”") and len(reason) == 100
