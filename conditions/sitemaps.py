"""The sitemap: every published page in each language, with when it last changed.

`/sitemap.xml` is an index of sections (`/sitemap-conditions.xml` and so on), each in pages of
SITEMAP_PAGE_SIZE URLs (`?p=2`...): one sitemap of every URL grows with the catalogue, and was
built on each request. Each section is there once for each language: the English sections, then
the Spanish ones (`/sitemap-es-conditions.xml`...), which list the same pages at their /es/
addresses, content items only where they have a live Spanish translation (a Spanish page of an
untranslated item shows the English, and is not offered to search engines as Spanish).
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.utils import translation

from conditions.models import Condition, Symptom, Treatment, page_url
from conditions.translations import with_live_translation
from conditions.views import tag_uses, tag_with_uses
from faq.models import FAQ
from kneeinfo import languages

SITEMAP_PAGE_SIZE = 1000


class LanguageSitemap(Sitemap):
    """A section of the sitemap in one language: its addresses are that language's."""

    def __init__(self, language=settings.LANGUAGE_CODE):
        self.language = language

    def location(self, item):
        with translation.override(self.language):
            return self.address(item)

    def address(self, item):
        """The item's address in the active language."""
        return item.get_absolute_url()


class ContentSitemap(LanguageSitemap):
    limit = SITEMAP_PAGE_SIZE

    def __init__(self, model, language=settings.LANGUAGE_CODE):
        super().__init__(language)
        self.model = model

    def items(self):
        items = self.model.objects.published().only("slug", "updated_at").order_by("pk")
        if self.language != settings.LANGUAGE_CODE:
            items = with_live_translation(items, self.language)
        return items

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # The index lists sections without a date: Django's own would build every item to find
        # the latest, and even MAX(updated_at) reads every row.
        # Each URL in a section still has its own.
        return None


class PageSitemap(LanguageSitemap):
    """Pages that are not one content item: the home page and the lists."""

    def items(self):
        return [
            "conditions:home",
            "conditions:condition_list",
            "conditions:symptom_list",
            "conditions:treatment_list",
            "conditions:tag_list",
            "faq:list",
        ]

    def address(self, item):
        return page_url(item)


class TagSitemap(LanguageSitemap):
    """Topic pages that list at least one published item."""

    limit = SITEMAP_PAGE_SIZE

    def items(self):
        return [tag_with_uses(*use) for use in sorted(tag_uses())]


def sections(language):
    """The sitemap's sections in `language`, named as their addresses say."""
    start = languages.prefix(language).lstrip("/")
    return {
        f"{start}-{name}" if start else name: section
        for name, section in {
            "pages": PageSitemap(language),
            "conditions": ContentSitemap(Condition, language),
            "symptoms": ContentSitemap(Symptom, language),
            "treatments": ContentSitemap(Treatment, language),
            "faqs": ContentSitemap(FAQ, language),
            "tags": TagSitemap(language),
        }.items()
    }


SITEMAPS = {name: site for code in languages.codes() for name, site in sections(code).items()}
