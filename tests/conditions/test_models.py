"""Content models: published querysets, names, tags, constraints."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from conditions.models import Condition, Status, Symptom, Tag
from faq.models import FAQ
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED])
def test_only_published_items_are_in_published(status):
    shown = ConditionFactory()
    ConditionFactory(status=status)
    assert list(Condition.objects.published()) == [shown]


def test_conditions_sort_by_name():
    ConditionFactory(name="Meniscus tear")
    ConditionFactory(name="Baker's cyst")
    assert [c.name for c in Condition.objects.all()] == ["Baker's cyst", "Meniscus tear"]


def test_alternate_names_are_one_per_line_ignoring_blanks():
    condition = ConditionFactory(name="Baker's cyst", alternate_names="Popliteal cyst\n\n  x  \n")
    assert condition.alternate_name_list == ["Popliteal cyst", "x"]
    assert condition.all_names == ["Baker's cyst", "Popliteal cyst", "x"]


def test_urls_are_plain_and_stable():
    assert ConditionFactory(slug="bakers-cyst").get_absolute_url() == "/conditions/bakers-cyst/"
    assert SymptomFactory(slug="swelling").get_absolute_url() == "/symptoms/swelling/"
    assert TagFactory(name="Knee pain").get_absolute_url() == "/tags/knee-pain/"
    assert FAQFactory(slug="why").get_absolute_url() == "/faq/why/"


def test_tags_are_case_insensitive_and_shared_by_every_type():
    condition = ConditionFactory()
    condition.tags.add("Knee")
    symptom = SymptomFactory()
    symptom.tags.add("knee")
    faq = FAQFactory()
    faq.tags.add("KNEE")
    assert Tag.objects.count() == 1
    tag = Tag.objects.get()
    assert tag.name == "Knee"
    assert set(Condition.objects.filter(tags=tag)) == {condition}
    assert set(Symptom.objects.filter(tags=tag)) == {symptom}
    assert set(FAQ.objects.filter(tags=tag)) == {faq}


def test_tag_use_counts_only_published_items_of_every_type():
    knee = TagFactory(name="knee")
    ConditionFactory(tags=[knee])
    ConditionFactory(tags=[knee], status=Status.DRAFT)
    SymptomFactory(tags=[knee])
    FAQFactory(tags=[knee])
    TagFactory(name="unused")
    counted = {tag.name: tag.use_count for tag in Tag.objects.with_published_use()}
    assert counted == {"knee": 3}


def test_related_conditions_are_symmetric():
    a = ConditionFactory()
    b = ConditionFactory(related=[a])
    assert list(a.related.all()) == [b]


def test_urgency_without_advice_is_refused_by_clean_and_database():
    condition = ConditionFactory.build(urgency=Condition.Urgency.URGENT, urgent_help="")
    with pytest.raises(ValidationError, match="warning signs"):
        condition.full_clean()
    with pytest.raises(IntegrityError):
        condition.save()


def test_slugs_are_unique():
    ConditionFactory(slug="same")
    with pytest.raises(IntegrityError):
        ConditionFactory(slug="same")
