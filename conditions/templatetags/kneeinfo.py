"""Template filters for public pages."""

from html import unescape

from django import template
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from conditions.text import render_markdown

register = template.Library()


@register.filter
def markdown(source):
    """Render clinician Markdown as sanitised HTML."""
    return mark_safe(render_markdown(source or ""))


@register.filter
def markdown_text(source):
    """Clinician Markdown as plain text, for meta descriptions and list cards.

    The result is an ordinary string, so the template escapes it for wherever it lands,
    including inside an attribute.
    """
    return " ".join(unescape(strip_tags(render_markdown(source or ""))).split())
