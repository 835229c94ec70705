"""Template tags and filters for public pages."""

from django import template
from django.utils.safestring import mark_safe

from conditions.models import page_url
from conditions.text import markdown_text, render_markdown

register = template.Library()
register.simple_tag(page_url)


@register.filter
def markdown(source):
    """Render clinician Markdown as sanitised HTML."""
    return mark_safe(render_markdown(source or ""))


# Clinician Markdown as plain text, for meta descriptions and list cards.
register.filter("markdown_text", markdown_text)
