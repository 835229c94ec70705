"""Email each clinician a digest of the pages they must review soon.

Each clinician (an active member of the Clinician group with an email address) gets the pages
they signed off that are overdue or due within REVIEW_SOON_DAYS, and every page nobody has
signed off yet. An item is in at most one digest a day per clinician, so a second run the same
day sends nothing new. Run it daily from cron (README, "Review reminders").
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from conditions.models import REVIEW_SOON_DAYS, ReviewReminder, Status, content_models


class Command(BaseCommand):
    help = (
        "Email each clinician the pages they signed off that are due for review, and unsigned ones."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would get what; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        clinicians = (
            get_user_model()
            .objects.filter(groups__name="Clinician", is_active=True)
            .exclude(email="")
        )
        sent = 0
        for user in clinicians.distinct().order_by("pk"):
            due, unsigned = self.items_for(user, today)
            if not due and not unsigned:
                continue
            if dry_run:
                self.stdout.write(f"{user.email}: {len(due)} due, {len(unsigned)} not signed off")
                continue
            with transaction.atomic():
                self.send(user, due, unsigned, today)
                ReviewReminder.objects.bulk_create(
                    ReviewReminder(
                        user=user,
                        content_type=ContentType.objects.get_for_model(item),
                        object_id=item.pk,
                        sent_on=today,
                    )
                    for item in [*due, *unsigned]
                )
            sent += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"{user.email}: {len(due)} due, {len(unsigned)} not signed off")
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(self.style.SUCCESS(f"{verb} review reminders to {sent} clinician(s)."))

    def items_for(self, user, today):
        """(items `user` signed off that are overdue or due soon, items nobody signed off),
        leaving out what `user` was reminded of today. Three queries per content type."""
        due, unsigned = [], []
        for model in content_models():
            reminded = ReviewReminder.objects.filter(
                user=user, sent_on=today, content_type=ContentType.objects.get_for_model(model)
            ).values("object_id")
            items = model.objects.exclude(pk__in=reminded)
            due += items.filter(reviewed_by=user).filter(
                Q(pk__in=model.objects.review_overdue()) | Q(pk__in=model.objects.review_due_soon())
            )
            unsigned += items.filter(
                reviewed_by__isnull=True, status__in=[Status.PUBLISHED, Status.IN_REVIEW]
            )
        for item in [*due, *unsigned]:
            item.kind = item._meta.verbose_name
            item.admin_url = settings.SITE_URL + reverse(
                f"admin:{item._meta.app_label}_{item._meta.model_name}_change", args=[item.pk]
            )
        due.sort(key=lambda item: item.next_review_due)
        return due, unsigned

    def send(self, user, due, unsigned, today):
        context = {
            "user": user,
            "due": due,
            "unsigned": unsigned,
            "today": today,
            "soon_days": REVIEW_SOON_DAYS,
        }
        message = EmailMultiAlternatives(
            subject=f"Pages to review: {len(due)} due, {len(unsigned)} not yet signed off",
            body=render_to_string("emails/review_reminder.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("emails/review_reminder.html", context), "text/html"
        )
        message.send()
