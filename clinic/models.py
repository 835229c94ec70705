"""Who stands behind the pages: the clinic's profile and its locations, edited in the admin.

One profile per site. Facts nobody has entered (an address, a phone number) are left blank and
are not shown anywhere: a patient must never be given a placeholder or invented number.
"""

from dataclasses import dataclass, field

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kneeinfo.cache import generation_cached

US_PHONE = RegexValidator(
    r"^\+?1?[\s.-]?\(?[2-9]\d{2}\)?[\s.-]?\d{3}[\s.-]?\d{4}$",
    _("Enter a US phone number with its area code, for example (212) 555-0100."),
)
US_STATE = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter state code, for example NY.")
US_ZIP = RegexValidator(r"^\d{5}(-\d{4})?$", "Enter a 5-digit ZIP code, or ZIP+4.")


class ClinicProfileQuerySet(models.QuerySet):
    def current(self):
        """The clinic's profile, or an unsaved one with the defaults. One query."""
        return self.filter(pk=ClinicProfile.SINGLETON_ID).first() or ClinicProfile()


class ClinicProfile(models.Model):
    """The clinic's name and how patients reach it; shown in every page's header and footer."""

    SINGLETON_ID = 1

    name = models.CharField(
        max_length=120,
        default="Spine Institute NY",
        help_text="The clinic's name, shown in every page's header and title.",
    )
    description = models.CharField(
        max_length=200,
        blank=True,
        help_text="One line on what the clinic does, for the footer and search engines.",
    )
    phone = models.CharField(
        "main phone number",
        max_length=30,
        blank=True,
        validators=[US_PHONE],
        help_text="The number patients call to make an appointment. Shown on every page.",
    )
    appointment_email = models.EmailField(
        "appointment request address",
        blank=True,
        help_text="Where the site emails a note that an appointment request has arrived. "
        "The note holds no patient details, only a link to the request in the admin.",
    )
    booking_url = models.URLField(
        "online booking address",
        blank=True,
        help_text="Optional: the web address of an external booking system, if you use one.",
    )
    emergency_number = models.CharField(
        max_length=10,
        default="911",
        help_text="The number patients call in an emergency. In the United States: 911.",
    )
    country = models.CharField(max_length=2, default="US", help_text="Two-letter country code.")
    language = models.CharField(
        max_length=10, default="en-US", help_text="The language of the site's English pages."
    )
    time_zone = models.CharField(
        max_length=40, default="America/New_York", help_text="The clinic's time zone."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClinicProfileQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "clinic profile"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="clinic_profile_singleton")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return "/"


class Location(models.Model):
    """A place patients can visit; every field but the name stays hidden until it is entered."""

    profile = models.ForeignKey(ClinicProfile, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(
        max_length=120, help_text="What patients call this location, for example 'Midtown'."
    )
    street_address = models.CharField(
        max_length=200, blank=True, help_text="Street and number, with suite or floor."
    )
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=2, blank=True, validators=[US_STATE])
    zip_code = models.CharField("ZIP code", max_length=10, blank=True, validators=[US_ZIP])
    phone = models.CharField(
        max_length=30,
        blank=True,
        validators=[US_PHONE],
        help_text="This location's own number, if it has one.",
    )
    opening_hours = models.TextField(
        blank=True,
        help_text="One line per day or range, for example 'Monday–Friday: 8 a.m.–6 p.m.'.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Locations are listed from the lowest number."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @property
    def opening_hours_lines(self):
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]

    @property
    def address_lines(self):
        """The address as it is written on an envelope; empty parts left out."""
        locality = " ".join(part for part in (self.state, self.zip_code) if part)
        last = ", ".join(part for part in (self.city, locality) if part)
        return [line for line in (self.street_address, last) if line]


@dataclass
class ClinicFacts:
    """What the public pages show about the clinic, cached until content changes."""

    profile: ClinicProfile
    locations: list = field(default_factory=list)

    def __getattr__(self, name):
        # Templates read the profile's fields straight off the facts ({{ clinic.phone }}).
        if name.startswith("_") or name in {"profile", "locations"}:
            raise AttributeError(name)
        return getattr(self.profile, name)

    @property
    def missing(self):
        """What patients cannot see yet, as the admin index asks for it."""
        wanted = []
        if not self.profile.phone:
            wanted.append("Add the clinic's phone number so patients can call you.")
        if not any(location.address_lines for location in self.locations):
            wanted.append("Add a location with its address so patients can find you.")
        if not self.profile.appointment_email:
            wanted.append(
                "Add the address that receives appointment requests, so the clinic hears "
                "about each one."
            )
        return wanted


def clinic_facts():
    """The clinic's profile and locations: two queries, then cached until content changes."""

    def build():
        profile = ClinicProfile.objects.current()
        locations = Location.objects.filter(profile_id=ClinicProfile.SINGLETON_ID)
        return ClinicFacts(profile, list(locations))

    return generation_cached("clinic-facts", build)
