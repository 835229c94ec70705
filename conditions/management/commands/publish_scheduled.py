"""Publish signed-off wording whose "go live at" time has come; take down pages whose "take down
at" time has come. Idempotent and safe on several servers at once (see run_schedule). Run it
from cron every few minutes (README, "Scheduled publishing")."""

from django.core.management.base import BaseCommand

from conditions.services.workflow import run_schedule


class Command(BaseCommand):
    help = "Publish and take down the content scheduled for now or earlier."

    def handle(self, *args, **options):
        published, taken_down, problems = run_schedule()
        for item in published:
            self.stdout.write(f"Published: {item}")
        for item in taken_down:
            self.stdout.write(f"Taken down: {item}")
        for problem in problems:
            self.stderr.write(problem)
        if not (published or taken_down or problems):
            self.stdout.write("Nothing is due.")
