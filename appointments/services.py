"""Telling the clinic a request arrived, and the per-address limit on sending them."""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from clinic.models import clinic_facts

logger = logging.getLogger(__name__)

# How long an address's count of requests is kept: the limit is so many an hour.
LIMIT_WINDOW_SECONDS = 3600


def appointment_request_notify(appointment, admin_url):
    """Email the clinic's appointment address that a request arrived, if it has one.

    The email holds a link to the request in the admin and no patient details: email travels
    and is kept beyond the clinic's control. A failure to send is logged, never shown to the
    patient, whose request is stored whatever happens to the email.
    """
    clinic = clinic_facts()
    if not clinic.appointment_email:
        return
    context = {
        "clinic": clinic,
        "admin_url": admin_url,
        "received": timezone.localtime(appointment.created_at),
        "retention_days": settings.APPOINTMENT_RETENTION_DAYS,
    }
    try:
        # In the clinic's language, whichever language the patient wrote in.
        with translation.override(settings.LANGUAGE_CODE):
            message = render_to_string("appointments/notice_email.txt", context)
        send_mail(
            subject=f"New appointment request on the {clinic.name} website",
            message=message,
            from_email=None,
            recipient_list=[clinic.appointment_email],
        )
    except Exception:
        logger.exception("Could not email the notice of appointment request %s", appointment.pk)


def _limit_key(address):
    # Hashed, so the cache holds no visitor's address.
    digest = hashlib.sha256(str(address).encode()).hexdigest()
    return f"appointments:sent:{digest}"


def submission_limit_reached(address):
    """Whether this address has sent APPOINTMENT_REQUESTS_PER_HOUR requests in the last hour.

    Without a cache the limit cannot be kept, and patients must still reach the clinic: the
    request is let through.
    """
    try:
        sent = cache.get(_limit_key(address), 0)
    except Exception:
        logger.exception("Cache unavailable: the appointment request limit is not applied")
        return False
    return sent >= settings.APPOINTMENT_REQUESTS_PER_HOUR


def submission_count(address):
    """Count one request sent from this address; the count lapses an hour after the first."""
    key = _limit_key(address)
    try:
        cache.add(key, 0, timeout=LIMIT_WINDOW_SECONDS)
        cache.incr(key)
    except Exception:
        logger.exception("Cache unavailable: an appointment request was not counted")
