"""Delete appointment requests older than APPOINTMENT_RETENTION_DAYS, with their access logs.

Run daily from cron (README, "Appointment requests"). A request arrives before it is closed, so
this takes every request closed, or received, more than that many days ago.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from appointments.models import AppointmentRequest


class Command(BaseCommand):
    help = (
        "Delete appointment requests received more than APPOINTMENT_RETENTION_DAYS days ago, "
        "whatever their status, and their access logs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run, verbosity, **options):
        days = settings.APPOINTMENT_RETENTION_DAYS
        expired = AppointmentRequest.objects.expired()
        if dry_run:
            count = expired.count()
        else:
            # One transaction: the requests and their access logs go together, or not at all.
            _, deleted = expired.delete()
            count = deleted.get(AppointmentRequest._meta.label, 0)
        if verbosity:
            verb = "Would delete" if dry_run else "Deleted"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{verb} {count} appointment request{'s' if count != 1 else ''} "
                    f"received more than {days} days ago."
                )
            )
