"""PostgreSQL indexes for search; on any other database this migration does nothing.

For each content table: a GIN index on the weighted tsvector that search/sources.py builds (the
expression must stay identical for PostgreSQL to use it; tests/search checks that it does), and
trigram GIN indexes on the name and alternate names for the %>> typo match. The tables belong to
the conditions and faq apps; the indexes live here so that search is one app to read or remove.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import F

CONFIG = "english"


def _vector(a_fields, b_field=None, c_field=None):
    vector = SearchVector(*a_fields, weight="A", config=CONFIG)
    if b_field:
        vector = vector + SearchVector(b_field, weight="B", config=CONFIG)
    if c_field:
        vector = vector + SearchVector(c_field, weight="C", config=CONFIG)
    return vector


def _trigram(field, name):
    return GinIndex(OpClass(F(field), name="gin_trgm_ops"), name=name)


# (app label, model, indexes)
INDEXES = [
    (
        "conditions",
        "condition",
        [
            GinIndex(
                _vector(["name", "alternate_names"], "summary", "body"),
                name="search_condition_fts",
            ),
            _trigram("name", "search_condition_name_trgm"),
            _trigram("alternate_names", "search_condition_alias_trgm"),
        ],
    ),
    (
        "conditions",
        "symptom",
        [
            GinIndex(_vector(["name", "alternate_names"], "description"), name="search_symptom_fts"),
            _trigram("name", "search_symptom_name_trgm"),
            _trigram("alternate_names", "search_symptom_alias_trgm"),
        ],
    ),
    (
        "conditions",
        "treatment",
        [
            GinIndex(
                _vector(["name", "alternate_names"], "description"), name="search_treatment_fts"
            ),
            _trigram("name", "search_treatment_name_trgm"),
            _trigram("alternate_names", "search_treatment_alias_trgm"),
        ],
    ),
    (
        "faq",
        "faq",
        [
            GinIndex(_vector(["question"], c_field="answer"), name="search_faq_fts"),
            _trigram("question", "search_faq_question_trgm"),
        ],
    ),
]


def _each_index(apps, schema_editor, operation):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, indexes in INDEXES:
        model = apps.get_model(app_label, model_name)
        for index in indexes:
            operation(model, index)


def create_indexes(apps, schema_editor):
    _each_index(apps, schema_editor, schema_editor.add_index)


def drop_indexes(apps, schema_editor):
    _each_index(apps, schema_editor, schema_editor.remove_index)


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0001_initial"),
        ("faq", "0001_initial"),
    ]

    operations = [
        # CreateExtension is itself a no-op on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
