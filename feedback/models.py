"""Patients' answers to "Was this page helpful?", each with an optional comment.

An answer is anonymous: it names the page, yes or no, the comment (with anything that looks
like an email address, a phone number or a date removed before it is stored) and when. No
address, cookie or browser detail is kept with it. Only the cache holds anything derived from
an address, under an HMAC keyed with SECRET_KEY: the count for the hourly limit (an hour) and
which answer an address gave about a page (a day; feedback/services.py).
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format


class FeedbackQuerySet(models.QuerySet):
    def about(self, model):
        """Answers about items of `model` (a content model), joined through the content type."""
        return self.filter(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
        )


class Feedback(models.Model):
    """One patient's answer to "Was this page helpful?" about one content page."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name="page type"
    )
    object_id = models.PositiveBigIntegerField("page id")
    page = GenericForeignKey("content_type", "object_id")
    helpful = models.BooleanField("yes or no")
    comment = models.TextField(
        blank=True,
        help_text="What the patient wrote, with email addresses, phone numbers and dates removed.",
    )
    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "answer"
        verbose_name_plural = "answers"
        indexes = [
            # A page's answers, newest first: the admin's counts and the review box read them.
            models.Index(
                fields=["content_type", "object_id", "created_at"], name="feedback_page_time"
            ),
        ]

    def __str__(self):
        answered = date_format(timezone.localtime(self.created_at), "F j, Y")
        return f"{'Yes' if self.helpful else 'No'}, {answered}"
