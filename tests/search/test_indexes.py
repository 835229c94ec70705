"""Search's migration: PostgreSQL indexes that the search query really uses; nothing elsewhere."""

import pytest
from django.db import connection

from search.backends import PostgresResults
from search.query import Query
from search.sources import SOURCES

pytestmark = pytest.mark.django_db

INDEXES = {
    "conditions_condition": {
        "search_condition_fts",
        "search_condition_name_trgm",
        "search_condition_alias_trgm",
    },
    "conditions_symptom": {
        "search_symptom_fts",
        "search_symptom_name_trgm",
        "search_symptom_alias_trgm",
    },
    "conditions_treatment": {
        "search_treatment_fts",
        "search_treatment_name_trgm",
        "search_treatment_alias_trgm",
    },
    "faq_faq": {"search_faq_fts", "search_faq_question_trgm"},
}


def index_names(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name for name, info in constraints.items() if info["index"]}


@pytest.mark.parametrize("table", INDEXES)
def test_search_indexes_exist_on_postgresql_only(table):
    names = {name for name in index_names(table) if name.startswith("search_")}
    assert names == (INDEXES[table] if connection.vendor == "postgresql" else set())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans")
@pytest.mark.parametrize("source", SOURCES, ids=lambda source: source.kind)
def test_search_conditions_are_answered_from_the_indexes(source):
    # The full-text index is used only if the query's tsvector expression is exactly the
    # migration's; this fails if search/sources.py and the migration drift apart.
    results = PostgresResults(Query.parse("menicus tear"))
    queryset = source.model.objects.alias(document=source.vector()).filter(results.matches(source))
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for name in INDEXES[source.model._meta.db_table]:
        assert f"Bitmap Index Scan on {name}" in plan, plan
