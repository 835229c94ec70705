"""The record `manage.py check_links` keeps of the links content makes to other sites.

Its own app, outside the page cache's content apps (kneeinfo/cache.py): a link's status is not
shown to patients, so recording it must not make every cached page stale.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from links.checker import status_text


class ExternalLink(models.Model):
    """A link to another site found in some item's Markdown, and what its last check found."""

    url = models.URLField("address", max_length=2000, unique=True)
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The HTTP status the last check ended on."
    )
    error = models.CharField(
        max_length=200, blank=True, help_text="Why the last check got no answer, if it got none."
    )
    redirected_to = models.URLField(
        max_length=2000, blank=True, help_text="Where the address now leads, if it redirects."
    )
    is_broken = models.BooleanField(
        "broken",
        default=False,
        help_text="The last check got no answer, or an error status (400 or more).",
    )
    checked_at = models.DateTimeField("last checked", null=True, blank=True)

    class Meta:
        ordering = ["url"]
        indexes = [models.Index(fields=["is_broken", "url"], name="external_link_broken")]

    def __str__(self):
        return self.url

    @property
    def status(self):
        """What the last check found, as an editor reads it: '404 Not Found', 'timed out'."""
        if self.checked_at is None:
            return "not checked yet"
        return status_text(self.status_code, self.error)

    @property
    def problem(self):
        """Why a broken link is reported, with the day of the check."""
        day = date_format(localtime(self.checked_at), "F j, Y")
        return f"broken when checked on {day}: {self.status}"


class LinkUse(models.Model):
    """That a content item's Markdown field held a link when the links were last checked."""

    link = models.ForeignKey(ExternalLink, on_delete=models.CASCADE, related_name="uses")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey()
    field = models.CharField(max_length=50)

    class Meta:
        ordering = ["link", "content_type", "object_id", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "content_type", "object_id", "field"], name="link_use_once"
            )
        ]

    def __str__(self):
        return f"{self.link} in {self.content_type} {self.object_id}"

    @property
    def admin_url(self):
        opts = self.content_type.model_class()._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.object_id])

    @property
    def field_label(self):
        return self.content_type.model_class()._meta.get_field(self.field).verbose_name
