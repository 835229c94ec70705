"""Template filters for showing the clinic's contact details."""

from django import template

register = template.Library()


@register.filter
def tel_href(phone):
    """A phone number as a tel: link target: digits only, with the US country code."""
    digits = "".join(char for char in phone if char.isdigit())
    if len(digits) == 10:
        digits = "1" + digits
    return f"+{digits}"
