"""Search's migrations: PostgreSQL stored vectors and indexes that the search query really uses;
elsewhere only the `updated_at` indexes of the in-memory fallback's content check."""

import operator
from functools import reduce

import pytest
from django.contrib.postgres.search import SearchVector
from django.db import connection

from search.backends import PostgresResults
from search.query import Query
from search.sources import CONFIG, SOURCES, VECTOR_COLUMN
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory, TreatmentFactory

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


FACTORIES = {
    "condition": ConditionFactory,
    "symptom": SymptomFactory,
    "treatment": TreatmentFactory,
    "faq": FAQFactory,
}

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL stored vectors and query plans"
)


def index_names(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name for name, info in constraints.items() if info["index"]}


# Elsewhere, only an index on `updated_at` for the in-memory fallback's content check.
UPDATED_INDEXES = {
    "conditions_condition": {"search_condition_updated"},
    "conditions_symptom": {"search_symptom_updated"},
    "conditions_treatment": {"search_treatment_updated"},
    "faq_faq": {"search_faq_updated"},
}


@pytest.mark.parametrize("table", INDEXES)
def test_each_database_has_the_search_indexes_it_uses(table):
    names = {name for name in index_names(table) if name.startswith("search_")}
    assert names == (
        INDEXES[table] if connection.vendor == "postgresql" else UPDATED_INDEXES[table]
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda source: source.kind)
def test_stored_vector_column_exists_on_postgresql_only(source):
    table = source.model._meta.db_table
    with connection.cursor() as cursor:
        columns = {
            column.name for column in connection.introspection.get_table_description(cursor, table)
        }
    model_columns = {field.column for field in source.model._meta.concrete_fields}
    assert VECTOR_COLUMN not in model_columns
    if connection.vendor != "postgresql":
        assert VECTOR_COLUMN not in columns
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type, is_generated FROM information_schema.columns"
            " WHERE table_name = %s AND column_name = %s",
            [table, VECTOR_COLUMN],
        )
        assert cursor.fetchall() == [("tsvector", "ALWAYS")]
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            [f"search_{source.kind}_fts"],
        )
        [(definition,)] = cursor.fetchall()
    assert definition.endswith(f"USING gin ({VECTOR_COLUMN})")


@on_postgresql
@pytest.mark.parametrize("source", SOURCES, ids=lambda source: source.kind)
def test_stored_vector_is_the_weighted_vector_and_follows_every_save(source):
    # The migration writes the vector's SQL; the SQLite fallback reads the weights from
    # Source.weighted_fields(). This fails if the two drift apart.
    item = FACTORIES[source.kind]()
    expected = reduce(
        operator.add,
        (
            SearchVector(*fields, weight=weight, config=CONFIG)
            for weight, fields in source.weighted_fields()
        ),
    )

    def agree():
        queryset = source.model.objects.filter(pk=item.pk)
        stored = queryset.annotate(stored=source.vector()).values_list("stored", flat=True).get()
        built = queryset.annotate(built=expected).values_list("built", flat=True).get()
        assert stored == built
        return stored

    before = agree()
    setattr(item, source.title, "Zanzibar knee")
    item.save()
    assert agree() != before
    assert "'zanzibar':1A" in agree()


@on_postgresql
@pytest.mark.parametrize("source", SOURCES, ids=lambda source: source.kind)
def test_search_conditions_are_answered_from_the_indexes(source):
    # Each way to match (the stored vector, each name's trigrams) must use its GIN index: a
    # whole-table scan would compute every name's trigram similarity, or worse.
    items = source.model.objects.alias(document=source.vector())
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for condition in PostgresResults(Query.parse("menicus tear")).matches(source):
            sql, params = items.filter(condition).order_by().query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    names = sorted(INDEXES[source.model._meta.db_table])
    assert len(plans) == len(names)
    for name in names:
        assert sum(f"Bitmap Index Scan on {name}" in plan for plan in plans) == 1, plans
    assert not any("to_tsvector" in plan for plan in plans), plans
