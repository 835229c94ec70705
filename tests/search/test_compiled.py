"""PostgreSQL search: one prepared query per number of words, giving a page and the count.

The query scores exactly only the matches whose upper bound can reach the page: the page must be
the one a full ranking gives, which the in-memory index (checked against PostgreSQL in
test_seed.py) provides here.
"""

import pytest
from django.db import connection

from conditions.models import Condition, Status, Symptom
from search import backends
from search.backends import (
    USE_THE_INDEXES,
    MemoryIndex,
    PostgresResults,
    _columns,
    search_params,
    search_sql,
)
from search.query import Query
from search.sources import SOURCES
from tests.factories import ConditionFactory, SymptomFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search SQL"),
]


def full_ranking(text):
    """Every match for `text` as (kind, pk, score), best first, from the in-memory index."""
    parts = [
        source.model.objects.published().annotate(**_columns(source, order)).values()
        for order, source in enumerate(SOURCES)
    ]
    ranking = MemoryIndex([row for part in parts for row in part]).search(Query.parse(text))
    return [(hit.kind, hit.pk, hit.score) for hit in ranking]


def page(text, start, stop):
    """(count, results [start:stop]) from the SQL, fetching only that window."""
    results = PostgresResults(Query.parse(text), window=slice(start, stop))
    count = results.count()
    return count, [(hit.kind, hit.pk, hit.score) for hit in results[start:stop]]


@pytest.fixture
def misleading_bounds():
    """Wombat items whose upper bounds rank them otherwise than their scores.

    Thirty symptoms named "Wombat NN" score their bound (a name similarity of 1). A condition
    whose names say "Wombats" four times has the highest bound by far (its text rank), yet scores
    below them (the plural's similarity is 0.67); conditions that only mention wombats have
    bounds above every symptom's score too, and score little.
    """
    Symptom.objects.bulk_create(
        Symptom(name=f"Wombat {i:02}", slug=f"wombat-{i}", status=Status.PUBLISHED)
        for i in range(30)
    )
    ConditionFactory(name="Wombats", alternate_names="Wombats\nWombats\nWombats")
    Condition.objects.bulk_create(
        Condition(
            name=f"Burrow {i}",
            slug=f"burrow-{i}",
            summary="Wombat. " * (i + 1),
            status=Status.PUBLISHED,
        )
        for i in range(5)
    )


@pytest.mark.parametrize("slack", [0, 1, 20, 100_000], ids=lambda slack: f"slack-{slack}")
def test_a_page_is_the_full_rankings_whether_the_leading_matches_settle_it_or_not(
    misleading_bounds, monkeypatch, slack
):
    # Slack 0 and 1 leave the pool to the misleading bounds, so the cutoff is low and most
    # matches are scored; 20 lets the pool set a cutoff that leaves most out; 100,000 puts every
    # match in the pool.
    monkeypatch.setattr(backends, "POOL_SLACK", slack)
    expected = full_ranking("wombat")
    assert len(expected) == 36

    for start, stop in [(0, 20), (20, 40), (0, 1), (1, 2), (5, 6), (15, 25), (34, 36), (35, 50)]:
        assert page("wombat", start, stop) == (36, expected[start:stop]), (start, stop)


def test_a_match_left_out_of_the_pool_with_a_lower_rank_but_the_same_bound_keeps_its_place(
    monkeypatch,
):
    # The pool is taken by text rank. These two rank 0.76045 and 0.76053, both round to the
    # bound 2.7605 and score it (a name similarity of 1), so the lower-ranked one comes first by
    # name; a pool of one holds only the other, and must not settle the page.
    SymptomFactory(name="Quokka alpha", description="quokka " * 55)
    SymptomFactory(name="Quokka beta", description="quokka " * 56)
    monkeypatch.setattr(backends, "POOL_SLACK", 0)
    expected = full_ranking("quokka")
    assert expected[0][2] == expected[1][2] == 2.7605

    assert page("quokka", 0, 1) == (2, expected[:1])
    assert page("quokka", 0, 1)[1][0][1] == Symptom.objects.get(name="Quokka alpha").pk


