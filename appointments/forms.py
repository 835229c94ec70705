"""The appointment request form patients fill in."""

import re

from django import forms

from appointments.models import AppointmentRequest
from clinic.models import US_PHONE, ClinicProfile, Location
from conditions.models import Condition

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,255}")


def too_long(what, limit):
    return f"{what} can be at most {limit} characters (it has %(show_value)d)."


def published_condition(slug):
    """The published condition with this slug, or None for anything else. At most one query."""
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        return None
    return Condition.objects.published().filter(slug=slug).first()


class AppointmentRequestForm(forms.ModelForm):
    # The honeypot: hidden from people and screen readers, so only a robot fills it in.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # The condition page the patient came from, by slug; anything else is ignored.
    condition = forms.Field(required=False, widget=forms.HiddenInput)
    consent = forms.BooleanField(
        error_messages={
            "required": "Tick the box to agree, so that we can contact you about an appointment."
        },
    )

    class Meta:
        model = AppointmentRequest
        fields = ["name", "phone", "email", "location", "preferred_times", "message"]
        labels = {
            "name": "Your name",
            "phone": "Phone number",
            "email": "Email address",
            "location": "Which location would suit you?",
            "preferred_times": "When suits you?",
            "message": "Anything else we should know?",
        }
        help_texts = {
            "phone": "A US number with its area code, for example (212) 555-0100.",
            "preferred_times": "For example: weekday mornings, or Tuesday after 3 p.m.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "location": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "name": {
                "required": "Enter your name.",
                "max_length": too_long("Your name", 100),
            },
            "phone": {"max_length": too_long("A phone number", 30)},
            "email": {
                "invalid": "Enter an email address like name@example.com.",
                "max_length": too_long("An email address", 254),
            },
            "location": {"invalid_choice": "Choose one of the locations listed."},
            "preferred_times": {"max_length": too_long("This answer", 200)},
            "message": {"max_length": too_long("Your message", 500)},
        }

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].help_text = (
            "Do not include medical details. If this is an emergency, "
            f"call {clinic.emergency_number}."
        )
        if len(clinic.locations) > 1:
            location = self.fields["location"]
            location.queryset = Location.objects.filter(profile_id=ClinicProfile.SINGLETON_ID)
            # Shown from the clinic's cached facts; the queryset only checks what is sent.
            location.widget.choices = [
                ("", "No preference"),
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
