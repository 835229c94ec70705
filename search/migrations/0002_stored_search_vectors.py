"""PostgreSQL: store each table's weighted tsvector in a generated column and index that column.

0001 indexed the vector as an expression, so every search recomputed to_tsvector over the full
text of each matching row to rank it: seconds a search at 10,000 conditions. Here each content
table gets `search_vector tsvector GENERATED ALWAYS AS (...) STORED`, which PostgreSQL keeps up
to date on every insert and update, and the full-text GIN index (same name as before) moves from
the expression to the column. search/sources.py reads the column (StoredVector).

The column is SQL only, not a model field: Django's model state, dumpdata/loaddata
(export_content/import_content) and INSERTs never see it. On other databases this migration does
nothing.

A generated column pins the columns it reads. Before a later migration in conditions or faq
changes the type or length of a searched field (name, alternate_names, summary, description,
body, question, answer), drop `search_vector` in that migration and add it back afterwards
(PostgreSQL refuses the ALTER otherwise); dropping a searched field drops the column with it
(Django drops columns with CASCADE), which tests/search/test_indexes.py would report.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models.sql import Query

CONFIG = "english"
COLUMN = "search_vector"


def _vector(a_fields, b_field=None, c_field=None):
    """The weighted vector, exactly as 0001 indexed it and search/sources.py describes it."""
    vector = SearchVector(*a_fields, weight="A", config=CONFIG)
    if b_field:
        vector = vector + SearchVector(b_field, weight="B", config=CONFIG)
    if c_field:
        vector = vector + SearchVector(c_field, weight="C", config=CONFIG)
    return vector


# (app label, model, full-text index name, weighted vector)
VECTORS = [
    (
        "conditions",
        "condition",
        "search_condition_fts",
        _vector(["name", "alternate_names"], "summary", "body"),
    ),
    (
        "conditions",
        "symptom",
        "search_symptom_fts",
        _vector(["name", "alternate_names"], "description"),
    ),
    (
        "conditions",
        "treatment",
        "search_treatment_fts",
        _vector(["name", "alternate_names"], "description"),
    ),
    ("faq", "faq", "search_faq_fts", _vector(["question"], c_field="answer")),
]


def _expression_sql(model, vector, schema_editor):
    """The vector as SQL on unqualified column names, with its literals inlined.

    Inlined literals ('english'::regconfig, 'A') keep the expression IMMUTABLE, which a generated
    column requires. This is how Django compiles a GeneratedField's expression.
    """
    query = Query(model, alias_cols=False)
    connection = schema_editor.connection
    compiler = connection.ops.compiler("SQLCompiler")(query, connection=connection, using=None)
    sql, params = compiler.compile(vector.resolve_expression(query, allow_joins=False))
    return sql % tuple(schema_editor.quote_value(param) for param in params)


def store_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for app_label, model_name, index_name, vector in VECTORS:
        model = apps.get_model(app_label, model_name)
        table = quote(model._meta.db_table)
        expression = _expression_sql(model, vector, schema_editor)
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {quote(COLUMN)} tsvector "
            f"GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(f"DROP INDEX {quote(index_name)}")
        schema_editor.execute(
            f"CREATE INDEX {quote(index_name)} ON {table} USING gin ({quote(COLUMN)})"
        )


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for app_label, model_name, index_name, vector in VECTORS:
        model = apps.get_model(app_label, model_name)
        # Dropping the column drops its index; put 0001's expression index back.
        schema_editor.execute(
            f"ALTER TABLE {quote(model._meta.db_table)} DROP COLUMN {quote(COLUMN)}"
        )
        schema_editor.add_index(model, GinIndex(vector, name=index_name))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_indexes"),
        # After every migration that shapes the searched columns so far.
        ("conditions", "0005_roles"),
        ("faq", "0002_review_history"),
    ]

    operations = [
        migrations.RunPython(store_vectors, drop_vectors, elidable=False),
    ]
