"""The clinicians' editing screen for frequently asked questions."""

from django.contrib import admin

from conditions.admin import ContentAdmin
from faq.models import FAQ


@admin.register(FAQ)
class FAQAdmin(ContentAdmin):
    list_display = [
        "question",
        "order",
        "status",
        "signed_off",
        "has_working_draft",
        "tag_list",
        "updated_at",
    ]
    search_fields = ["question", "answer"]
    prepopulated_fields = {"slug": ["question"]}
    autocomplete_fields = ["conditions"]
    fieldsets = [
        (None, {"fields": ["question", "slug", "answer", "order", "conditions", "tags"]}),
        ContentAdmin.review_fieldset,
    ]
