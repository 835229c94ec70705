"""Import an article in the seed's plain-text shape: conditions, symptoms, treatments, FAQs, tags.

Idempotent: a second run of the same file reports everything unchanged. All or nothing: a
malformed file changes nothing and the error names its line.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conditions.article import ArticleError
from conditions.services.importing import article_import
from conditions.vocabulary import VOCABULARY, VocabularyError


class Command(BaseCommand):
    help = "Import an article file (title, intro, condition sections, FAQ, keyword line)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The article, a UTF-8 text file.")
        parser.add_argument(
            "--vocabulary",
            type=Path,
            default=VOCABULARY,
            help="TOML file of symptoms, treatments and condition details (default: shipped).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, then roll back."
        )

    def handle(self, *args, file, vocabulary, dry_run, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            report = article_import(data, vocabulary_path=vocabulary, dry_run=dry_run)
        except ArticleError as error:
            raise CommandError(f"{file}: {error}; nothing was imported") from None
        except VocabularyError as error:
            raise CommandError(f"{error}; nothing was imported") from None
        if options["verbosity"] >= 1:
            for line in report.lines():
                self.stdout.write(f"  {line}")
        verdict = "would change" if dry_run else "changed"
        if not report.changed:
            verdict = "nothing to change"
        self.stdout.write(self.style.SUCCESS(f"Imported {file.name}: {verdict}."))
