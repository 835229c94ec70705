"""The Front desk group: sees appointment requests, moves their status on, deletes them.

No other group gets these permissions: clinicians, content staff and clinic managers never see
a patient's request.
"""

from django.db import migrations

from kneeinfo.roles import group_delete, group_permissions_set

PERMISSIONS = [
    "view_appointmentrequest",
    "change_appointmentrequest",
    "delete_appointmentrequest",
    "view_requestaccess",
]


def create_group(apps, schema_editor):
    group_permissions_set(apps, "appointments", "Front desk", PERMISSIONS)


def remove_group(apps, schema_editor):
    group_delete(apps, "Front desk")


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
