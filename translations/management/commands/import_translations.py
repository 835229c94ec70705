"""Load a file of translations (the shipped Spanish seed by default) into the site.

Idempotent: each translation is created once, for an English item that exists and has none in
that language yet; a translation already there is never changed. All or nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from translations.models import LANGUAGE_NAMES
from translations.seed import SEED_TRANSLATIONS, TranslationFileError, translations_load


class Command(BaseCommand):
    help = (
        "Create the translations a TOML file gives (default: the shipped Spanish seed) that the "
        "site does not have yet, published but not yet reviewed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=SEED_TRANSLATIONS)
        parser.add_argument(
            "--language", default="es", choices=sorted(LANGUAGE_NAMES), help="Default: es."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, then roll back."
        )

    def handle(self, *args, file, language, dry_run, **options):
        try:
            outcomes = translations_load(file, language, dry_run=dry_run)
        except TranslationFileError as error:
            raise CommandError(f"{error}; nothing was imported") from None
        if options["verbosity"] >= 1:
            for outcome in ("created", "present", "no English item"):
                self.stdout.write(f"  {outcome}: {outcomes[outcome]}")
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {outcomes['created']} {LANGUAGE_NAMES[language]} translation(s) from "
                f"{file.name}; {outcomes['present']} already there were left as they are."
            )
        )
