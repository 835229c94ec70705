"""Links in clinicians' Markdown that lead nowhere a patient can go.

A link to another page of the site leads nowhere when no page answers its address, or when the
condition, symptom, treatment, question or topic it names is not live. Such links are shown as
warnings beside the Markdown field in the change form, and noted when the item is saved; the
save still goes through: the linked page may be published next.
"""

import re
from html import unescape
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.html import format_html, format_html_join

from conditions.models import Condition, Symptom, Tag, Treatment
from conditions.text import render_markdown
from faq.models import FAQ

_HREF = re.compile(r'<a [^>]*href="([^"]+)"')

# The public pages that show one item, and the item they show.
_ITEM_PAGES = {
    "conditions:condition_detail": Condition,
    "conditions:symptom_detail": Symptom,
    "conditions:treatment_detail": Treatment,
    "faq:question": FAQ,
}


def markdown_links(markdown_source):
    """Every address the Markdown links to once rendered (as a reader's browser follows it),
    once each, in order."""
    html = render_markdown(markdown_source or "")
    return list(dict.fromkeys(unescape(href) for href in _HREF.findall(html)))


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


def link_problems(markdown_source):
    """[(address, problem)] for each link to this site that leads nowhere live, in the
    Markdown's order. A query a link."""
    problems = []
    for href in markdown_links(markdown_source):
        path = _site_path(href)
        if path is not None and (problem := _problem(path)):
            problems.append((href, problem))
    return problems


class LinkCheckedTextarea(forms.Textarea):
    """A Markdown field's textarea followed by the links in its text that lead nowhere.

    Worked out from the text the form shows (saved, or as typed when the form comes back with
    an error), so the warnings stay beside the field for as long as the links are dead.
    """

    class Media:
        css = {"all": ["admin/kneeinfo.css"]}

    def render(self, name, value, attrs=None, renderer=None):
        problems = link_problems(value)
        if not problems:
            return super().render(name, value, attrs, renderer)
        attrs = dict(attrs or {})
        warnings_id = f"{attrs.get('id') or 'id_' + name}_links"
        attrs["aria-describedby"] = " ".join(
            filter(None, [attrs.get("aria-describedby"), warnings_id])
        )
        return format_html(
            '<div class="link-checked">{}<div class="link-warnings" id="{}">'
            "<p>{} in this text lead{} nowhere (saving still works):</p><ul>{}</ul></div></div>",
            super().render(name, value, attrs, renderer),
            warnings_id,
            "A link" if len(problems) == 1 else f"{len(problems)} links",
            "s" if len(problems) == 1 else "",
            format_html_join("", "<li><code>{}</code>: {}.</li>", problems),
        )
