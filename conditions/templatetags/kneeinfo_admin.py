"""Admin index additions: what is overdue or soon due for clinical review."""

from datetime import timedelta

from django import template
from django.urls import reverse
from django.utils import timezone

from conditions.admin import REVIEW_SOON_DAYS
from conditions.models import content_models

register = template.Library()


@register.simple_tag
def review_due():
    """Items past or near their review date, soonest first. Two queries per content type."""
    today = timezone.localdate()
    soon = today + timedelta(days=REVIEW_SOON_DAYS)
    overdue, upcoming = [], []
    for model in content_models():
        url_name = f"admin:{model._meta.app_label}_{model._meta.model_name}_change"
        for bucket, items in (
            (overdue, model.objects.filter(next_review_due__lt=today)),
            (upcoming, model.objects.filter(next_review_due__range=(today, soon))),
        ):
            for item in items.order_by("next_review_due"):
                item.admin_url = reverse(url_name, args=[item.pk])
                bucket.append(item)
    return {
        "overdue": sorted(overdue, key=lambda item: item.next_review_due),
        "soon": sorted(upcoming, key=lambda item: item.next_review_due),
        "days": REVIEW_SOON_DAYS,
    }
