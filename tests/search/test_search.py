"""Search finds the right page for the words patients use, on SQLite and PostgreSQL alike.

The expectations are the same for both databases: CI runs this module on each.
"""

import pytest
from django.db import connection

from conditions.models import Condition, Status, Symptom, Treatment
from faq.models import FAQ
from search import backends
from search.backends import content_search, warm_memory_index
from search.query import Query
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory, TreatmentFactory
from tests.search.conftest import top

pytestmark = pytest.mark.django_db


def test_a_word_in_the_name_outranks_the_same_word_in_a_body():
    in_body = ConditionFactory(name="Alpha", body="Sometimes called zebra knee by runners.")
    in_summary = ConditionFactory(name="Beta", summary="Often called zebra knee.")
    in_alias = ConditionFactory(name="Gamma", alternate_names="Plain knee\nZebra knee")
    in_name = ConditionFactory(name="Zebra syndrome")

    names = top("zebra", 10)

    assert set(names[:2]) == {in_alias.name, in_name.name}
    assert names[2:] == [in_summary.name, in_body.name]


def test_every_content_type_is_found_and_labelled():
    ConditionFactory(name="Quokka condition")
    SymptomFactory(name="Quokka symptom")
    TreatmentFactory(name="Quokka treatment")
    FAQFactory(question="What is a quokka?")

    hits = content_search(Query.parse("quokka"))[0:10]

    assert sorted(hit.label for hit in hits) == ["Condition", "Question", "Symptom", "Treatment"]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED])
@pytest.mark.parametrize(
    "factory", [ConditionFactory, SymptomFactory, TreatmentFactory, FAQFactory]
)
def test_draft_content_is_not_in_search_results(factory, status):
    ConditionFactory(name="Published wombat knee")
    if factory is FAQFactory:
        factory(question="Hidden wombat question?", answer="Wombat.", status=status)
    else:
        factory(name="Hidden wombat item", alternate_names="wombat", status=status)

    assert top("wombat", 10) == ["Published wombat knee"]


def test_unpublishing_removes_an_item_from_results_at_once():
    condition = ConditionFactory(name="Platypus knee")
    assert top("platypus") == ["Platypus knee"]

    condition.status = Status.UNPUBLISHED
    condition.save()
    assert top("platypus") == []

    condition.status = Status.PUBLISHED
    condition.name = "Platypus elbow"
    condition.save()
    assert top("platypus") == ["Platypus elbow"]


def test_deleting_removes_an_item_from_results():
    ConditionFactory(name="Numbat knee")
    FAQFactory(question="Is a numbat a knee?")
    assert len(top("numbat")) == 2

    FAQ.objects.all().delete()
    Condition.objects.filter(name="Numbat knee").delete()
    assert top("numbat") == []


def test_stop_words_alone_find_nothing_and_do_not_error():
    ConditionFactory(name="The knee")
    assert content_search(Query.parse("the of and")).count() == 0


def test_search_works_with_many_items_and_orders_ties_a_to_z():
    Symptom.objects.bulk_create(
        Symptom(name=f"Echidna {i:03}", slug=f"echidna-{i}", status=Status.PUBLISHED)
        for i in range(150)
    )
    Treatment.objects.bulk_create(
        Treatment(name=f"Echidna {i:03}", slug=f"echidna-{i}", status=Status.PUBLISHED)
        for i in range(150)
    )
    results = content_search(Query.parse("echidna"))

    assert results.count() == 300
    page = results[0:20]
    # Equal scores: symptoms before treatments, each A–Z.
    assert [hit.title for hit in page] == [f"Echidna {i:03}" for i in range(20)]
    assert {hit.label for hit in results[150:160]} == {"Treatment"}


def test_ten_thousand_conditions_are_searched_with_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    Condition.objects.bulk_create(
        Condition(
            name=f"Condition {i}",
            slug=f"condition-{i}",
            summary="A knee problem.",
            body=f"Knee pain that may need rest, ice or physiotherapy. Case {i}.",
            status=Status.PUBLISHED,
        )
        for i in range(10_000)
    )
    ConditionFactory(
        name="Popliteal artery entrapment", slug="popliteal-artery", summary="Calf pain walking."
    )

    # Cold: the content version and the index build (SQLite), or the planner's setting and the
    # page with the count (PostgreSQL).
    with django_assert_num_queries(2):
        results = content_search(Query.parse("popliteal knee"))
        assert results.count() == 10_001
        assert results[0].title == "Popliteal artery entrapment"
    assert [hit.title for hit in results[9_999:10_001]] == ["Condition 9998", "Condition 9999"]


def test_the_index_can_be_built_before_the_first_search(django_assert_num_queries):
    # gunicorn's master builds it before forking its workers (gunicorn.conf.py).
    ConditionFactory(name="Bandicoot knee")
    warm_memory_index()

    if connection.vendor == "postgresql":
        assert backends._memory == {}
        return
    with django_assert_num_queries(1):  # the content version only
        assert top("bandicoot") == ["Bandicoot knee"]


def test_an_index_that_cannot_be_built_in_advance_is_built_later(monkeypatch, caplog):
    monkeypatch.setattr(backends, "memory_index", lambda: 1 / 0)
    warm_memory_index()
    if connection.vendor != "postgresql":
        assert "Search index not built in advance" in caplog.text
