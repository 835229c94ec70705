"""Write every piece of content to one JSON file that `import_content` restores.

The file holds every row of the conditions and faq apps (conditions, symptoms, treatments, FAQs,
knee areas, tags and their links, tag redirects, clinician profiles, the jargon list, and every
historical record), with relations by primary key and content types and users by natural key,
so it loads into an empty database of either kind (SQLite or PostgreSQL). Users named by the
content (reviewers, history authors) are listed by name only: no passwords, no permissions.
"""

import datetime
import json
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

FORMAT = "kneeinfo-content"
# 2: Symptom.in_navigator is named in_symptom_checker (import_content reads version 1 too).
VERSION = 2
BACKUP_APPS = ("conditions", "faq", "taggit")
USER_FIELDS = ("username", "first_name", "last_name", "email", "is_staff", "is_active")


class BackupEncoder(serializers.json.DjangoJSONEncoder):
    """Django's JSON encoder, but times keep their microseconds.

    Django's cuts them to milliseconds: a history record saved at .000456 s would come back at
    .000 and sort, compare and export differently after a restore.
    """

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat().replace("+00:00", "Z")
        return super().default(o)


def is_history(model):
    return getattr(model, "instance_type", None) is not None


def backup_models():
    """Every model saved in a backup: content first, historical records last.

    History goes last because saving content links refreshes the newest historical record's
    snapshot of them (conditions.signals); with no records loaded yet, nothing is touched.
    """
    models = [m for label in BACKUP_APPS for m in apps.get_app_config(label).get_models()]
    return [m for m in models if not is_history(m)] + [m for m in models if is_history(m)]


def referenced_users(models):
    """Users any backed-up row points at. One query per user foreign key."""
    user_model = get_user_model()
    pks = set()
    for model in models:
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                pks.update(
                    model._default_manager.exclude(**{f"{field.attname}__isnull": True})
                    .values_list(field.attname, flat=True)
                    .distinct()
                )
    return user_model._default_manager.filter(pk__in=pks).order_by("pk")


def with_natural_keys(model, rows):
    """Name content types and users by natural key: their ids differ between databases.

    Everything else keeps its primary key, which the import keeps too.
    """
    user_model = get_user_model()
    named = {
        field.name: field.related_model
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in (ContentType, user_model)
    }
    if not named:
        return rows
    cache = {}
    for row in rows:
        for name, related in named.items():
            pk = row["fields"][name]
            if pk is not None:
                if (related, pk) not in cache:
                    cache[related, pk] = list(related._default_manager.get(pk=pk).natural_key())
                row["fields"][name] = cache[related, pk]
    return rows


def content_export():
    """Return the whole backup as a dict; reads a consistent snapshot of the database."""
    models = backup_models()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # Every table as of one moment, even while editors keep saving.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        users = [
            {name: getattr(user, name) for name in USER_FIELDS} for user in referenced_users(models)
        ]
        objects = []
        for model in models:
            rows = serializers.serialize("python", model._default_manager.order_by("pk"))
            objects.extend(with_natural_keys(model, rows))
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "users": users,
        "objects": objects,
    }


class Command(BaseCommand):
    help = "Export all content, tags, links, review data and history to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Where to write the backup ('-' for stdout).")

    def handle(self, *args, file, **options):
        backup = content_export()
        text = json.dumps(backup, cls=BackupEncoder, indent=1)
        if str(file) == "-":
            self.stdout.write(text)
            return
        try:
            file.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {file}: {error.strerror}") from None
        counts = {}
        for item in backup["objects"]:
            counts[item["model"]] = counts.get(item["model"], 0) + 1
        if options["verbosity"] >= 2:
            for label, count in sorted(counts.items()):
                self.stdout.write(f"  {label}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {len(backup['objects'])} rows of {len(counts)} kinds "
                f"and {len(backup['users'])} user names to {file}."
            )
        )
