"""Clinicians and content staff may read patients' answers; nobody in a group may change or
delete them (a superuser may delete one that still holds a personal detail).

Clinicians act on them (the wording is theirs); content staff curate navigation and cross-links,
which comments such as "I could not find..." concern. Clinic managers and the front desk work
on neither.
"""

from django.db import migrations

from kneeinfo.roles import group_permissions_add, group_permissions_remove

GROUPS = ["Clinician", "Content staff"]
PERMISSIONS = ["view_feedback"]


def grant(apps, schema_editor):
    for name in GROUPS:
        group_permissions_add(apps, "feedback", name, PERMISSIONS)


def revoke(apps, schema_editor):
    for name in GROUPS:
        group_permissions_remove(apps, "feedback", name, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("conditions", "0005_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
