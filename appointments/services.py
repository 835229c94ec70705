"""Telling the clinic a request arrived, and the per-address limit on sending them."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from clinic.models import clinic_facts
from kneeinfo.security import AddressLimit

logger = logging.getLogger(__name__)

# At most APPOINTMENT_REQUESTS_PER_HOUR requests from one address an hour.
SENT_LIMIT = AddressLimit("appointments:sent", "APPOINTMENT_REQUESTS_PER_HOUR")


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
