"""A live page stays live while an edit of it waits for review (issue 16, item 1)."""

import pytest
from django.test import Client
from django.urls import reverse

from conditions.models import Condition, Status, WorkingDraft
from conditions.services import workflow
from conditions.services.drafts import draft_of, save_draft, save_edit, with_draft
from faq.models import FAQ
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory
from tests.test_roles import UNPUBLISH_CONFIRMED, change_data, change_url, run_action

pytestmark = pytest.mark.django_db


def fresh(item):
    return type(item).objects.get(pk=item.pk)


@pytest.fixture
def live_condition(clinician):
    condition = ConditionFactory(
        status=Status.DRAFT, name="Baker's cyst", slug="bakers-cyst", body="Live wording."
    )
    workflow.content_sign_off(condition, clinician, "First review")
    workflow.content_publish(condition, clinician)
    return fresh(condition)


def test_an_unsigned_edit_in_the_admin_leaves_the_public_page_as_it_was(
    clinician_client, live_condition
):
    patient = Client()
    url = live_condition.get_absolute_url()
    response = clinician_client.post(
        change_url(live_condition), change_data(live_condition, body="Corrected wording.")
    )
    assert response.status_code == 302
    page = patient.get(url)
    assert page.status_code == 200
    assert "Live wording." in page.text and "Corrected wording." not in page.text
    row = fresh(live_condition)
    assert row.status == Status.PUBLISHED and row.is_signed_off
    assert row.body == "Live wording."
    # The editor finds the draft when the form opens again, and is told it is a draft.
    form = clinician_client.get(change_url(live_condition)).text
    assert "Corrected wording." in form
    assert "You are editing the working draft" in form
    messages = [str(m) for m in clinician_client.get(reverse("admin:index")).context["messages"]]
    assert not messages or "working draft" in " ".join(messages)


def test_staff_preview_shows_the_draft_under_a_banner_and_patients_the_live_page(
    clinician_client, live_condition
):
    save_draft(live_condition, {"body": "Draft wording."})
    staff_page = clinician_client.get(live_condition.get_absolute_url()).text
    assert "Draft — differs from the live page" in staff_page
    assert "Draft wording." in staff_page
    assert reverse("admin:conditions_condition_draft_compare", args=[live_condition.pk]) in (
        staff_page
    )
    patient_page = Client().get(live_condition.get_absolute_url()).text
    assert "Live wording." in patient_page and "Draft" not in patient_page


def test_signing_off_and_publishing_the_draft_replaces_the_live_version(
    clinician_client, clinician, live_condition
):
    patient = Client()
    url = live_condition.get_absolute_url()
    clinician_client.post(
        change_url(live_condition), change_data(live_condition, body="Corrected wording.")
    )
    assert "Live wording." in patient.get(url).text

    draft = with_draft(fresh(live_condition))
    workflow.content_sign_off(draft, clinician, "Fixed a typo")
    assert fresh(live_condition).review_note == "First review"  # the live page's own sign-off
    workflow.content_publish(fresh(live_condition), clinician)

    row = fresh(live_condition)
    assert row.body == "Corrected wording." and row.is_signed_off
    assert row.review_note == "Fixed a typo" and row.status == Status.PUBLISHED
    assert draft_of(row) is None
    assert "Corrected wording." in patient.get(url).text
    assert row.history.first().history_change_reason == (
        "Published the working draft: it is now the live version"
    )


def test_publishing_an_unsigned_draft_is_refused_and_changes_nothing(clinician, live_condition):
    save_draft(live_condition, {"body": "Unreviewed."})
    with pytest.raises(workflow.WorkflowError, match="not been signed off"):
        workflow.content_publish(fresh(live_condition), clinician)
    assert fresh(live_condition).body == "Live wording."
    assert draft_of(live_condition) is not None


def test_sign_off_and_publish_in_the_form_publish_the_draft_at_once(
    clinician_client, live_condition
):
    clinician_client.post(
        change_url(live_condition),
        change_data(live_condition, body="Reviewed now.", sign_off="on", publish="on"),
    )
    row = fresh(live_condition)
    assert row.body == "Reviewed now." and row.is_signed_off and draft_of(row) is None
    assert "Reviewed now." in Client().get(row.get_absolute_url()).text


