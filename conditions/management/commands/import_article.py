"""Import an article: plain text in the seed's shape, Markdown or HTML (judged by content).

The rules are the admin's import's (docs/design.md, Importing): into a site that has content,
new items arrive in review and text for an existing item becomes its working draft; only the
first import into an empty site publishes, as `seed_site` does. Idempotent: a second run of the
same file reports everything unchanged. All or nothing: a bad file changes nothing and the error
names its line or element. `--dry-run` prints what the admin's preview shows.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conditions.article import ArticleError
from conditions.services.importing import article_import
from conditions.vocabulary import VOCABULARY, VocabularyError


class Command(BaseCommand):
    help = (
        "Import an article file (title, intro, condition sections, FAQ, keyword line) in plain "
        "text, Markdown or HTML."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The article: UTF-8 text, Markdown or HTML.")
        parser.add_argument(
            "--vocabulary",
            type=Path,
            default=VOCABULARY,
            help="TOML file of symptoms, treatments and condition details (default: shipped).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be created and changed, item by item, then roll back.",
        )

    def handle(self, *args, file, vocabulary, dry_run, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            report = article_import(
                data, vocabulary_path=vocabulary, dry_run=dry_run, publish_into_empty_site=True
            )
        except ArticleError as error:
            raise CommandError(f"{file}: {error}; nothing was imported") from None
        except VocabularyError as error:
            raise CommandError(f"{error}; nothing was imported") from None
        verbosity = options["verbosity"]
        if dry_run or verbosity >= 2:
            for line in report.preview_lines():
                self.stdout.write(line)
        elif verbosity >= 1:
            for warning in report.warnings:
                self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        if verbosity >= 1:
            for line in report.lines():
                self.stdout.write(f"  {line}")
        verdict = "would change" if dry_run else "changed"
        if not report.changed:
            verdict = "nothing to change"
        self.stdout.write(self.style.SUCCESS(f"Imported {file.name}: {verdict}."))
