"""Compile the interface translations (`locale/<language>/LC_MESSAGES/django.po`) into the `.mo`
files Django reads, with polib: pure Python, so no gettext tools are needed to run the site.

`make run`, `make serve` and `make test` run it first, and so does the test suite; a `.mo` file
is rewritten only when its catalog changed (atomically: two test runs may compile at once).
Fuzzy and untranslated entries are left out, so Django shows their English; the tests fail on
any (tests/test_languages.py).
"""

import os
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogs():
    """Every django.po under LOCALE_PATHS."""
    return sorted(po for path in settings.LOCALE_PATHS for po in Path(path).glob("*/*/django.po"))


def write_if_changed(path, data):
    """Write `data` to `path` unless it holds it already; return whether it wrote."""
    if path.exists() and path.read_bytes() == data:
        return False
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
    return True


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/django.po into .mo files (no gettext tools needed)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say which files would change; write none."
        )

    def handle(self, *args, dry_run=False, **options):
        written = 0
        found = catalogs()
        for po_path in found:
            mo_path = po_path.with_suffix(".mo")
            catalog = polib.pofile(str(po_path))
            data = catalog.to_binary()
            if dry_run:
                changed = not mo_path.exists() or mo_path.read_bytes() != data
            else:
                changed = write_if_changed(mo_path, data)
            written += changed
            if options["verbosity"] >= 2 or (changed and options["verbosity"] >= 1):
                state = "unchanged" if not changed else "would compile" if dry_run else "compiled"
                missing = len(catalog.untranslated_entries()) + len(catalog.fuzzy_entries())
                note = f", {missing} not translated (shown in English)" if missing else ""
                self.stdout.write(
                    f"{po_path.relative_to(settings.BASE_DIR)}: {state} "
                    f"({catalog.percent_translated()}% translated{note})"
                )
        if options["verbosity"] >= 1:
            verb = "would change" if dry_run else "changed"
            self.stdout.write(
                self.style.SUCCESS(f"{len(found)} catalogs, {written} .mo files {verb}.")
            )
