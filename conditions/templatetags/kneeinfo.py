"""Template filters for public pages."""

from django import template
from django.utils.safestring import mark_safe

from conditions.text import render_markdown

register = template.Library()


@register.filter
def markdown(source):
    """Render clinician Markdown as sanitised HTML."""
    return mark_safe(render_markdown(source or ""))
