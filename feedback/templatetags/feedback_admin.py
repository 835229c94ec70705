"""The admin index's review box: pages patients found unhelpful."""

from django import template
from django.contrib.contenttypes.models import ContentType

from feedback.admin import page_admin_url, page_answers_url
from feedback.services import unhelpful_pages as unhelpful

register = template.Library()


@register.simple_tag
def unhelpful_pages():
    """Published pages with many "No" answers since their last review. One query per content
    type (content types come from Django's per-process cache)."""
    pages = unhelpful()
    for item in pages:
        item.admin_url = page_admin_url(item)
        item.answers_url = page_answers_url(ContentType.objects.get_for_model(item).pk, item.pk)
    return pages
