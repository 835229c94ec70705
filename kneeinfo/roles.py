"""Groups made by migrations: each role is a group holding exactly its app's permissions."""

from django.contrib.auth.management import create_permissions


def _app_permissions(apps, app_label, codenames, name):
    """These permissions of `app_label`, made now if need be; raise if one does not exist."""
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
    permissions = _app_permissions(apps, app_label, codenames, name)
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=name)
    group.permissions.set(permissions)


def group_permissions_add(apps, app_label, names, codenames):
    """Give the existing groups among `names` these permissions of `app_label` too.

    For a new app's permissions to an existing role; a group an administrator deleted stays
    deleted.
    """
    permissions = _app_permissions(apps, app_label, codenames, ", ".join(names))
    for group in apps.get_model("auth", "Group").objects.filter(name__in=names):
        group.permissions.add(*permissions)


def group_permissions_remove(apps, app_label, names, codenames):
    """Take these permissions of `app_label` from the groups among `names`."""
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=codenames
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=names):
        group.permissions.remove(*permissions)


def group_delete(apps, name):
    apps.get_model("auth", "Group").objects.filter(name=name).delete()
