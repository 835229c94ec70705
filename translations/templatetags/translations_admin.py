"""The admin index's box of translations whose English has changed since their sign-off."""

from django import template
from django.urls import reverse

from translations.services import out_of_date_translations

register = template.Library()


@register.simple_tag
def translations_out_of_date():
    """Translations to bring up to date, A–Z, each with `admin_url`. See
    out_of_date_translations() for the queries."""
    stale = out_of_date_translations()
    for row in stale:
        row.admin_url = reverse("admin:translations_translation_change", args=[row.pk])
    return stale
