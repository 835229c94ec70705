"""PostgreSQL: store each table's weighted tsvector in a generated column and index that column.

0001 indexed the vector as an expression, so every search recomputed to_tsvector over the full
text of each matching row to rank it, most of a search's work at scale. Here each content
table gets `search_vector tsvector GENERATED ALWAYS AS (...) STORED`, which PostgreSQL keeps up
to date on every insert and update, and the full-text GIN index (same name as before) moves from
the expression to the column. search/sources.py names the column (VECTOR_COLUMN).

The column is SQL only, not a model field: Django's model state, dumpdata/loaddata
(export_content/import_content) and INSERTs never see it. On other databases this migration does
nothing.

A generated column pins the columns it reads. Before a later migration in conditions or faq
changes the type or length of a searched field (name, alternate_names, summary, description,
body, question, answer), drop `search_vector` in that migration and add it back afterwards
(PostgreSQL refuses the ALTER otherwise); dropping a searched field drops the column with it
(Django drops columns with CASCADE), which tests/search/test_indexes.py would report.
"""

from django.db import migrations

COLUMN = "search_vector"


def _weighted(weight, *columns):
    """SearchVector(*columns, weight=weight, config="english") in SQL, as 0001 indexed it.

    Its literals are inlined ('english'::regconfig, 'A'): a generated column's expression must be
    IMMUTABLE, so it cannot take parameters.
    """
    text = " || ' ' || ".join(f"COALESCE({column}, '')" for column in columns)
    return f"setweight(to_tsvector('english'::regconfig, {text}), '{weight}')"


# (table, full-text index name, weighted vector)
VECTORS = [
    (
        "conditions_condition",
        "search_condition_fts",
        " || ".join(
            [
                _weighted("A", "name", "alternate_names"),
                _weighted("B", "summary"),
                _weighted("C", "body"),
            ]
        ),
    ),
    (
        "conditions_symptom",
        "search_symptom_fts",
        _weighted("A", "name", "alternate_names") + " || " + _weighted("B", "description"),
    ),
    (
        "conditions_treatment",
        "search_treatment_fts",
        _weighted("A", "name", "alternate_names") + " || " + _weighted("B", "description"),
    ),
    ("faq_faq", "search_faq_fts", _weighted("A", "question") + " || " + _weighted("C", "answer")),
]


def store_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, index, vector in VECTORS:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS ({vector}) STORED"
        )
        schema_editor.execute(f"DROP INDEX {index}")
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin ({COLUMN})")


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, index, vector in VECTORS:
        # Dropping the column drops its index; put 0001's expression index back.
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {COLUMN}")
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (({vector}))")


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
