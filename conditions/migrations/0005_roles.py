"""The two editorial roles, as groups every fresh install has (docs/design.md, Roles).

Clinician: all content, publish and sign off. Content staff: tags, links and alternate names; they
can open content but the admin keeps its clinical text read-only for them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = ["condition", "symptom", "treatment", "faq"]
CRUD = ["add", "change", "delete", "view"]

ROLES = {
    "Clinician": (
        [f"{action}_{model}" for model in CONTENT for action in [*CRUD, "publish", "signoff"]]
        + [f"{action}_{model}" for model in ("tag", "tagredirect", "redflagrule") for action in CRUD]
        + ["view_kneearea", "change_kneearea", "view_clinicianprofile"]
    ),
    "Content staff": (
        [f"{action}_{model}" for model in CONTENT for action in ("change", "view")]
        + [f"{action}_{model}" for model in ("tag", "tagredirect") for action in CRUD]
        + ["view_kneearea", "view_redflagrule"]
    ),
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label__in=["conditions", "faq"], codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions not found for {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0004_navigator"),
        ("faq", "0002_review_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
