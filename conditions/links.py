"""Internal links in clinicians' Markdown that lead nowhere a patient can go.

A link to another page of the site is checked when an item is saved: an address no page answers,
or a condition, symptom, treatment, question or topic that is not live, is reported to the editor
as a warning (the save still goes through: the linked page may be published next).
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation

from conditions.models import Condition, Symptom, Tag, Treatment
from conditions.text import render_markdown
from faq.models import FAQ
from kneeinfo import languages

_HREF = re.compile(r'<a [^>]*href="([^"]+)"')

# The public pages that show one item, and the item they show.
_ITEM_PAGES = {
    "conditions:condition_detail": Condition,
    "conditions:symptom_detail": Symptom,
    "conditions:treatment_detail": Treatment,
    "faq:question": FAQ,
}


def _site_path(href):
    """The path of a link to this site (relative, or absolute under SITE_URL), else None."""
    if href.startswith(settings.SITE_URL + "/"):
        href = href[len(settings.SITE_URL) :]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return parts.path


def _problem(path):
    try:
        # An address resolves in its own language: /es/... is a Spanish page.
        with translation.override(languages.language_of(path)):
            match = resolve(path)
    except Resolver404:
        return "no page has this address"
    slug = match.kwargs.get("slug")
    model = _ITEM_PAGES.get(match.view_name)
    if model is not None and not model.objects.published().filter(slug=slug).exists():
        return f"this {model._meta.verbose_name} is not live"
    if match.view_name == "conditions:tag_detail" and not Tag.objects.visible().filter(
        slug=slug, pk__in=Tag.objects.with_published_use().values("pk")
    ):
        return "no live page carries this topic"
    return ""


def internal_link_problems(markdown_source):
    """[(address, problem)] for each link to this site that leads nowhere live. A query a link."""
    problems = []
    for href in dict.fromkeys(_HREF.findall(render_markdown(markdown_source or ""))):
        path = _site_path(href)
        if path is not None and (problem := _problem(path)):
            problems.append((href, problem))
    return problems
