"""PostgreSQL search compiles its SQL once per number of words and reuses it faithfully."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models.expressions import RawSQL

from search.backends import MAX_COMPILED_TERMS, CompiledSearch, PostgresResults, _hit
from search.query import Query
from search.sources import CONFIG

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's compiled SQL"),
]


@pytest.fixture
def cold(monkeypatch):
    """No SQL compiled by earlier tests."""
    monkeypatch.setattr(PostgresResults, "compiled", {})


def found(text):
    """(count, first 30 results) through the compiled SQL."""
    results = PostgresResults(Query.parse(text))
    return results.count(), [(hit.kind, hit.pk, hit.score) for hit in results[0:30]]


def found_by_the_orm(text):
    """(count, first 30 results) from the querysets, compiled afresh by Django."""
    results = PostgresResults(Query.parse(text))
    hits = [_hit(row, row["r_score"]) for row in results.queryset()[0:30]]
    return results.matching().count(), [(hit.kind, hit.pk, hit.score) for hit in hits]


def test_searches_with_as_many_words_reuse_the_compiled_sql(seeded, cold):
    found("popliteal cyst")
    compiled = dict(PostgresResults.compiled)
    assert sorted(form for form, _, _ in compiled) == ["count", "page"]

    count, hits = found("menicus tear")

    assert PostgresResults.compiled == compiled
    assert all(PostgresResults.compiled[key] is compiled[key] for key in compiled)
    assert count > 0
    assert hits[0][2] > 1  # Meniscus Tear's name is similar, so this is not the first query's
    assert (count, hits) == found_by_the_orm("menicus tear")


@pytest.mark.parametrize(
    "text",
    ["knee", "swelling behind knee", "bakers cist", "knee & | ! :* <-> () \\ % _ [ ]", "x-ray"],
)
def test_compiled_sql_finds_what_a_fresh_compile_finds(seeded, text):
    found(text)  # compiled, or reused from an earlier test
    assert found(text) == found_by_the_orm(text)


def test_queries_with_many_words_are_answered_but_not_kept(seeded, cold):
    words = "knee pain swelling cyst tear tendon ligament cartilage running walking stairs"
    assert len(Query.parse(words).terms) > MAX_COMPILED_TERMS

    assert found(words) == found_by_the_orm(words)
    assert PostgresResults.compiled == {}


def test_an_empty_slice_is_empty_without_asking_the_database(seeded, django_assert_num_queries):
    results = PostgresResults(Query.parse("knee"))
    results.count()
    with django_assert_num_queries(0):
        assert results[5:5] == []
        assert results[5:3] == []


def test_compiling_refuses_sql_that_writes_a_word_into_its_text(monkeypatch):
    # Reused, such SQL would search every query for the placeholder instead of its words.
    def inlined(self):
        return SearchQuery(RawSQL(f"'{self.query.terms[0]}'", ()), config=CONFIG)

    monkeypatch.setattr(PostgresResults, "tsquery", inlined)
    with pytest.raises(ValueError, match="placeholder is written into the SQL text"):
        CompiledSearch.compile("count", 1, "default")
