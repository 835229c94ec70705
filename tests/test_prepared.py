"""Prepared queries (kneeinfo/prepared.py) return what the querysets they were built from return."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.db.models.functions import Lower

from conditions.models import ClinicianProfile, Condition, Status, Symptom
from kneeinfo.prepared import PreparedLists, PreparedObject, PreparedQuery
from tests.factories import ConditionFactory, SymptomFactory, TagFactory

pytestmark = pytest.mark.django_db


def with_symptom(pk):
    return Condition.objects.published().filter(symptoms=pk).order_by(Lower("name"), "pk")


def names(items):
    return [item.name for item in items]


@pytest.fixture
def symptoms():
    pain, swelling = SymptomFactory(name="Pain"), SymptomFactory(name="Swelling")
    for i in range(7):
        ConditionFactory(name=f"condition {i:02d}", symptoms=[pain, swelling] if i % 2 else [pain])
    ConditionFactory(name="draft", symptoms=[pain], status=Status.DRAFT)
    return pain, swelling


def test_rows_are_the_querysets_for_each_value_from_one_compiled_query(symptoms):
    query = PreparedQuery(Condition, ["name", "id", "slug"], with_symptom)

    for symptom in [*symptoms, *symptoms]:
        rows = query(symptom.pk)
        assert names(rows) == names(with_symptom(symptom.pk))
        assert [row.slug for row in rows] == [c.slug for c in with_symptom(symptom.pk)]
    assert list(query.compiled) == [("all", "default")]


def test_rows_are_model_instances_with_the_selected_fields_only(
    symptoms, django_assert_num_queries
):
    query = PreparedQuery(Condition, ["id", "name", "slug"], with_symptom)

    with django_assert_num_queries(1):
        first = query(symptoms[0].pk)[0]
        url = first.get_absolute_url()

    assert isinstance(first, Condition)
    assert url == f"/conditions/{first.slug}/"
    assert first.get_deferred_fields() >= {"summary", "body"}


def test_count_and_slices_page_like_the_queryset(symptoms):
    pain = symptoms[0]
    query = PreparedQuery(Condition, ["id", "name"], with_symptom)
    bound = query.bind(pain.pk)

    assert bound.count() == len(bound) == with_symptom(pain.pk).count() == 7
    assert names(bound[2:5]) == names(with_symptom(pain.pk)[2:5])
    prepared_pages = Paginator(bound, 3)
    queryset_pages = Paginator(with_symptom(pain.pk), 3)
    assert prepared_pages.num_pages == queryset_pages.num_pages == 3
    for number in (1, 2, 3):
        assert names(prepared_pages.page(number)) == names(queryset_pages.page(number))


def test_a_value_with_no_rows_counts_zero_and_pages_empty(db):
    query = PreparedQuery(Symptom, ["id", "name"], lambda pk: Symptom.objects.filter(tags=pk))
    tag = TagFactory()

    assert query(tag.pk) == []
    assert query.count(tag.pk) == 0
    assert list(Paginator(query.bind(tag.pk), 10).page(1)) == []


def test_a_query_that_ignores_its_value_is_refused(db):
    query = PreparedQuery(Symptom, ["id"], lambda pk: Symptom.objects.published())

    with pytest.raises(ValueError, match="does not use every value"):
        query(1)


def test_only_plain_slices_can_be_read(db):
    bound = PreparedQuery(Symptom, ["id"], lambda pk: Symptom.objects.filter(pk=pk)).bind(1)

    with pytest.raises(TypeError):
        bound[0]
    with pytest.raises(TypeError):
        bound[0:4:2]


def symptoms_of(pk):
    return Symptom.objects.filter(conditions=pk).order_by("-name")


def first_three_with_symptom(pk):
    return with_symptom(pk)[:3]


LISTS = PreparedLists(
    {
        "conditions": PreparedQuery(Condition, ["id", "name", "slug"], with_symptom),
        "symptoms": PreparedQuery(Symptom, ["id", "name"], symptoms_of),
        "top": PreparedQuery(Condition, ["id", "name"], first_three_with_symptom),
    }
)


def test_lists_run_as_one_query_and_each_is_its_querysets_rows_in_its_order(
    symptoms, django_assert_num_queries
):
    for symptom in symptoms:
        with django_assert_num_queries(1):
            lists = LISTS(symptom.pk)
        assert names(lists["conditions"]) == names(with_symptom(symptom.pk))
        assert [c.slug for c in lists["conditions"]] == [c.slug for c in with_symptom(symptom.pk)]
        assert names(lists["symptoms"]) == names(symptoms_of(symptom.pk))
        assert names(lists["top"]) == names(first_three_with_symptom(symptom.pk))
        assert len(lists["top"]) == 3
    condition = Condition.objects.get(name="condition 03")
    lists = LISTS(condition.pk)
    # Z–A, so rows kept in their table's order or in another list's would fail.
    assert names(lists["symptoms"]) == ["Swelling", "Pain"]
    assert lists["conditions"] == lists["top"] == []
    assert isinstance(lists["symptoms"][0], Symptom)


def test_lists_keep_only_a_slice_from_the_start(db):
    lists = PreparedLists(
        {"later": PreparedQuery(Symptom, ["id"], lambda pk: Symptom.objects.filter(pk=pk)[1:3])}
    )

    with pytest.raises(ValueError, match="only a slice from 0"):
        lists(1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_postgresql_prepares_a_statement_run_more_than_once(symptoms):
    for _ in range(3):
        LISTS(symptoms[0].pk)

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("UNION ALL" in statement for statement in prepared)


def test_pages_of_lists_and_their_counts_are_one_statement_each(
    symptoms, django_assert_num_queries
):
    pain = symptoms[0]
    lists = PreparedLists(
        {
            "conditions": PreparedQuery(Condition, ["id", "name"], with_symptom),
            "symptoms": PreparedQuery(Symptom, ["id", "name"], symptoms_of),
        }
    )

    with django_assert_num_queries(2):
        counts = lists.counts(pain.pk)
        page = lists(pain.pk, start=3, stop=6)

    assert counts == {
        "conditions": with_symptom(pain.pk).count(),
        "symptoms": symptoms_of(pain.pk).count(),
    }
    assert counts["conditions"] == 7
    assert names(page["conditions"]) == names(with_symptom(pain.pk)[3:6])
    assert names(lists(pain.pk, start=6, stop=9)["conditions"]) == ["condition 06"]
    assert lists(pain.pk, start=9, stop=12)["conditions"] == []


def everything(instance):
    """Every column's value, and which related objects came with it (select_related)."""
    return (
        [getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields],
        sorted(instance._state.fields_cache),
    )


