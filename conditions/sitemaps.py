"""The sitemap: every published page, with when it last changed.

`/sitemap.xml` is an index of sections (`/sitemap-conditions.xml` and so on), each in pages of
SITEMAP_PAGE_SIZE URLs (`?p=2`...): one sitemap of every URL grows with the catalogue, and was
built on each request.
"""

from django.contrib.sitemaps import Sitemap

from conditions.models import Condition, Symptom, Treatment, page_url
from conditions.views import tag_uses, tag_with_uses
from faq.models import FAQ

SITEMAP_PAGE_SIZE = 1000


class ContentSitemap(Sitemap):
    limit = SITEMAP_PAGE_SIZE

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # The index lists sections without a date: Django's own would build every item to find
        # the latest, and even MAX(updated_at) reads every row.
        # Each URL in a section still has its own.
        return None


class PageSitemap(Sitemap):
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

    def location(self, item):
        return page_url(item)


class TagSitemap(Sitemap):
    """Topic pages that list at least one published item."""

    limit = SITEMAP_PAGE_SIZE

    def items(self):
        return [tag_with_uses(*use) for use in sorted(tag_uses())]


SITEMAPS = {
    "pages": PageSitemap(),
    "conditions": ContentSitemap(Condition),
    "symptoms": ContentSitemap(Symptom),
    "treatments": ContentSitemap(Treatment),
    "faqs": ContentSitemap(FAQ),
    "tags": TagSitemap(),
}
