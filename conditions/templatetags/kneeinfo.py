"""Template filters for public pages."""

from functools import cache

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from conditions.text import markdown_text, render_markdown

register = template.Library()


@register.simple_tag
def page_url(name):
    """{% url name %} for a page whose URL takes no arguments, reversed once per process.

    Every page links a dozen such pages, and reverse() costs about as much as rendering the rest
    of a link; their URLs are fixed for a deployment (as in conditions.models.slug_url()).
    """
    return _page_url(name)


@cache
def _page_url(name):
    return reverse(name)


@register.filter
def markdown(source):
    """Render clinician Markdown as sanitised HTML."""
    return mark_safe(render_markdown(source or ""))


# Clinician Markdown as plain text, for meta descriptions and list cards.
register.filter("markdown_text", markdown_text)
