"""Appointment requests patients send from the site, seen only by the front desk.

A request holds a patient's contact details, so it is kept apart from the clinical content: no
history copies (simple-history would keep every version of a name and phone number past the
purge), no page-cache signals, a log of who opened or changed it, and deletion after
APPOINTMENT_RETENTION_DAYS.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.models import US_PHONE, Location

NO_CONTACT = _("Give a phone number or an email address, so we can contact you.")


class Status(models.TextChoices):
    """Where a request is: new -> contacted -> booked or closed."""

    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    BOOKED = "booked", "Booked"
    CLOSED = "closed", "Closed"


class AppointmentRequestQuerySet(models.QuerySet):
    def expired(self):
        """Requests that arrived more than APPOINTMENT_RETENTION_DAYS ago, whatever their status.

        A request closed more than that long ago arrived before then too.
        """
        cutoff = timezone.now() - timedelta(days=settings.APPOINTMENT_RETENTION_DAYS)
        return self.filter(created_at__lt=cutoff)


class AppointmentRequest(models.Model):
    """A patient's request to be contacted about an appointment."""

    FINISHED = (Status.BOOKED, Status.CLOSED)

    name = models.CharField("patient's name", max_length=100)
    phone = models.CharField(max_length=30, blank=True, validators=[US_PHONE])
    email = models.EmailField(blank=True)
    location = models.ForeignKey(
        Location,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="preferred location",
    )
    preferred_times = models.CharField("preferred days and times", max_length=200, blank=True)
    message = models.TextField(max_length=500, blank=True)
    condition = models.ForeignKey(
        "conditions.Condition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The condition page the patient came from, if any.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.NEW,
        help_text="New: nobody has replied yet. Contacted: we have called or emailed the "
        "patient. Booked: an appointment is made. Closed: no appointment will be made.",
    )
    created_at = models.DateTimeField("received", auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField("booked or closed", null=True, blank=True, editable=False)

    objects = AppointmentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phone__gt="") | Q(email__gt=""),
                name="appointment_request_has_contact",
                violation_error_message=NO_CONTACT,
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in Status]),
                name="appointment_request_status_valid",
            ),
        ]

    def __str__(self):
        # No patient details: this names the request in the admin's log and page titles.
        return f"Appointment request {self.pk}"

    def save(self, *args, **kwargs):
        if self.status in self.FINISHED:
            self.closed_at = self.closed_at or timezone.now()
        else:
            self.closed_at = None
        super().save(*args, **kwargs)


class RequestAccess(models.Model):
    """One look at, or change to, an appointment request in the admin: who, when and what."""

    class Action(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        CHANGED = "changed", "Changed"

    appointment_request = models.ForeignKey(
        AppointmentRequest, on_delete=models.CASCADE, related_name="accesses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Kept apart from the user link, so the log still names a staff account deleted since.
    username = models.CharField("who", max_length=150)
    at = models.DateTimeField("when", default=timezone.now)
    action = models.CharField(max_length=10, choices=Action)
    what = models.CharField("what changed", max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "access"
        verbose_name_plural = "who opened or changed this request"

    def __str__(self):
        return f"{self.get_action_display()} by {self.username}"
