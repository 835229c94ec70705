"""Reading grades in the admin: a sortable column, a confirmation before signing off wording
above the target (in the form and in the bulk action), the admin index's hardest pages, and
the jargon list clinicians edit."""

import pytest
from django.urls import reverse

from conditions.admin import ConditionAdmin, SymptomAdmin, TreatmentAdmin
from conditions.models import Condition, JargonTerm, Status
from faq.admin import FAQAdmin
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory, TreatmentFactory
from tests.test_roles import change_data, change_url, run_action

pytestmark = pytest.mark.django_db

PLAIN = "Rest your knee. Put ice on it. Call your doctor if it gets worse."
HARD = (
    "Posterolateral corner injuries frequently accompany cruciate ligament disruption, "
    "necessitating comprehensive multidisciplinary evaluation. Conservative management "
    "incorporating physiotherapeutic rehabilitation demonstrates considerable effectiveness."
)
CONFIRM_BOX = 'name="sign_off_above_target"'


def names_in_order(page, names):
    return sorted(names, key=page.index)


# The sortable column ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("admin_class", "factory", "title_field", "text_field"),
    [
        (ConditionAdmin, ConditionFactory, "name", "body"),
        (SymptomAdmin, SymptomFactory, "name", "description"),
        (TreatmentAdmin, TreatmentFactory, "name", "description"),
        (FAQAdmin, FAQFactory, "question", "answer"),
    ],
)
def test_each_list_sorts_by_reading_grade_in_the_database(
    clinician_client, admin_class, factory, title_field, text_field
):
    texts = {
        "Hardest": HARD,
        "Plainest": "Rest your knee for a while after exercise.",
        "Middle": "Swelling behind the knee often comes back after exercise, or on stairs.",
    }
    for title, text in texts.items():
        factory(**{title_field: title, text_field: text})
    opts = factory._meta.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    # The admin numbers columns from the action checkbox's, 0.
    column = admin_class.list_display.index("grade") + 1
    ascending = clinician_client.get(url, {"o": column}).text
    descending = clinician_client.get(url, {"o": f"-{column}"}).text
    assert 'class="sortable column-grade sorted ascending"' in ascending
    assert names_in_order(ascending, texts) == ["Plainest", "Middle", "Hardest"]
    assert names_in_order(descending, texts) == ["Hardest", "Middle", "Plainest"]


def test_a_grade_above_the_target_stands_out_in_the_list(clinician_client, settings):
    settings.READABILITY_TARGET_GRADE = 8
    ConditionFactory(name="Hard page", body=HARD)
    page = clinician_client.get(reverse("admin:conditions_condition_changelist")).text
    grade = Condition.objects.get().reading_grade
    assert f'<span class="above-target">{grade} (above 8)</span>' in page


# Sign-off in the change form -------------------------------------------------------------------


def test_signing_off_wording_above_the_target_asks_first_and_keeps_what_was_typed(
    clinician_client,
):
    condition = ConditionFactory(status=Status.DRAFT, body=PLAIN)
    data = change_data(condition, body=HARD, sign_off="on", review_note="Rewrote it")
    response = clinician_client.post(change_url(condition), data)
    assert response.status_code == 200
    assert "above the target of grade 8" in response.text
    assert f'type="checkbox" {CONFIRM_BOX}' in response.text
    assert "Posterolateral corner injuries" in response.text
    condition.refresh_from_db()
    assert condition.body == PLAIN and not condition.is_signed_off

    data = {**data, "sign_off_above_target": "on"}
    assert clinician_client.post(change_url(condition), data).status_code == 302
    condition.refresh_from_db()
    assert condition.body == HARD and condition.is_signed_off


def test_plain_wording_is_signed_off_without_a_question(clinician_client):
    condition = ConditionFactory(status=Status.DRAFT, body=HARD)
    data = change_data(condition, summary="A lump.", body=PLAIN, sign_off="on")
    assert clinician_client.post(change_url(condition), data).status_code == 302
    condition.refresh_from_db()
    assert condition.is_signed_off


def test_the_target_is_a_setting(clinician_client, settings):
    settings.READABILITY_TARGET_GRADE = 40
    condition = ConditionFactory(status=Status.DRAFT)
    data = change_data(condition, body=HARD, sign_off="on")
    assert clinician_client.post(change_url(condition), data).status_code == 302


def test_saving_wording_above_the_target_without_signing_off_asks_nothing(clinician_client):
    condition = ConditionFactory(status=Status.DRAFT)
    assert (
        clinician_client.post(change_url(condition), change_data(condition, body=HARD)).status_code
        == 302
    )


def test_the_change_form_shows_the_saved_grade_beside_the_sign_off(clinician_client):
    condition = ConditionFactory(body=HARD)
    page = clinician_client.get(change_url(condition)).text
    assert f"{condition.reading_grade} (Flesch–Kincaid, as last saved): above the target" in page
    assert f'type="hidden" {CONFIRM_BOX}' in page or f'{CONFIRM_BOX} value="False"' in page


# Sign-off in the bulk action -------------------------------------------------------------------


