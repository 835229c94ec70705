"""Appointment requests in the admin: the Front desk group (and superusers) only.

Every opening of a request's page and every change is written to its access log, shown
read-only at the foot of the page. The list shows no patient details, so that whoever sees a
patient's name, phone or email has opened that request, and is in its log. Changes go to the
log rather than to django-simple-history, which would keep a copy of the patient's details
with each version, beyond the purge.
"""

from django.contrib import admin

from appointments.models import AppointmentRequest, RequestAccess, Status

PATIENT_FIELDS = ["name", "phone", "email", "location", "preferred_times", "message", "condition"]


def access_record(request, appointment, action, what=""):
    RequestAccess.objects.create(
        appointment_request=appointment,
        user=request.user,
        username=request.user.get_username(),
        action=action,
        what=what,
    )


class RequestAccessInline(admin.TabularInline):
    model = RequestAccess
    fields = ["at", "username", "action", "what"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AppointmentRequest)
class AppointmentRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at", "status", "location", "condition"]
    list_filter = ["status", "location", "created_at"]
    list_select_related = ["location", "condition"]
    # Finding the request of a patient who calls: the list still shows none of their details.
    search_fields = ["name", "phone", "email"]
    date_hierarchy = "created_at"
    fieldsets = [
        ("Patient", {"fields": ["name", "phone", "email"]}),
        (
            "Request",
            {"fields": ["condition", "location", "preferred_times", "message", "created_at"]},
        ),
        ("Front desk", {"fields": ["status", "closed_at"]}),
    ]
    # What the patient sent stays as sent; the front desk moves the status on.
    readonly_fields = [*PATIENT_FIELDS, "created_at", "closed_at"]
    inlines = [RequestAccessInline]

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # 200: the page with the patient's details was shown (a GET, or a POST sent back).
        if response.status_code == 200:
            appointment = self.get_object(request, object_id)
            access_record(request, appointment, RequestAccess.Action.VIEWED)
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data:
            before = Status(form.initial["status"]).label
            what = f"Status: {before} → {obj.get_status_display()}"
            access_record(request, obj, RequestAccess.Action.CHANGED, what)
