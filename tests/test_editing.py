"""What a clinician sees while editing: no lost edits, review-due list, review info on pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conditions.models import Condition, Status
from conditions.services import workflow
from conditions.services.drafts import with_draft
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory
from tests.test_roles import change_data, change_url

pytestmark = pytest.mark.django_db


def test_second_save_of_a_stale_form_is_refused_and_keeps_what_was_typed(
    clinician_client, clinician
):
    condition = ConditionFactory(summary="Original")
    # Two people open the same page: both forms carry the same edit token.
    first = change_data(condition, summary="First person's summary")
    second = change_data(condition, summary="Second person's summary")
    assert clinician_client.post(change_url(condition), first).status_code == 302

    response = clinician_client.post(change_url(condition), second)
    assert response.status_code == 200
    assert "Someone else saved this page by clinician while you were editing" in response.text
    assert "Second person&#x27;s summary" in response.text
    assert with_draft(Condition.objects.get(pk=condition.pk)).summary == "First person's summary"


def test_a_fresh_form_after_the_other_save_goes_through(clinician_client):
    condition = ConditionFactory(summary="Original")
    clinician_client.post(change_url(condition), change_data(condition, summary="One"))
    condition.refresh_from_db()
    clinician_client.post(change_url(condition), change_data(condition, summary="Two"))
    assert with_draft(Condition.objects.get(pk=condition.pk)).summary == "Two"


def test_sign_off_and_publish_from_the_form(clinician_client, clinician):
    condition = ConditionFactory(status=Status.DRAFT)
    response = clinician_client.post(
        change_url(condition),
        change_data(
            condition,
            body="Checked wording",
            sign_off="on",
            publish="on",
            review_note="Rewrote the treatment section",
        ),
    )
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.status == Status.PUBLISHED
    assert condition.reviewed_by == clinician
    assert condition.is_signed_off
    history = [r.history_change_reason for r in condition.history.order_by("history_date")]
    assert "Published" in history
    assert any(reason and reason.startswith("Signed off") for reason in history)


def test_admin_index_lists_overdue_and_soon_due_items(clinician_client):
    today = timezone.localdate()
    ConditionFactory(name="Overdue condition", next_review_due=today - timedelta(days=3))
    SymptomFactory(name="Soon symptom", next_review_due=today + timedelta(days=10))
    FAQFactory(question="Far future?", next_review_due=today + timedelta(days=300))
    page = clinician_client.get(reverse("admin:index")).text
    review = page[page.index('id="review-due"') :]
    review = review[: review.index("</div>")]
    assert review.index("Overdue condition") < review.index("Soon symptom")
    assert "Far future?" not in review


@pytest.mark.parametrize(
    ("choice", "shown"), [("overdue", "Overdue condition"), ("soon", "Soon condition")]
)
def test_review_due_filter_in_the_changelist(clinician_client, choice, shown):
    today = timezone.localdate()
    ConditionFactory(name="Overdue condition", next_review_due=today - timedelta(days=1))
    ConditionFactory(name="Soon condition", next_review_due=today + timedelta(days=30))
    ConditionFactory(name="Fine condition", next_review_due=today + timedelta(days=31))
    page = clinician_client.get(
        reverse("admin:conditions_condition_changelist"), {"review": choice}
    ).text
    names = ["Overdue condition", "Soon condition", "Fine condition"]
    assert [name for name in names if name in page] == [shown]


def test_public_page_shows_reviewer_dates_and_note(client, clinician):
    condition = ConditionFactory(status=Status.DRAFT)
    workflow.content_sign_off(condition, clinician, "Checked the urgent-help advice")
    workflow.content_publish(condition, clinician)
    page = client.get(condition.get_absolute_url()).text
    today = timezone.localdate()
    assert f'Page last reviewed: <time datetime="{today:%Y-%m-%d}">' in page
    assert "Reviewed by Ana Jones, Physical therapist (NY license 123456)." in page
    assert "What changed at the last review: Checked the urgent-help advice" in page
    assert "This page is due for review" not in page


def test_public_page_says_when_it_is_due_for_review(client):
    condition = ConditionFactory(next_review_due=timezone.localdate() - timedelta(days=1))
    assert "This page is due for review" in client.get(condition.get_absolute_url()).text


def test_history_page_lists_versions_with_who_and_what(clinician_client, clinician):
    condition = ConditionFactory(status=Status.DRAFT)
    workflow.content_sign_off(condition, clinician)
    workflow.content_publish(condition, clinician)
    page = clinician_client.get(
        reverse("admin:conditions_condition_history", args=[condition.pk])
    ).text
    assert "Signed off as clinically reviewed" in page
    assert "Published" in page
    assert "Restore this version" in page
    assert "Compare the chosen versions" in page
