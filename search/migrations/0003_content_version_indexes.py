"""SQLite and other databases: index `updated_at` so the fallback's content check stays cheap.

Every search on a database other than PostgreSQL first reads each content table's latest
`updated_at` (search/backends.py, `content_version()`), to see whether its in-memory index is
stale. Without an index that is a scan of the whole table, full text included: about 7 ms a
search at 10,000 conditions; with one, a lookup. PostgreSQL searches its own indexes and never
runs that check, so there this migration does nothing.
"""

from django.db import migrations
from django.db.models import Index

# (app label, model, index name)
INDEXES = [
    ("conditions", "condition", "search_condition_updated"),
    ("conditions", "symptom", "search_symptom_updated"),
    ("conditions", "treatment", "search_treatment_updated"),
    ("faq", "faq", "search_faq_updated"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return
    for app_label, model_name, name in INDEXES:
        model = apps.get_model(app_label, model_name)
        schema_editor.add_index(model, Index(fields=["updated_at"], name=name))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        return
    for app_label, model_name, name in INDEXES:
        model = apps.get_model(app_label, model_name)
        schema_editor.remove_index(model, Index(fields=["updated_at"], name=name))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_stored_search_vectors"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
