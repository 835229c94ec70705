"""The Clinic manager group: changes the clinic profile and its locations, nothing else."""

from django.db import migrations

from kneeinfo.roles import group_delete, group_permissions_set

PERMISSIONS = [
    "view_clinicprofile",
    "change_clinicprofile",
    "view_location",
    "add_location",
    "change_location",
    "delete_location",
]


def create_group(apps, schema_editor):
    group_permissions_set(apps, "clinic", "Clinic manager", PERMISSIONS)


def remove_group(apps, schema_editor):
    group_delete(apps, "Clinic manager")


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