def test_the_bulk_sign_off_asks_before_signing_off_pages_above_the_target(clinician_client):
    hard = ConditionFactory(name="Hard page", status=Status.DRAFT, body=HARD)
    plain = ConditionFactory(name="Plain page", status=Status.DRAFT, summary="A lump.", body=PLAIN)
    response = run_action(clinician_client, "condition", "sign_off", [hard, plain])
    assert response.status_code == 200
    page = response.text
    assert "1 of the 2 selected page reads above the target of grade 8" in page
    assert "Hard page" in page and f"{hard.reading_grade}" in page
    for item in (hard, plain):
        item.refresh_from_db()
        assert not item.is_signed_off

    confirmed = clinician_client.post(
        reverse("admin:conditions_condition_changelist"),
        {
            "action": "sign_off",
            "_selected_action": [hard.pk, plain.pk],
            "above_target_confirmed": "1",
        },
    )
    assert confirmed.status_code == 302
    for item in (hard, plain):
        item.refresh_from_db()
        assert item.is_signed_off


def test_the_bulk_sign_off_of_plain_pages_asks_nothing(clinician_client):
    plain = ConditionFactory(status=Status.DRAFT, summary="A lump.", body=PLAIN)
    assert run_action(clinician_client, "condition", "sign_off", [plain]).status_code == 302
    plain.refresh_from_db()
    assert plain.is_signed_off


def test_content_staff_cannot_sign_off_through_the_confirmation(staff_client):
    hard = ConditionFactory(status=Status.DRAFT, body=HARD)
    staff_client.post(
        reverse("admin:conditions_condition_changelist"),
        {"action": "sign_off", "_selected_action": [hard.pk], "above_target_confirmed": "1"},
    )
    hard.refresh_from_db()
    assert not hard.is_signed_off


# The admin index -------------------------------------------------------------------------------


def test_the_index_lists_the_five_hardest_published_pages(clinician_client):
    sentences = [
        "Rest.",
        "Rest your knee today.",
        "Rest your knee for a while after exercise.",
        "Considerable inflammation accompanies this condition.",
        HARD,
    ]
    for number, text in enumerate(sentences):
        SymptomFactory(name=f"Symptom {number}", description=text)
    FAQFactory(question="Hardest answer?", answer=HARD + " Multidisciplinary evaluation.")
    ConditionFactory(name="Draft hard page", status=Status.DRAFT, body=HARD * 2)
    page = clinician_client.get(reverse("admin:index")).text
    box = page[page.index('id="hardest-to-read"') :]
    box = box[: box.index("</div>")]
    listed = ["Hardest answer?", "Symptom 4", "Symptom 3", "Symptom 2", "Symptom 1"]
    assert names_in_order(box, listed) == listed
    assert "Symptom 0" not in box and "Draft hard page" not in box
    assert 'class="above-target"' in box


# The jargon list -------------------------------------------------------------------------------


def test_clinicians_add_jargon_terms_and_the_preview_marks_them(clinician_client):
    url = reverse("admin:conditions_jargonterm_add")
    data = {"term": "Fibrillation", "plain_words": "quivering", "_save": "Save"}
    assert clinician_client.post(url, data).status_code == 302
    condition = ConditionFactory(body="Fibrillation of the cartilage is common.")
    preview = reverse("admin:conditions_condition_preview", args=[condition.pk])
    page = clinician_client.post(preview, change_data(condition)).text
    assert ">Fibrillation</mark>" in page and "say “quivering”" in page


def test_a_term_already_on_the_list_in_another_case_is_refused(clinician_client):
    url = reverse("admin:conditions_jargonterm_add")
    response = clinician_client.post(url, {"term": "PROPRIOCEPTION", "_save": "Save"})
    assert response.status_code == 200
    assert "This term is already on the list." in response.text
    assert JargonTerm.objects.filter(term__iexact="proprioception").count() == 1


def test_content_staff_see_the_jargon_list_but_do_not_change_it(staff_client):
    term = JargonTerm.objects.get(term="effusion")
    assert staff_client.get(reverse("admin:conditions_jargonterm_changelist")).status_code == 200
    change = reverse("admin:conditions_jargonterm_change", args=[term.pk])
    staff_client.post(change, {"term": "effusion", "plain_words": "changed", "_save": "Save"})
    term.refresh_from_db()
    assert term.plain_words == "fluid in the knee"


def test_a_live_pages_working_draft_is_graded_not_its_live_wording(clinician_client):
    condition = ConditionFactory(name="Live page", summary="A lump.", body=PLAIN)
    live_grade = condition.reading_grade
    response = clinician_client.post(change_url(condition), change_data(condition, body=HARD))
    assert response.status_code == 302
    condition.refresh_from_db()
    # Patients still read the plain live page, and the list sorts by it...
    assert (condition.body, condition.reading_grade) == (PLAIN, live_grade)
    # ...while signing off concerns the draft's wording.
    page = clinician_client.get(change_url(condition)).text
    assert "(Flesch–Kincaid, as last saved): above the target" in page
    confirm = run_action(clinician_client, "condition", "sign_off", [condition])
    assert confirm.status_code == 200
    assert "1 of the 1 selected page reads above the target" in confirm.text
