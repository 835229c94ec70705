"""The clinicians' editing screen for frequently asked questions."""

from django.contrib import admin

from conditions.admin import ContentAdmin
from conditions.preview import UnsavedItem, form_choice, form_tags
from faq.models import FAQ
from faq.views import FAQDetailView


@admin.register(FAQ)
class FAQAdmin(ContentAdmin):
    public_view = FAQDetailView
    list_display = [
        "question",
        "order",
        "status",
        "signed_off",
        "has_working_draft",
        "grade",
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

    def preview_context(self, item, form):
        conditions = form_choice(form, item, "conditions").published().only("name", "slug")
        return {"faq": UnsavedItem(item, tags=form_tags(form, item), conditions=conditions)}
