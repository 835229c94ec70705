"""A translation's own life: made from the English, signed off on its own, out of date when the
English changes, its sign-off waiting in a working draft while it is live (issue 18, item 3)."""

import pytest

from conditions.models import (
    Condition,
    RedFlagRule,
    Status,
    Tag,
    content_models,
    tagged_models,
)
from conditions.services import workflow
from conditions.services.drafts import save_draft, with_draft
from tests.factories import ConditionFactory, SymptomFactory, TagFactory
from translations.models import Translation
from translations.services import live_translation, translation_start

pytestmark = pytest.mark.django_db

SPANISH = {
    "name": "Quiste de Baker",
    "summary": "Un quiste detrás de la rodilla.",
    "body": "El texto completo.",
    "urgent_help": "Llame al 911 si le falta el aire.",
}


def fresh(item):
    return type(item).objects.get(pk=item.pk)


@pytest.fixture
def condition():
    return ConditionFactory(
        name="Baker's cyst",
        urgency=Condition.Urgency.URGENT,
        urgent_help="Call 911 if you are short of breath.",
    )


@pytest.fixture
def translation(condition):
    return translation_start(condition, "es", SPANISH, "Quiste poplíteo", status=Status.PUBLISHED)


def test_a_new_translation_records_the_english_it_is_made_from(condition, translation):
    assert translation.source_fingerprint == condition.clinical_fingerprint()
    assert translation.source_values["urgent_help"] == "Call 911 if you are short of breath."
    assert translation.source_values["urgency"] == "urgent"
    assert not translation.is_out_of_date()
    assert str(translation) == "Quiste de Baker (Spanish)"


def test_a_change_to_the_english_wording_makes_the_translation_out_of_date(condition, translation):
    condition.body = "A corrected body."
    condition.save()
    translation = fresh(translation)
    assert translation.is_out_of_date()
    assert not translation.callout_changed()  # the urgent help is as it was


def test_a_change_to_the_english_urgency_or_advice_brings_back_the_english_callout(
    condition, translation
):
    condition.urgency = Condition.Urgency.IMMEDIATE
    condition.save()
    assert fresh(translation).callout_changed()
    condition.urgency = Condition.Urgency.URGENT
    condition.urgent_help = "Go to the emergency room."
    condition.save()
    assert fresh(translation).callout_changed()


def test_a_change_outside_the_english_clinical_text_leaves_the_translation_up_to_date(
    condition, translation
):
    condition.alternate_names = "Popliteal cyst"
    condition.save()
    assert not fresh(translation).is_out_of_date()


def test_signing_off_again_records_the_current_english(clinician, condition, translation):
    condition.body = "A corrected body."
    condition.save()
    translation = fresh(translation)
    workflow.content_sign_off(translation, clinician, "Checked against the new English")
    translation = fresh(translation)
    assert translation.is_signed_off
    assert not translation.is_out_of_date()
    assert translation.source_values["body"] == "A corrected body."
    assert translation.reviewed_by == clinician
    record = translation.history.first()
    assert record.history_change_reason == (
        "Signed off as clinically reviewed: Checked against the new English"
    )


def test_the_sign_off_survives_the_order_postgresql_gives_json_keys(clinician, translation):
    workflow.content_sign_off(translation, clinician)
    # jsonb hands keys back sorted by length, not as they were written.
    assert fresh(translation).is_signed_off


def test_a_live_translations_edit_and_its_sign_off_wait_in_its_working_draft(
    clinician, condition, translation
):
    workflow.content_sign_off(translation, clinician)
    condition.body = "A corrected body."
    condition.save()
    translation = fresh(translation)
    save_draft(translation, {"values": {**SPANISH, "body": "Un texto corregido."}}, clinician)
    workflow.content_sign_off(with_draft(fresh(translation)), clinician)

    live = fresh(translation)
    assert live.values["body"] == "El texto completo."
    assert live.is_out_of_date()  # patients still read the old translation: it says so
    assert live_translation(fresh(condition), "es").out_of_date

    workflow.content_publish(with_draft(fresh(translation)), clinician)
    live = fresh(translation)
    assert live.values["body"] == "Un texto corregido."
    assert live.is_signed_off and not live.is_out_of_date()
    assert not live_translation(fresh(condition), "es").out_of_date


def test_only_signed_off_translations_are_published_by_a_clinician(clinician, condition):
    draft = translation_start(condition, "es", SPANISH)
    with pytest.raises(workflow.WorkflowError):
        workflow.content_publish(draft, clinician)
    workflow.content_sign_off(draft, clinician)
    workflow.content_publish(fresh(draft), clinician)
    assert fresh(draft).is_published


def test_unpublishing_a_translation_leaves_the_english_page_untranslated(
    clinician, condition, translation
):
    workflow.content_unpublish(translation, clinician, "Wrong advice")
    assert live_translation(fresh(condition), "es") is None
    assert fresh(condition).is_published


def test_a_translation_keeps_its_history_and_restores_an_earlier_wording(
    clinician, condition, translation
):
    workflow.content_unpublish(translation, clinician, "Being corrected")
    translation = fresh(translation)
    first = translation.history.earliest()
    save_draft(translation, {"values": {**SPANISH, "name": "Quiste poplíteo"}}, clinician)
    assert fresh(translation).values["name"] == "Quiste poplíteo"
    workflow.content_restore(fresh(translation), first, clinician)
    assert fresh(translation).values["name"] == "Quiste de Baker"
    assert fresh(translation).history.first().relations == {}


def test_deleting_the_english_item_deletes_its_translations(condition, translation):
    condition.delete()
    assert not Translation.objects.exists()


def test_red_flag_rules_are_translated_and_watched_for_their_urgency(clinician):
    rule = RedFlagRule.objects.create(name="Locked knee", advice="Call your doctor today.")
    translation = translation_start(
        rule, "es", {"name": "Rodilla trabada", "advice": "Llame a su médico hoy."}
    )
    rule.urgency = "immediate"
    rule.save()
    assert fresh(translation).is_out_of_date() and fresh(translation).callout_changed()


def test_translations_are_content_but_carry_no_tags_of_their_own():
    assert Translation in content_models()
    assert Translation not in tagged_models()
    tag = TagFactory(name="swelling")
    symptom = SymptomFactory(tags=[tag])
    translation = translation_start(symptom, "es", {"name": "Hinchazón"}, status=Status.PUBLISHED)
    # Topic counts count the English item once; a translation's history keeps no tags.
    assert [(t.name, t.use_count) for t in Tag.objects.with_published_use()] == [("swelling", 1)]
    assert translation.history.first().relations == {}
