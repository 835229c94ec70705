"""Groups made by migrations: each role is a group holding exactly its app's permissions."""

from django.contrib.auth.management import create_permissions


def _app_permissions(apps, app_label, name, codenames):
    """These permissions of `app_label`, made now if need be; `name` is the group, for errors."""
    # Permissions are normally made after all migrations; the group needs them now.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"permissions not found for {name}: {sorted(missing)}")
    return permissions


def group_permissions_set(apps, app_label, name, codenames):
    """Create the group `name` (if new) and give it exactly these permissions of `app_label`."""
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=name)
    group.permissions.set(_app_permissions(apps, app_label, name, codenames))


def group_permissions_add(apps, app_label, name, codenames):
    """Give the existing group `name` these permissions of `app_label` too."""
    group = apps.get_model("auth", "Group").objects.get(name=name)
    group.permissions.add(*_app_permissions(apps, app_label, name, codenames))


def group_permissions_remove(apps, app_label, name, codenames):
    group = apps.get_model("auth", "Group").objects.filter(name=name).first()
    if group is not None:
        group.permissions.remove(*_app_permissions(apps, app_label, name, codenames))


def group_delete(apps, name):
    apps.get_model("auth", "Group").objects.filter(name=name).delete()
