"""The four areas of the knee that the symptom navigator's diagram is drawn with."""

from django.db import migrations

AREAS = [
    ("back", "Back of the knee", 1),
    ("front", "Front of the knee", 2),
    ("inner", "Inner side of the knee", 3),
    ("outer", "Outer side of the knee", 4),
]


def create_areas(apps, schema_editor):
    KneeArea = apps.get_model("conditions", "KneeArea")
    for slug, name, order in AREAS:
        KneeArea.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})


def remove_areas(apps, schema_editor):
    apps.get_model("conditions", "KneeArea").objects.filter(
        slug__in=[slug for slug, _, _ in AREAS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("conditions", "0001_initial")]

    operations = [migrations.RunPython(create_areas, remove_areas)]
