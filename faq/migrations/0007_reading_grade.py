"""Each question's reading grade, measured now for the answers already there."""

from django.db import migrations, models


def grades_measure(apps, schema_editor):
    # The app's measure, as saves use it from now on; update() so no history row is written.
    from conditions.readability import measure
    from conditions.text import render_markdown

    FAQ = apps.get_model("faq", "FAQ")
    for faq in FAQ.objects.only("pk", "answer"):
        FAQ.objects.filter(pk=faq.pk).update(reading_grade=measure(render_markdown(faq.answer)).grade)


class Migration(migrations.Migration):

    dependencies = [
        ('faq', '0006_published_faq_has_question'),
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
