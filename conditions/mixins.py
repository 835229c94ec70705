"""What the public views of every app share: staff previews of drafts, breadcrumbs, lists paged
with a kept count of their items, schema.org data, and content in the page's language."""

from django.conf import settings
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language

from conditions.models import page_url
from conditions.services.drafts import with_draft
from conditions.translations import live_translation
from kneeinfo import languages
from kneeinfo.cache import generation_cached


class KeptCountPaginator(Paginator):
    """A Paginator whose number of items is kept until content changes.

    Counting every published item is the part of a list page whose cost grows with the
    catalogue, and the count changes only with content. `key` names the list and whatever
    filters it.
    """

    def __init__(self, object_list, per_page, *, key, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.key = key

    @cached_property
    def count(self):
        return generation_cached(f"count-{self.key}", self.object_list.count)


class KeptCountMixin:
    """A ListView paged by a KeptCountPaginator, its list named by count_key()."""

    paginator_class = KeptCountPaginator

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(queryset, per_page, key=self.count_key(), **kwargs)

    def count_key(self):
        return type(self).__name__


class PreviewMixin:
    """Let staff with view permission open unpublished items, and see a live item's working
    draft in place of its live version; everyone else gets a 404 or the live version."""

    def can_preview(self, model):
        user = self.request.user
        opts = model._meta
        return user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")

    def content(self, model):
        return model.objects.all() if self.can_preview(model) else model.objects.published()

    def get_object(self, queryset=None):
        item = super().get_object(queryset)
        return with_draft(item) if self.can_preview(type(item)) else item

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = not self.object.is_published
        if getattr(self.object, "working_draft", None) is not None:
            opts = self.object._meta
            context["draft_compare_url"] = reverse(
                admin_urlname(opts, "draft_compare"), args=[self.object.pk]
            )
        return context


def breadcrumb_trail(section, item=None):
    """The trail after Home: the section, linked when an item (last, unlinked) follows it.

    `section` is the (label, URL name) of the section's page.
    """
    label, url_name = section
    # The label is translated lazily: JSON-LD's breadcrumbs need a plain string.
    label = str(label)
    return [(label, page_url(url_name)), (str(item), None)] if item else [(label, None)]


class BreadcrumbMixin:
    """Give the page a breadcrumb trail: Home › its section › the item (if it is one)."""

    section = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = breadcrumb_trail(self.section, context.get("object"))
        return context


class StructuredDataMixin:
    """Give the page schema.org JSON-LD for search engines, from structured_data(context).

    Listed before BreadcrumbMixin, so that the context has the breadcrumbs.
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = self.structured_data(context)
        return context


class ContentLanguageMixin:
    """A content item's page in the page's language: its live translation, or the English.

    Adds to the context `translation` (the item's live translation into the page's language, or
    None), `untranslated` (a page not in English whose item has no live translation: it shows
    the English under a notice, marked lang="en-US", and tells search engines not to index it),
    `content_lang` (the language tag of content that is not in the page's language, else "")
    and `page_languages` (the languages the item can be read in, for hreflang). Costs what
    live_translation() costs for each language but English.
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = {
            code: live_translation(self.object, code)
            for code in languages.codes()
            if code != settings.LANGUAGE_CODE
        }
        current = get_language()
        untranslated = current in found and found[current] is None
        context.update(
            translation=found.get(current),
            untranslated=untranslated,
            content_lang=languages.tag(settings.LANGUAGE_CODE) if untranslated else "",
            page_languages=[settings.LANGUAGE_CODE, *(code for code, t in found.items() if t)],
        )
        return context
