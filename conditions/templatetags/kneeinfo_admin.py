"""Admin index additions: what is overdue or soon due for clinical review, and other to-dos."""

from django import template
from django.conf import settings
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.db.models import Q
from django.urls import reverse

from conditions.admin_import import can_preview_import
from conditions.models import REVIEW_SOON_DAYS, content_models
from faq.models import FAQ
from links.services import items_with_broken_links

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


@register.simple_tag(takes_context=True)
def article_import_url(context):
    """The admin's "Import an article" page, for those who may use it; else ''."""
    if can_preview_import(context["request"].user):
        return reverse("admin:conditions_condition_import")
    return ""


@register.simple_tag
def waiting_to_go_live():
    """Live items with a working draft, and items scheduled to go live or be taken down.

    Two queries per content type, and one for the drafts' items of each type."""
    drafts, scheduled = [], []
    for model in content_models():
        for item in model.objects.filter(working_drafts__isnull=False).distinct():
            item.admin_url = reverse(admin_urlname(model._meta, "change"), args=[item.pk])
            item.kind = model._meta.verbose_name
            drafts.append(item)
        due = model.objects.filter(Q(go_live_at__isnull=False) | Q(take_down_at__isnull=False))
        for item in due:
            item.admin_url = reverse(admin_urlname(model._meta, "change"), args=[item.pk])
            item.when = min(t for t in (item.go_live_at, item.take_down_at) if t is not None)
            scheduled.append(item)
    return {"drafts": drafts, "scheduled": sorted(scheduled, key=lambda item: item.when)}


@register.simple_tag
def broken_links():
    """Items holding a link to another site that `check_links` last found broken."""
    return items_with_broken_links()


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
