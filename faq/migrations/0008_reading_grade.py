"""Each question's reading grade, measured now for the answers already there."""

from django.db import migrations, models


def grades_measure(apps, schema_editor):
    # The app's measure, as saves use it from now on.
    from conditions.readability import grades_store

    grades_store(apps.get_model("faq", "FAQ"), {"answer": True})


class Migration(migrations.Migration):

    dependencies = [
        ('faq', '0007_schedule'),
    ]

    operations = [
        migrations.AddField(
            model_name='faq',
            name='reading_grade',
            field=models.FloatField(blank=True, editable=False, help_text="The US school grade a reader needs for the page's text (Flesch–Kincaid), measured on each save.", null=True),
        ),
        migrations.AddField(
            model_name='historicalfaq',
            name='reading_grade',
            field=models.FloatField(blank=True, editable=False, help_text="The US school grade a reader needs for the page's text (Flesch–Kincaid), measured on each save.", null=True),
        ),
        migrations.RunPython(grades_measure, migrations.RunPython.noop),
    ]
