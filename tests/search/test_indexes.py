"""Search's migrations: PostgreSQL stored vectors and indexes that the search query really uses;
nothing elsewhere."""

import operator
from functools import reduce

import pytest
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from conditions.models import Status
from search.backends import RESULTS_PER_PAGE, USE_THE_INDEXES, search_params, search_sql
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


@pytest.mark.parametrize("table", INDEXES)
def test_search_indexes_exist_on_postgresql_only(table):
    names = {name for name in index_names(table) if name.startswith("search_")}
    assert names == (INDEXES[table] if connection.vendor == "postgresql" else set())


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
        column = RawSQL(connection.ops.quote_name(VECTOR_COLUMN), (), SearchVectorField())
        stored = queryset.annotate(stored=column).values_list("stored", flat=True).get()
        built = queryset.annotate(built=expected).values_list("built", flat=True).get()
        assert stored == built
        return stored

    before = agree()
    setattr(item, source.title, "Zanzibar knee")
    item.save()
    assert agree() != before
    assert "'zanzibar':1A" in agree()


@on_postgresql
def test_search_is_answered_from_the_indexes():
    # Each way to match (the stored vector, each name's trigrams) must use its GIN index, the
    # three of a table together, so that a word match spares the trigram tests: a whole-table
    # scan would compute every name's trigram similarity, or worse. A thousand items of each
    # type, analysed, so that the planner weighs the indexes as for a real catalogue.
    for source in SOURCES:
        text = {source.body or source.summary: "Some text about a knee. " * 20}
        source.model.objects.bulk_create(
            source.model(
                slug=f"item-{i}", status=Status.PUBLISHED, **{source.title: f"Item {i}"}, **text
            )
            for i in range(1000)
        )
    query = Query.parse("menicus tear")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(USE_THE_INDEXES)
        cursor.execute(
            "EXPLAIN " + search_sql(len(query.terms)), search_params(query, 0, RESULTS_PER_PAGE)
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for name in set().union(*INDEXES.values()):
        assert plan.count(f"Bitmap Index Scan on {name}") == 1, plan
    assert plan.count("BitmapOr") == len(SOURCES), plan
    assert "Seq Scan" not in plan and "to_tsvector" not in plan, plan