def scored(text, start, stop):
    """How many matches are scored exactly for results [start:stop] (the candidates)."""
    query = Query.parse(text)
    sql = search_sql(len(query.terms)).rsplit("SELECT total.n", 1)[0]
    with connection.cursor() as cursor:
        cursor.execute(USE_THE_INDEXES)
        cursor.execute(sql + "SELECT COUNT(*) FROM candidates", search_params(query, start, stop))
        return cursor.fetchone()[0]


def test_matches_whose_ranks_differ_but_round_to_one_bound_are_ranked_by_name():
    # Sixty names that each say "quokka" score 2.7637, their bound, from slightly different
    # ranks. The leading matches by rank are not the first sixty by name, yet the pages are the
    # full ranking's.
    Symptom.objects.bulk_create(
        Symptom(
            name=f"Quokka {i:02}",
            slug=f"quokka-{i}",
            description="quokka " * (230 + i % 10),
            status=Status.PUBLISHED,
        )
        for i in range(60)
    )
    expected = full_ranking("quokka")
    assert {score for _, _, score in expected} == {2.7637}

    for start in (0, 20, 40):
        assert page("quokka", start, start + 20) == (60, expected[start : start + 20])


def test_matches_of_equal_rank_set_the_page_without_scoring_the_rest(misleading_bounds):
    # Ninety "Wombat NN" symptoms rank alike and score their bound: the pool's first ones make
    # the cutoff, and only the matches that could come before it are scored.
    Symptom.objects.bulk_create(
        Symptom(name=f"Wombat {i:02}", slug=f"wombat-more-{i}", status=Status.PUBLISHED)
        for i in range(30, 90)
    )
    expected = full_ranking("wombat")
    assert len(expected) == 96
    assert scored("wombat", 0, 20) < 30
    assert scored("wombat", 20, 40) < 50
    assert page("wombat", 20, 40) == (96, expected[20:40])


@pytest.mark.parametrize("text", ["wombat", "wombats burrow", "wombt", "burrow 3"])
def test_count_and_pages_agree_with_the_full_ranking(misleading_bounds, text):
    expected = full_ranking(text)

    for start in range(0, len(expected) + 20, 20):
        assert page(text, start, start + 20) == (len(expected), expected[start : start + 20])


def test_one_query_gives_the_count_and_the_window_another_page_one_more(
    misleading_bounds, django_assert_num_queries
):
    expected = full_ranking("wombat")
    results = PostgresResults(Query.parse("wombat"), window=slice(20, 40))

    # Each time the search query, after the planner's setting for its transaction.
    with django_assert_num_queries(2):
        assert results.count() == 36
        assert [hit.pk for hit in results[20:36]] == [pk for _, pk, _ in expected[20:36]]
        assert results[25].pk == expected[25][1]
    with django_assert_num_queries(2):
        assert [hit.pk for hit in results[0:20]] == [pk for _, pk, _ in expected[0:20]]
    with django_assert_num_queries(0):
        assert results[5:5] == []


def test_a_page_past_the_end_still_gives_the_count(misleading_bounds):
    assert page("wombat", 1000, 1020) == (36, [])


def test_the_sql_depends_only_on_the_number_of_words():
    # So psycopg prepares it once per connection for every query of as many words.
    two = Query.parse("knee pain")
    assert search_sql(2) is search_sql(len(Query.parse("bakers cist").terms))
    assert search_sql(2) != search_sql(3)
    assert search_params(two, 20, 40) == {
        "term0": "knee",
        "term1": "pain",
        "name": "knee pain",
        "start": 20,
        "stop": 40,
        "pool": 40 + backends.POOL_SLACK,
    }
    # psycopg parses statements up to 4,096 characters once, longer ones on every run.
    assert len(search_sql(8)) < 4096


@pytest.mark.parametrize(
    "text", ["knee & | ! :* <-> () \\ % _ [ ]", "x-ray", "' OR 1=1; --", "%s %(x)s {0}"]
)
def test_odd_words_are_only_parameters(seeded, text):
    query = Query.parse(text)
    sql = search_sql(len(query.terms))

    count, hits = page(text, 0, 30)

    assert (count, hits) == (len(full_ranking(text)), full_ranking(text)[:30])
    assert all(term not in sql for term in query.terms if len(term) > 2)
