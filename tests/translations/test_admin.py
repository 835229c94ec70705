"""Translations in the admin: edited beside the English, with the English roles, sign-off and
history; out-of-date translations in the review box (issue 18, item 3)."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from conditions.models import Condition, RedFlagRule, Status
from conditions.services import workflow
from tests.factories import ConditionFactory
from tests.test_roles import form_as_saved
from translations.models import Translation
from translations.services import translation_start

pytestmark = pytest.mark.django_db


def fresh(item):
    return type(item).objects.get(pk=item.pk)


def add_url(item, language="es"):
    content_type = ContentType.objects.get_for_model(item).pk
    return (
        reverse("admin:translations_translation_add")
        + f"?content_type={content_type}&object_id={item.pk}&language={language}"
    )


def change_url(translation):
    return reverse("admin:translations_translation_change", args=[translation.pk])


@pytest.fixture
def condition():
    return ConditionFactory(
        name="Jumper's knee",
        summary="Jumper's knee is a painful tendon.",
        body="Rest helps the tendon heal.",
        urgency=Condition.Urgency.NON_URGENT,
        urgent_help="See your doctor if it lasts two weeks.",
    )


@pytest.fixture
def translation(condition):
    return translation_start(
        condition,
        "es",
        {
            "name": "Rodilla de saltador",
            "summary": "La rodilla de saltador es un tendón adolorido.",
            "body": "El reposo ayuda a que el tendón sane.",
            "urgent_help": "Vea a su médico si dura dos semanas.",
        },
        "Tendinitis rotuliana",
        status=Status.PUBLISHED,
    )


def test_the_english_change_form_offers_to_add_its_spanish_translation(clinician_client, condition):
    page = clinician_client.get(reverse("admin:conditions_condition_change", args=[condition.pk]))
    assert "Add the Spanish translation" in page.text
    assert add_url(condition).replace("&", "&amp;") in page.text


def test_the_english_change_form_links_to_its_translation_with_its_state(
    staff_client, condition, translation
):
    url = reverse("admin:conditions_condition_change", args=[condition.pk])
    page = staff_client.get(url).text
    assert change_url(translation) in page
    assert "Spanish translation</a> (published, not signed off)" in page
    assert "Add the Spanish translation" not in page  # content staff add no content

    condition.body = "Rest and ice help the tendon heal."
    condition.save()
    page = staff_client.get(url).text
    assert "out of date: the English has changed since" in page


def test_a_clinician_translates_beside_the_english(clinician_client, condition):
    page = clinician_client.get(add_url(condition))
    assert page.status_code == 200
    # The English as it is now, read-only beside each field to translate.
    assert "Jumper’s knee is a painful tendon." in page.text or (
        "Jumper&#x27;s knee is a painful tendon." in page.text
    )
    assert 'name="wording_summary"' in page.text and 'name="summary"' not in page.text

    data = form_as_saved(page)
    data.update(
        wording_name="Rodilla de saltador",
        wording_summary="Un tendón adolorido.",
        wording_body="El reposo ayuda.",
        wording_urgent_help="Vea a su médico.",
        alternate_names="Tendinitis rotuliana",
    )
    response = clinician_client.post(add_url(condition), data)
    assert response.status_code == 302
    translation = Translation.objects.get()
    assert translation.source == condition and translation.language == "es"
    assert translation.values == {
        "name": "Rodilla de saltador",
        "summary": "Un tendón adolorido.",
        "body": "El reposo ayuda.",
        "urgent_help": "Vea a su médico.",
    }
    assert translation.alternate_names == "Tendinitis rotuliana"
    assert translation.status == Status.DRAFT
    assert translation.source_fingerprint == condition.clinical_fingerprint()


def test_what_the_english_says_the_translation_must_say_too(clinician_client, condition):
    data = form_as_saved(clinician_client.get(add_url(condition)))
    data.update(wording_name="Rodilla de saltador", wording_body="El reposo ayuda.")
    response = clinician_client.post(add_url(condition), data)
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "El reposo ayuda." in response.text  # nothing typed is lost
    assert not Translation.objects.exists()


def test_a_translation_is_added_only_from_an_english_item(clinician_client, condition, translation):
    response = clinician_client.get(reverse("admin:translations_translation_add"))
    assert response.status_code == 302
    assert response.url == reverse("admin:translations_translation_changelist")
    response = clinician_client.get(
        reverse("admin:translations_translation_add") + "?content_type=1&object_id=nope"
    )
    assert response.status_code == 302
    # A second translation into the same language opens the first.
    response = clinician_client.get(add_url(condition))
    assert response.status_code == 302 and response.url == change_url(translation)


def test_an_out_of_date_translation_shows_what_changed_in_the_english(
    clinician_client, condition, translation
):
    condition.urgent_help = "See your doctor if it lasts three weeks."
    condition.save()
    page = clinician_client.get(change_url(translation)).text
    assert "The English has changed since this translation was signed off" in page
    assert "<del>two</del><ins>three</ins>" in page.replace("\n", "")
    assert "Vea a su médico si dura dos semanas." in page


def test_an_up_to_date_translation_says_nothing_of_changes(clinician_client, translation):
    page = clinician_client.get(change_url(translation)).text
    assert "The English has changed" not in page and "<del>" not in page


def test_content_staff_see_the_wording_read_only_even_with_a_crafted_post(
    staff_client, translation
):
    page = staff_client.get(change_url(translation))
    assert 'name="wording_name"' not in page.text
    assert "Rodilla de saltador" in page.text
    staff_data = form_as_saved(page)
    staff_data.update(
        wording_name="Cambiado",
        alternate_names="Tendinitis rotuliana\nRodilla del saltador",
        sign_off="on",
    )
    response = staff_client.post(change_url(translation), staff_data)
    assert response.status_code == 302
    saved = fresh(translation)
    assert saved.values["name"] == "Rodilla de saltador"
    assert saved.alternate_names == "Tendinitis rotuliana\nRodilla del saltador"
    assert not saved.is_signed_off


def test_a_clinician_signs_a_translation_off_in_the_form(
    clinician, clinician_client, condition, translation
):
    condition.body = "Rest and ice help the tendon heal."
    condition.save()
    data = form_as_saved(clinician_client.get(change_url(translation)), sign_off=True)
    data["review_note"] = "Checked against the new English"
    response = clinician_client.post(change_url(translation), data)
    assert response.status_code == 302
    saved = fresh(translation)
    assert saved.is_signed_off and saved.reviewed_by == clinician
    assert not saved.is_out_of_date()
    assert saved.source_values["body"] == "Rest and ice help the tendon heal."


def test_an_edit_of_a_live_translation_waits_in_its_working_draft(clinician_client, translation):
    data = form_as_saved(clinician_client.get(change_url(translation)))
    data["wording_body"] = "El reposo y el hielo ayudan."
    clinician_client.post(change_url(translation), data)
    assert fresh(translation).values["body"] == "El reposo ayuda a que el tendón sane."
    page = clinician_client.get(change_url(translation)).text
    assert "You are editing the working draft" in page
    assert "El reposo y el hielo ayudan." in page


def test_the_history_compares_the_translated_wording_field_by_field(
    clinician, clinician_client, translation
):
    workflow.content_unpublish(translation, clinician, "Being corrected")
    data = form_as_saved(clinician_client.get(change_url(translation)))
    data["wording_name"] = "Rodilla del saltador"
    clinician_client.post(change_url(translation), data)
    older, newer = fresh(translation).history.order_by("history_date")[1:3]
    page = clinician_client.get(
        reverse("admin:translations_translation_compare", args=[translation.pk]),
        {"a": older.history_id, "b": newer.history_id},
    ).text
    assert "Name (translated)" in page
    assert "<del>de</del><ins>del</ins>" in page.replace("\n", "")


def test_the_review_box_lists_translations_whose_english_changed(
    clinician_client, condition, translation
):
    index = reverse("admin:index")
    assert "translations-out-of-date" not in clinician_client.get(index).text
    condition.summary = "Jumper's knee is a painful, overused tendon."
    condition.save()
    page = clinician_client.get(index).text
    box = page[page.index('id="translations-out-of-date"') :]
    assert re.search(rf'href="{change_url(translation)}">Rodilla de saltador \(Spanish\)', box)
    assert "English: Jumper&#x27;s knee" in box


def test_red_flag_rules_link_to_their_translation(clinician_client):
    rule = RedFlagRule.objects.create(name="Locked knee", advice="Call your doctor today.")
    page = clinician_client.get(reverse("admin:conditions_redflagrule_change", args=[rule.pk]))
    assert "Add the Spanish translation" in page.text
    data = form_as_saved(clinician_client.get(add_url(rule)))
    data.update(wording_name="Rodilla trabada", wording_advice="Llame a su médico hoy.")
    assert clinician_client.post(add_url(rule), data).status_code == 302
    assert Translation.objects.get().values["advice"] == "Llame a su médico hoy."


def test_the_translation_list_shows_which_are_up_to_date(
    clinician_client, condition, translation, django_assert_max_num_queries
):
    condition.body = "Changed."
    condition.save()
    with django_assert_max_num_queries(20):
        page = clinician_client.get(reverse("admin:translations_translation_changelist")).text
    assert "Rodilla de saltador (Spanish)" in page
    assert "Jumper&#x27;s knee" in page