@pytest.fixture
def reviewed():
    """Conditions reviewed by a clinician with a profile, by one without, and by nobody."""
    users = get_user_model().objects
    clinician = users.create_user("clinician", first_name="Ada", last_name="Lovelace")
    ClinicianProfile.objects.create(
        user=clinician, profession="Physical therapist", registration_number="NY license 1"
    )
    plain = users.create_user("plain")
    return [
        ConditionFactory(
            name="With profile", reviewed_by=clinician, last_reviewed_on=datetime.date(2026, 1, 2)
        ),
        ConditionFactory(name="Without profile", reviewed_by=plain),
        ConditionFactory(name="Nobody"),
        ConditionFactory(name="Draft", reviewed_by=clinician, status=Status.DRAFT),
    ]


def published_with_reviewer(slug):
    return (
        Condition.objects.published()
        .select_related("reviewed_by__clinician_profile")
        .filter(slug=slug)
    )


def test_an_object_is_the_querysets_with_its_related_objects_and_converted_values(
    reviewed, django_assert_num_queries
):
    query = PreparedObject(published_with_reviewer)

    for condition in reviewed[:3]:
        expected = published_with_reviewer(condition.slug).get()
        with django_assert_num_queries(1):
            got = query(condition.slug)
        assert everything(got) == everything(expected)
        assert type(got.created_at) is type(expected.created_at)
        if expected.reviewed_by:
            assert everything(got.reviewed_by) == everything(expected.reviewed_by)
            profile = getattr(expected.reviewed_by, "clinician_profile", None)
            assert getattr(got.reviewed_by, "clinician_profile", None) == profile
    assert list(query.compiled) == ["default"]


def test_no_object_is_none(reviewed):
    query = PreparedObject(published_with_reviewer)

    assert query(reviewed[3].slug) is None  # a draft
    assert query("no-such-condition") is None


def test_what_it_cannot_keep_is_refused(reviewed):
    by_status = PreparedObject(lambda status: Condition.objects.filter(status=status))
    with pytest.raises(ValueError, match="not unique"):
        by_status(Status.PUBLISHED)

    annotated = PreparedObject(
        lambda slug: Condition.objects.filter(slug=slug).alias().annotate(n=Lower("name"))
    )
    with pytest.raises(ValueError, match="annotations"):
        annotated("nobody")
