"""Restore a backup written by `export_content` into an empty database, all or nothing.

"Empty" means no content yet: reference rows that migrations create (the knee areas) are replaced
by the backup's. Users the content names are matched by username, or created without a usable
password. Primary keys are kept, so links, tags and history come back exactly as they were.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction

from conditions.management.commands.export_content import (
    FORMAT,
    VERSION,
    backup_models,
    is_history,
)
from conditions.management.commands.generate_content import analyze
from conditions.models import Tag, TaggedItem, content_models
from kneeinfo.cache import content_changed


class BackupError(Exception):
    pass


def read_backup(file):
    try:
        backup = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise BackupError(f"cannot read {file}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{file} is not a JSON backup: {error}") from None
    if not isinstance(backup, dict) or backup.get("format") != FORMAT:
        raise BackupError(f"{file} is not a kneeinfo content backup (see export_content)")
    if backup.get("version") == 1:
        rename_checker_flag(backup)
    elif backup.get("version") != VERSION:
        raise BackupError(
            f"{file} is backup version {backup.get('version')}; this site reads version {VERSION}"
        )
    return backup


def rename_checker_flag(backup):
    """Bring a version 1 backup to version 2: a symptom's in_navigator is in_symptom_checker."""
    for item in backup.get("objects", []):
        if item.get("model") in ("conditions.symptom", "conditions.historicalsymptom"):
            fields = item["fields"]
            if "in_navigator" in fields:
                fields["in_symptom_checker"] = fields.pop("in_navigator")


def content_import(backup):
    """Load a backup into an empty database in one transaction; return rows loaded per model."""
    models = backup_models()
    # Content, tags and history must not be there yet; other rows (reference data that
    # migrations create, such as the knee areas) are replaced by the backup's.
    guarded = [*content_models(), Tag, TaggedItem, *filter(is_history, models)]
    not_empty = [
        str(model._meta.verbose_name_plural) for model in guarded if model._default_manager.exists()
    ]
    if not_empty:
        raise BackupError(
            f"the database already has {', '.join(not_empty)}: "
            "import into an empty database (migrate a new one first)"
        )
    counts = {}
    with transaction.atomic():
        for model in reversed(models):
            model._default_manager.all().delete()  # reference rows made by migrations
        user_model = get_user_model()
        for fields in backup["users"]:
            user, created = user_model._default_manager.get_or_create(
                username=fields["username"],
                defaults={k: v for k, v in fields.items() if k != "username"},
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
        try:
            for item in serializers.deserialize(
                "python", backup["objects"], handle_forward_references=True
            ):
                item.save()
                label = item.object._meta.label
                counts[label] = counts.get(label, 0) + 1
            # Links were written with their constraints deferred: check them before committing.
            connection.check_constraints()
        except (serializers.base.DeserializationError, IntegrityError, DatabaseError) as error:
            raise BackupError(f"the backup does not fit this database: {error}") from None
        # Rows came with their ids: move PostgreSQL's id sequences past them.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    content_changed()
    return counts


class Command(BaseCommand):
    help = "Restore a backup made by export_content into an empty database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file to restore.")

    def handle(self, *args, file, **options):
        try:
            counts = content_import(read_backup(file))
        except BackupError as error:
            raise CommandError(f"{error}; nothing was imported") from None
        # A restored database is all new rows: without statistics the planner would take its
        # tables for empty (SQLite until someone runs ANALYZE, PostgreSQL until autovacuum).
        analyze()
        if options["verbosity"] >= 2:
            for label, count in sorted(counts.items()):
                self.stdout.write(f"  {label}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {sum(counts.values())} rows of {len(counts)} kinds from {file}."
            )
        )
