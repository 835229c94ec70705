"""The clinic profile's one editing screen; only superusers and Clinic managers change it."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from simple_history.admin import SimpleHistoryAdmin

from clinic.models import ClinicProfile, Location
from translations.admin_links import TranslationLinksMixin


class LocationInline(admin.StackedInline):
    model = Location
    extra = 0
    fields = [
        "name",
        "street_address",
        ("city", "state", "zip_code"),
        "phone",
        "opening_hours",
        "order",
    ]


@admin.register(ClinicProfile)
class ClinicProfileAdmin(TranslationLinksMixin, SimpleHistoryAdmin):
    inlines = [LocationInline]
    change_form_template = "admin/translated_change_form.html"
    # A booking address typed without a scheme is a secure one.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "description", "phone"]}),
        ("Appointments", {"fields": ["appointment_email", "booking_url"]}),
        (
            "Country and language",
            {
                "fields": ["emergency_number", "country", "language", "time_zone"],
                "description": "The site gives US care advice; change these only with care.",
            },
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ClinicProfile.objects.exists()

    def translated_inline_items(self, obj):
        return list(obj.locations.all())

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """There is one profile: the list goes straight to it (or to adding it)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        profile = ClinicProfile.objects.filter(pk=ClinicProfile.SINGLETON_ID).first()
        if profile is None:
            return redirect("admin:clinic_clinicprofile_add")
        return redirect("admin:clinic_clinicprofile_change", profile.pk)
