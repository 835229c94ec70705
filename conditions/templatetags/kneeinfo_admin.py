"""Admin index additions: what is overdue or soon due for clinical review, and other to-dos."""

from django import template
from django.conf import settings
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.urls import reverse

from conditions.models import REVIEW_SOON_DAYS, content_models
from faq.models import FAQ

register = template.Library()


@register.simple_tag
def review_due():
    """Items past or near their review date, soonest first. Two queries per content type."""
    overdue, upcoming = [], []
    for model in content_models():
        for bucket, items in (
            (overdue, model.objects.review_overdue()),
            (upcoming, model.objects.review_due_soon()),
        ):
            for item in items.order_by("next_review_due"):
                item.admin_url = reverse(admin_urlname(model._meta, "change"), args=[item.pk])
                bucket.append(item)
    return {
        "overdue": sorted(overdue, key=lambda item: item.next_review_due),
        "soon": sorted(upcoming, key=lambda item: item.next_review_due),
        "days": REVIEW_SOON_DAYS,
    }


@register.simple_tag
def faqs_needing_question():
    """Imported answers that wait for a clinician to write their question. One query."""
    faqs = list(FAQ.objects.filter(question=""))
    for faq in faqs:
        faq.admin_url = reverse("admin:faq_faq_change", args=[faq.pk])
    return faqs


HARDEST_COUNT = 5


@register.simple_tag
def hardest_to_read():
    """The published pages with the highest reading grades, hardest first. A query per type."""
    pages = []
    for model in content_models():
        items = model.objects.published().filter(reading_grade__isnull=False)
        for item in items.order_by("-reading_grade")[:HARDEST_COUNT]:
            item.admin_url = reverse(admin_urlname(model._meta, "change"), args=[item.pk])
            pages.append(item)
    return {
        "pages": sorted(pages, key=lambda item: -item.reading_grade)[:HARDEST_COUNT],
        "target": settings.READABILITY_TARGET_GRADE,
    }
