"""Groups made by migrations: each role is a group holding exactly its app's permissions."""

from django.contrib.auth.management import create_permissions


def _group_and_permissions(apps, app_label, name, codenames):
    # Permissions are normally made after all migrations; the group needs them now.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=name)
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"permissions not found for {name}: {sorted(missing)}")
    return group, permissions


def group_permissions_set(apps, app_label, name, codenames):
    """Create the group `name` (if new) and give it exactly these permissions of `app_label`."""
    group, permissions = _group_and_permissions(apps, app_label, name, codenames)
    group.permissions.set(permissions)


def group_permissions_add(apps, app_label, name, codenames):
    """Give the group `name` (made if new) these permissions of `app_label` too, for a model
    added after the group was made."""
    group, permissions = _group_and_permissions(apps, app_label, name, codenames)
    group.permissions.add(*permissions)


def group_permissions_remove(apps, app_label, name, codenames):
    """Take these permissions of `app_label` from the group `name`, if it exists."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=name):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def group_delete(apps, name):
    apps.get_model("auth", "Group").objects.filter(name=name).delete()
