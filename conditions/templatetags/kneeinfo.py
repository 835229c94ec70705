"""Template filters for public pages."""

from functools import cache
from html import unescape

from django import template
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from conditions.text import render_markdown

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


@register.filter
def markdown_text(source):
    """Clinician Markdown as plain text, for meta descriptions and list cards.

    The result is an ordinary string, so the template escapes it for wherever it lands,
    including inside an attribute.
    """
    return " ".join(unescape(strip_tags(render_markdown(source or ""))).split())