def test_other_names_links_and_tags_go_live_while_the_draft_waits(clinician_client, live_condition):
    swelling = SymptomFactory(name="Swelling")
    clinician_client.post(
        change_url(live_condition),
        change_data(
            live_condition,
            body="Draft wording.",
            alternate_names="Popliteal cyst",
            symptoms=[swelling.pk],
            tags="knee",
        ),
    )
    row = fresh(live_condition)
    assert row.body == "Live wording."
    assert row.alternate_names == "Popliteal cyst"
    assert list(row.symptoms.all()) == [swelling]
    assert list(row.tags.names()) == ["knee"]
    assert with_draft(row).body == "Draft wording."


def test_a_save_that_leaves_the_draft_as_it_was_keeps_who_wrote_it(
    staff_client, clinician, live_condition
):
    save_draft(live_condition, {"body": "Draft wording."}, user=clinician)
    saved = draft_of(live_condition).updated_at
    opened = with_draft(fresh(live_condition))
    response = staff_client.post(change_url(opened), change_data(opened, tags="knee"))
    assert response.status_code == 302
    draft = draft_of(live_condition)
    assert (draft.updated_by, draft.updated_at) == (clinician, saved)
    assert list(fresh(live_condition).tags.names()) == ["knee"]


def test_editing_back_to_the_live_wording_drops_the_draft(live_condition):
    save_draft(live_condition, {"body": "Draft wording."})
    item = with_draft(fresh(live_condition))
    item.body = "Live wording."
    assert save_edit(item) is None
    assert not WorkingDraft.objects.exists()


def test_save_draft_twice_with_the_same_text_changes_nothing(live_condition):
    assert save_draft(fresh(live_condition), {"body": "Imported text."}) is True
    saved = draft_of(live_condition).updated_at
    history = fresh(live_condition).history.count()
    assert save_draft(fresh(live_condition), {"body": "Imported text."}) is False
    assert draft_of(live_condition).updated_at == saved
    assert fresh(live_condition).history.count() == history


def test_save_draft_on_an_item_that_is_not_live_edits_its_row():
    condition = ConditionFactory(status=Status.IN_REVIEW, body="Old.")
    assert save_draft(condition, {"body": "New."}) is True
    assert fresh(condition).body == "New." and draft_of(condition) is None


def test_a_draft_works_for_faqs_too(clinician):
    faq = FAQFactory(status=Status.DRAFT, question="Is it serious?", answer="Live answer.")
    workflow.content_sign_off(faq, clinician)
    workflow.content_publish(faq, clinician)
    save_draft(fresh(faq), {"answer": "Draft answer."})
    assert FAQ.objects.published().get(pk=faq.pk).answer == "Live answer."
    assert with_draft(fresh(faq)).answer == "Draft answer."


def test_compare_shows_the_live_page_beside_the_draft_word_by_word(
    clinician_client, live_condition
):
    save_draft(live_condition, {"body": "Live wording, corrected."})
    url = reverse("admin:conditions_condition_draft_compare", args=[live_condition.pk])
    page = clinician_client.get(url).text
    assert "<td>Live wording.</td>" in page
    assert "<del>wording.</del><ins>wording, corrected.</ins>" in page
    assert "Live page" in page
    assert "<td>Signed off by" in page and "<td>Not signed off</td>" in page


def test_compare_without_a_draft_goes_back_to_the_form(clinician_client, live_condition):
    url = reverse("admin:conditions_condition_draft_compare", args=[live_condition.pk])
    response = clinician_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == change_url(live_condition)


@pytest.mark.parametrize("object_id", ["999999", "not-a-number"])
def test_compare_of_no_item_is_a_404(clinician_client, object_id):
    url = reverse("admin:conditions_condition_draft_compare", args=[object_id])
    assert clinician_client.get(url).status_code == 404


def test_roles_without_content_access_cannot_compare(client, front_desk, live_condition):
    save_draft(live_condition, {"body": "Draft."})
    client.force_login(front_desk)
    url = reverse("admin:conditions_condition_draft_compare", args=[live_condition.pk])
    assert client.get(url).status_code == 403


def test_discarding_the_draft_needs_a_post_and_keeps_the_live_page(
    clinician_client, live_condition
):
    save_draft(live_condition, {"body": "Draft."})
    url = reverse("admin:conditions_condition_draft_discard", args=[live_condition.pk])
    clinician_client.get(url)
    assert draft_of(live_condition) is not None
    clinician_client.post(url)
    assert draft_of(live_condition) is None
    assert fresh(live_condition).body == "Live wording."


