"""The clinicians' editing screens for conditions, symptoms, treatments, tags and knee areas."""

from django.contrib import admin

from conditions.models import Condition, KneeArea, Symptom, Tag, Treatment


class ContentAdmin(admin.ModelAdmin):
    """What every content type's admin shares: state filters, tags, timestamps."""

    list_filter = ["status", "next_review_due", "tags"]
    readonly_fields = ["created_at", "updated_at"]
    save_on_top = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="Tags")
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())


REVIEW_FIELDSET = (
    "Publishing and review",
    {"fields": ["status", "last_reviewed_on", "next_review_due", "created_at", "updated_at"]},
)


class NamedContentAdmin(ContentAdmin):
    list_display = ["name", "status", "tag_list", "next_review_due", "updated_at"]
    search_fields = ["name", "alternate_names", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Condition)
class ConditionAdmin(NamedContentAdmin):
    list_filter = ["status", "urgency", "knee_areas", "next_review_due", "tags"]
    search_fields = [*NamedContentAdmin.search_fields, "summary", "body"]
    autocomplete_fields = ["symptoms", "treatments", "related"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "alternate_names", "summary", "body"]}),
        ("Urgent help", {"fields": ["urgency", "urgent_help"]}),
        (
            "Links",
            {"fields": ["knee_areas", "symptoms", "treatments", "related", "tags"]},
        ),
        REVIEW_FIELDSET,
    ]


@admin.register(Symptom)
class SymptomAdmin(NamedContentAdmin):
    search_fields = [*NamedContentAdmin.search_fields, "description"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "alternate_names", "description", "tags"]}),
        REVIEW_FIELDSET,
    ]


@admin.register(Treatment)
class TreatmentAdmin(NamedContentAdmin):
    list_display = ["name", "kind", *NamedContentAdmin.list_display[1:]]
    list_filter = ["kind", *ContentAdmin.list_filter]
    search_fields = [*NamedContentAdmin.search_fields, "description"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "alternate_names", "description", "tags"]}),
        REVIEW_FIELDSET,
    ]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(KneeArea)
class KneeAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
