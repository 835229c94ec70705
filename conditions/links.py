"""Links in clinicians' Markdown that lead nowhere a patient can go.

A link to another page of the site leads nowhere when no page answers its address, or when the
condition, symptom, treatment, question or topic it names is not live. A link to another site
leads nowhere when `manage.py check_links` (the links app) last found it broken. Both are shown
as warnings beside the Markdown field in the change form, and noted when the item is saved; the
save still goes through: the linked page may be published, or the other site mended, next.
"""

import re
from html import unescape
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.html import format_html, format_html_join

from conditions.models import Condition, Symptom, Tag, Treatment
from conditions.text import render_markdown
from faq.models import FAQ
from kneeinfo import languages
from links.models import ExternalLink

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


def _is_external(href):
    return _site_path(href) is None and urlsplit(href).scheme in ("http", "https")


def external_links(markdown_source):
    """The addresses of other sites' pages (http and https) that the Markdown links to."""
    return [href for href in markdown_links(markdown_source) if _is_external(href)]


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


def link_problems(markdown_source):
    """[(address, problem)] for each link that leads nowhere, in the Markdown's order.

    A query a link to this site, and one for all the links to other sites.
    """
    hrefs = markdown_links(markdown_source)
    external = [href for href in hrefs if _is_external(href)]
    broken = {}
    if external:
        broken = {
            link.url: link.problem
            for link in ExternalLink.objects.filter(url__in=external, is_broken=True)
        }
    problems = []
    for href in hrefs:
        path = _site_path(href)
        problem = broken.get(href, "") if path is None else _problem(path)
        if problem:
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
