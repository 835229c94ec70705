"""The clinicians' editing screen for frequently asked questions."""

from django.contrib import admin

from conditions.admin import REVIEW_FIELDSET, ContentAdmin
from faq.models import FAQ


@admin.register(FAQ)
class FAQAdmin(ContentAdmin):
    list_display = ["question", "order", "status", "tag_list", "updated_at"]
    list_editable = ["order"]
    search_fields = ["question", "answer"]
    prepopulated_fields = {"slug": ["question"]}
    autocomplete_fields = ["conditions"]
    fieldsets = [
        (None, {"fields": ["question", "slug", "answer", "order", "conditions", "tags"]}),
        REVIEW_FIELDSET,
    ]
