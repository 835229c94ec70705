"""Check every link to another site in the content's Markdown, and record what each answered.

Each link is asked for with HEAD (a GET where HEAD is refused), a few at a time, each host at most
once a second (links/checker.py). The record (links.ExternalLink) keeps each link's last status
or error, when it was checked, and which items hold it; links no item holds any more are
dropped. Broken links show in the admin: beside the field that holds them, in the list of links,
and in the admin index's review box. Run it daily from cron (README, "Links to other sites").
"""

from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from links.checker import LinkChecker
from links.services import URL_MAX_LENGTH, links_find, links_record, user_agent


class Command(BaseCommand):
    help = "Check the links content makes to other sites and record what each one answered."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            action="append",
            default=[],
            help="Check only the links to this host (repeat for more); the others keep their "
            "last result.",
        )
        parser.add_argument(
            "--timeout", type=float, default=10, help="Seconds to wait for an answer (10)."
        )
        parser.add_argument(
            "--workers", type=int, default=4, help="How many links to ask for at once (4)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the links and where they are; ask no site and record nothing.",
        )

    def handle(self, *args, host, timeout, workers, dry_run, **options):
        if not 0 < timeout <= 120:
            raise CommandError("--timeout must be more than 0 and at most 120 seconds.")
        if not 1 <= workers <= 16:
            raise CommandError("--workers must be from 1 to 16.")
        verbosity = options["verbosity"]
        found = links_find()
        for url in [url for url in found if len(url) > URL_MAX_LENGTH]:
            places = found.pop(url)
            self.stderr.write(
                f"Not checked: an address longer than {URL_MAX_LENGTH} characters "
                f"({url[:60]}…) in {self._where(places)}."
            )
        hosts = {name.lower() for name in host}
        to_check = [url for url in found if not hosts or urlsplit(url).hostname in hosts]
        if dry_run:
            for url in to_check:
                self.stdout.write(f"{url} (in {self._where(found[url])})")
            self.stdout.write(
                self.style.SUCCESS(f"Would check {len(to_check)} of {len(found)} link(s).")
            )
            return
        results = LinkChecker(user_agent(), timeout=timeout, workers=workers).check_all(to_check)
        dropped = links_record(found, results, timezone.now())
        broken = 0
        hosts_checked = {urlsplit(url).hostname for url in results}
        for url, result in results.items():
            moved = f", now at {result.redirected_to}" if result.redirected_to else ""
            line = f"{result}: {url}{moved} (in {self._where(found[url])})"
            broken += result.is_broken
            if verbosity > 1 or (verbosity and result.is_broken):
                self.stdout.write(self.style.WARNING(line) if result.is_broken else line)
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Checked {len(results)} link(s) on {len(hosts_checked)} "
                    f"host(s): {len(results) - broken} working, {broken} broken. "
                    f"Dropped {dropped} link(s) no page holds any more."
                )
            )

    def _where(self, places):
        labels = list(dict.fromkeys(place.label for place in places))
        more = f" and {len(labels) - 3} more" if len(labels) > 3 else ""
        return ", ".join(labels[:3]) + more
