"""The appointment request form patients fill in."""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appointments.models import AppointmentRequest
from clinic.models import US_PHONE, ClinicProfile, Location
from conditions.models import Condition

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,255}")


def published_condition(slug):
    """The published condition with this slug, or None for anything else. At most one query."""
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        return None
    return Condition.objects.published().filter(slug=slug).first()


class AppointmentRequestForm(forms.ModelForm):
    # The honeypot: hidden from people and screen readers, so only a robot fills it in.
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # The condition page the patient came from, by slug; anything else is ignored.
    condition = forms.Field(required=False, widget=forms.HiddenInput)
    consent = forms.BooleanField(
        error_messages={
            "required": gettext_lazy(
                "Tick the box to agree, so that we can contact you about an appointment."
            )
        },
    )

    class Meta:
        model = AppointmentRequest
        fields = ["name", "phone", "email", "location", "preferred_times", "message"]
        labels = {
            "name": gettext_lazy("Your name"),
            "phone": gettext_lazy("Phone number"),
            "email": gettext_lazy("Email address"),
            "location": gettext_lazy("Which location would suit you?"),
            "preferred_times": gettext_lazy("When suits you?"),
            "message": gettext_lazy("Anything else we should know?"),
        }
        help_texts = {
            "phone": gettext_lazy("A US number with its area code, for example (212) 555-0100."),
            "preferred_times": gettext_lazy(
                "For example: weekday mornings, or Tuesday after 3 p.m."
            ),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "location": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 4}),
        }
        # %(limit_value)d and %(show_value)d are the field's limit and the length sent.
        error_messages = {
            "name": {
                "required": gettext_lazy("Enter your name."),
                "max_length": gettext_lazy(
                    "Your name can be at most %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "phone": {
                "max_length": gettext_lazy(
                    "A phone number can be at most %(limit_value)d characters "
                    "(it has %(show_value)d)."
                )
            },
            "email": {
                "invalid": gettext_lazy("Enter an email address like name@example.com."),
                "max_length": gettext_lazy(
                    "An email address can be at most %(limit_value)d characters "
                    "(it has %(show_value)d)."
                ),
            },
            "location": {"invalid_choice": gettext_lazy("Choose one of the locations listed.")},
            "preferred_times": {
                "max_length": gettext_lazy(
                    "This answer can be at most %(limit_value)d characters (it has %(show_value)d)."
                )
            },
            "message": {
                "max_length": gettext_lazy(
                    "Your message can be at most %(limit_value)d characters "
                    "(it has %(show_value)d)."
                )
            },
        }

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].help_text = _(
            "Do not include medical details. If this is an emergency, call %(number)s."
        ) % {"number": clinic.emergency_number}
        if len(clinic.locations) > 1:
            location = self.fields["location"]
            location.queryset = Location.objects.filter(profile_id=ClinicProfile.SINGLETON_ID)
            # Shown from the clinic's cached facts; the queryset only checks what is sent.
            location.widget.choices = [
                ("", _("No preference")),
                *((place.pk, place.name) for place in clinic.locations),
            ]
        else:
            del self.fields["location"]

    def clean_phone(self):
        """Check the number, then write it the same way as every other, as the front desk dials."""
        phone = self.cleaned_data["phone"]
        if not phone:
            return ""
        US_PHONE(phone)
        digits = "".join(char for char in phone if char.isdigit()).removeprefix("1")
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"

    def clean_condition(self):
        return published_condition(self.cleaned_data["condition"])

    def is_spam(self):
        """Whether a robot filled in the honeypot."""
        return bool(self.data.get("website"))

    def save(self, commit=True):
        self.instance.condition = self.cleaned_data["condition"]
        return super().save(commit)
