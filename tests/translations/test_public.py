"""What public pages ask of translations, and what it costs them (issue 18, items 3-4, 7)."""

import pytest

from conditions.models import Condition, RedFlagRule, Status, Symptom
from conditions.services import workflow
from tests.factories import ConditionFactory, SymptomFactory
from translations.services import (
    TranslatedItem,
    in_language,
    live_translation,
    live_translations,
    translated_names,
    translation_start,
    with_live_translation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def condition():
    return ConditionFactory(
        name="Baker's cyst",
        slug="bakers-cyst",
        urgency=Condition.Urgency.URGENT,
        urgent_help="Call 911 if you are short of breath.",
    )


@pytest.fixture
def translation(condition):
    return translation_start(
        condition,
        "es",
        {"name": "Quiste de Baker", "summary": "Un quiste.", "urgent_help": "Llame al 911."},
        "Quiste poplíteo",
        status=Status.PUBLISHED,
    )


def test_a_live_translation_reads_like_the_english_item(condition, translation, clinician):
    workflow.content_sign_off(translation, clinician, "Checked")
    found = live_translation(Condition.objects.get(pk=condition.pk), "es")
    assert (found.name, found.summary, found.body) == ("Quiste de Baker", "Un quiste.", "")
    assert found.alternate_name_list == ["Quiste poplíteo"]
    assert found.language == "es"
    assert found.reviewed_by == clinician and found.review_note == "Checked"
    assert not found.out_of_date and not found.english_callout
    assert found.next_review_due is not None and not found.is_review_overdue
    assert found.english_url == "/conditions/bakers-cyst/"
    assert not hasattr(found, "question")


def test_an_out_of_date_translation_says_so_and_when_to_show_the_english_callout(
    condition, translation
):
    condition.summary = "A fluid-filled swelling."
    condition.save()
    found = live_translation(condition, "es")
    assert found.out_of_date and not found.english_callout
    condition.urgent_help = "Call 911 or go to the emergency room if you are short of breath."
    condition.save()
    found = live_translation(condition, "es")
    assert found.out_of_date and found.english_callout


def test_no_live_translation_is_none(condition):
    assert live_translation(condition, "es") is None
    translation_start(condition, "es", {"name": "Quiste de Baker"})  # a draft
    assert live_translation(condition, "es") is None


def test_a_live_translation_costs_one_query_then_none_until_content_changes(
    condition, translation, django_assert_num_queries
):
    other = ConditionFactory()
    with django_assert_num_queries(2):  # the content generation; the translation
        assert live_translation(condition, "es").name == "Quiste de Baker"
    with django_assert_num_queries(1):  # the content generation, which keys what is kept
        assert live_translation(condition, "es").name == "Quiste de Baker"
    with django_assert_num_queries(2):  # none kept as "none" too
        assert live_translation(other, "es") is None
    with django_assert_num_queries(1):
        assert live_translation(other, "es") is None


@pytest.mark.parametrize("n", [1, 30])
def test_a_lists_names_cost_one_query_however_long_it_is(n, django_assert_num_queries):
    symptoms = SymptomFactory.create_batch(n)
    for symptom in symptoms[::2]:
        translation_start(symptom, "es", {"name": f"Síntoma {symptom.pk}"}, status=Status.PUBLISHED)
    listed = list(Symptom.objects.published().only("name", "slug"))
    with django_assert_num_queries(1):
        names = translated_names(listed, "es")
    assert names == {s.pk: f"Síntoma {s.pk}" for s in symptoms[::2]}


def test_the_symptom_checker_reads_its_rules_in_spanish_in_one_query(django_assert_num_queries):
    rules = [
        RedFlagRule.objects.create(name="Locked knee", advice="Call your doctor."),
        RedFlagRule.objects.create(name="Hot joint", advice="Go to the ER.", urgency="immediate"),
    ]
    translation_start(
        rules[0],
        "es",
        {"name": "Rodilla trabada", "advice": "Llame a su médico."},
        status=Status.PUBLISHED,
    )
    active = list(RedFlagRule.objects.active())
    with django_assert_num_queries(1):
        found = live_translations(active, "es")
    assert list(found) == [rules[0].pk]
    assert found[rules[0].pk].advice == "Llame a su médico."
    rules[0].urgency = "immediate"
    rules[0].save()
    assert live_translations(RedFlagRule.objects.all(), "es")[rules[0].pk].english_callout


def test_a_languages_sitemap_keeps_what_is_translated(condition, translation):
    untranslated = ConditionFactory()
    kept = with_live_translation(Condition.objects.published(), "es")
    assert list(kept) == [condition]
    assert untranslated not in kept


def test_a_translated_item_reads_as_the_translation_and_keeps_the_rest(
    condition, translation, clinician
):
    condition.alternate_names = "Popliteal cyst"
    condition.body = "The English body."
    condition.save()
    page_item = in_language(Condition.objects.get(pk=condition.pk), "es")
    assert isinstance(page_item, TranslatedItem)
    assert (page_item.name, page_item.summary) == ("Quiste de Baker", "Un quiste.")
    assert str(page_item) == "Quiste de Baker"
    assert page_item.urgent_help == "Llame al 911."
    assert page_item.all_names == ["Quiste de Baker", "Quiste poplíteo"]
    assert page_item.alternate_names == "Quiste poplíteo"
    # What the translation does not give, the English item does.
    assert page_item.body == "The English body."
    assert (page_item.pk, page_item.slug, page_item.urgency) == (
        condition.pk,
        "bakers-cyst",
        "urgent",
    )
    assert page_item.get_absolute_url() == condition.get_absolute_url()
    assert page_item.english.name == "Baker's cyst"
    assert page_item.last_reviewed_on is None and page_item.reviewed_by is None
    assert page_item.translation.out_of_date


def test_an_untranslated_item_is_shown_as_it_is(condition):
    assert in_language(condition, "es") is condition
