"""The appointment request form, its confirmation, and the page for too many requests.

Nothing a patient types is logged or put in an error report: the form view's POST parameters
and local variables are marked sensitive, so Django's error reports show them as stars.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from appointments.forms import AppointmentRequestForm, published_condition
from appointments.services import SENT_LIMIT, appointment_request_notify
from clinic.models import clinic_facts
from kneeinfo.security import client_ip


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_variables()
def request_form(request):
    """GET: the empty form (naming a published condition from ?condition=); POST: send it.

    Never cached anywhere (`never_cache`): the form carries a CSRF token for this visitor.
    """
    clinic = clinic_facts()
    if request.method != "POST":
        about = published_condition(request.GET.get("condition"))
        form = AppointmentRequestForm(
            initial={"condition": about.slug if about else ""}, clinic=clinic
        )
        return form_page(request, form, about)

    address = client_ip(request)
    if SENT_LIMIT.reached(address):
        return too_many_requests(request)
    form = AppointmentRequestForm(request.POST, clinic=clinic)
    if form.is_spam():
        # Looks accepted, so the robot learns nothing; nothing is stored or sent.
        SENT_LIMIT.count(address)
        return redirect("appointments:thanks")
    if not form.is_valid():
        return form_page(request, form, form.cleaned_data.get("condition"))
    appointment = form.save()
    SENT_LIMIT.count(address)
    admin_url = reverse("admin:appointments_appointmentrequest_change", args=[appointment.pk])
    appointment_request_notify(appointment, request.build_absolute_uri(admin_url))
    return redirect("appointments:thanks")


def form_page(request, form, about):
    """The form, naming the condition it is `about` (if any) and going back to its page."""
    trail = [(about.name, about.get_absolute_url())] if about else []
    context = {
        "form": form,
        "about": about,
        "breadcrumbs": [*trail, (_("Request an appointment"), None)],
        "retention_days": settings.APPOINTMENT_RETENTION_DAYS,
    }
    return render(request, "appointments/request_form.html", context)


@require_GET
def thanks(request):
    """The confirmation: the same page for everyone, repeating nothing the patient typed."""
    context = {
        "breadcrumbs": [
            (_("Request an appointment"), reverse("appointments:request")),
            (_("Request sent"), None),
        ],
        "retention_days": settings.APPOINTMENT_RETENTION_DAYS,
    }
    return render(request, "appointments/thanks.html", context)


def too_many_requests(request):
    context = {"limit": settings.APPOINTMENT_REQUESTS_PER_HOUR}
    response = render(request, "appointments/too_many_requests.html", context, status=429)
    response["Retry-After"] = str(SENT_LIMIT.window)
    response["Cache-Control"] = "no-store"
    return response
