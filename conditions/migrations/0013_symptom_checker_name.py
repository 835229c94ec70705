"""One name for the symptom checker: Symptom.in_navigator becomes in_symptom_checker.

The columns are renamed, so every symptom keeps its setting (and its history). The index of the
offered symptoms is rebuilt as a partial index: the ORM tests the flag as a bare boolean, which
an index on the flag's column cannot serve.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0012_us_urgency_labels"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="symptom", name="symptom_navigator_name"),
        migrations.RenameField(
            model_name="historicalsymptom", old_name="in_navigator", new_name="in_symptom_checker"
        ),
        migrations.RenameField(
            model_name="symptom", old_name="in_navigator", new_name="in_symptom_checker"
        ),
        migrations.AddIndex(
            model_name="symptom",
            index=models.Index(
                fields=["status", "name"],
                condition=models.Q(in_symptom_checker=True),
                name="symptom_checker_name",
            ),
        ),
        # Statistics for the rebuilt index, as 0011 gathers them: SQLite never does by itself.
        migrations.RunSQL("ANALYZE conditions_symptom", reverse_sql=migrations.RunSQL.noop),
    ]
