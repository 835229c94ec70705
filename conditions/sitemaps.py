"""sitemap.xml: every published page, with when it last changed."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from conditions.models import Condition, Symptom, Tag, Treatment


class ContentSitemap(Sitemap):
    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


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
        return reverse(item)


class TagSitemap(Sitemap):
    """Topic pages that list at least one published item."""

    def items(self):
        return Tag.objects.visible().with_published_use().order_by("pk")


SITEMAPS = {
    "pages": PageSitemap(),
    "conditions": ContentSitemap(Condition),
    "symptoms": ContentSitemap(Symptom),
    "treatments": ContentSitemap(Treatment),
    "tags": TagSitemap(),
}