def test_unpublish_asks_for_confirmation_and_a_reason(clinician_client, live_condition):
    first = run_action(clinician_client, "condition", "unpublish", [live_condition])
    assert first.status_code == 200
    assert "Take these pages down?" in first.text and "Baker" in first.text
    assert fresh(live_condition).status == Status.PUBLISHED

    no_reason = run_action(
        clinician_client, "condition", "unpublish", [live_condition], confirm="1", reason=""
    )
    assert no_reason.status_code == 200 and "This field is required" in no_reason.text
    assert fresh(live_condition).status == Status.PUBLISHED

    run_action(clinician_client, "condition", "unpublish", [live_condition], **UNPUBLISH_CONFIRMED)
    row = fresh(live_condition)
    assert row.status == Status.UNPUBLISHED
    assert row.history.first().history_change_reason == "Unpublished: The advice is out of date"
    assert Client().get(row.get_absolute_url()).status_code == 404


def test_unpublishing_a_page_with_a_draft_makes_the_draft_its_text(clinician, live_condition):
    save_draft(live_condition, {"body": "Draft wording."})
    workflow.content_unpublish(fresh(live_condition), clinician, "Rewriting it")
    row = fresh(live_condition)
    assert row.body == "Draft wording." and draft_of(row) is None


def test_bulk_sign_off_and_publish_act_on_the_drafts(clinician_client, live_condition):
    save_draft(live_condition, {"body": "Draft wording."})
    run_action(clinician_client, "condition", "sign_off", [live_condition])
    assert fresh(live_condition).body == "Live wording."
    assert with_draft(fresh(live_condition)).is_signed_off
    run_action(clinician_client, "condition", "publish", [live_condition])
    assert fresh(live_condition).body == "Draft wording."
    assert draft_of(live_condition) is None


def test_the_change_list_filters_and_marks_items_with_drafts(clinician_client, live_condition):
    other = ConditionFactory(name="Other page")
    save_draft(live_condition, {"body": "Draft."})
    changelist = reverse("admin:conditions_condition_changelist")
    page = clinician_client.get(changelist, {"waiting": "draft"})
    names = [str(item) for item in page.context["cl"].result_list]
    assert names == ["Baker's cyst"]
    assert other.name not in names
    everything = clinician_client.get(changelist).context["cl"].result_list
    assert {str(item): item.has_draft for item in everything} == {
        "Baker's cyst": True,
        "Other page": False,
    }


def test_history_says_which_version_is_live_and_points_at_the_draft(
    clinician_client, live_condition
):
    save_draft(live_condition, {"body": "Draft."})
    url = reverse("admin:conditions_condition_history", args=[live_condition.pk])
    page = clinician_client.get(url).text
    assert "Live now" in page
    assert "Not public" in page  # the versions before it was published
    assert "A working draft, saved" in page
    assert "{#" not in page and "{%" not in page


def test_the_admin_index_lists_drafts_waiting_to_go_live(clinician_client, live_condition):
    save_draft(live_condition, {"body": "Draft."})
    page = clinician_client.get(reverse("admin:index")).text
    box = page[page.index('id="waiting-to-go-live"') :]
    assert "Baker&#x27;s cyst" in box[: box.index("</div>")]


def test_a_stale_form_names_whoever_saved_the_draft(clinician_client, clinician, live_condition):
    opened = change_data(live_condition, body="Mine.")
    save_draft(fresh(live_condition), {"body": "Theirs."}, user=clinician)
    response = clinician_client.post(change_url(live_condition), opened)
    assert response.status_code == 200
    assert f"Someone else saved this page by {clinician}" in response.text
    assert with_draft(fresh(live_condition)).body == "Theirs."


def test_condition_pages_of_live_items_keep_their_query_budget_with_a_draft_pending(
    live_condition, django_assert_max_num_queries
):
    save_draft(live_condition, {"body": "Draft."})
    patient = Client()
    patient.get(live_condition.get_absolute_url())
    with django_assert_max_num_queries(2):
        assert patient.get(live_condition.get_absolute_url()).status_code == 200
    assert Condition.objects.get(pk=live_condition.pk).body == "Live wording."
