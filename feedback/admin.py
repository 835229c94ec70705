"""Patients' answers in the admin: every answer, and each page's counts with its recent comments.

Read-only for everyone: answers are what patients said. Clinicians and content staff may view
them (feedback/migrations/0002_view_permissions.py); only a superuser may delete one, say a
comment that still holds a personal detail the redaction missed.
"""

from django.contrib import admin
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from feedback.models import Feedback

# Pages of the by-page summary, and the comments shown with each page there.
PAGES_PER_SCREEN = 50
RECENT_COMMENTS = 3


def page_admin_url(item):
    """The admin change page of a content item."""
    return reverse(admin_urlname(item._meta, "change"), args=[item.pk])


def page_answers_url(content_type_id, object_id):
    """The list of every answer about one page."""
    query = urlencode({"content_type__id__exact": content_type_id, "object_id": object_id})
    return f"{reverse('admin:feedback_feedback_changelist')}?{query}"


class CommentFilter(admin.SimpleListFilter):
    title = "comment"
    parameter_name = "comment"

    def lookups(self, request, model_admin):
        return [("yes", "With a comment"), ("no", "Without a comment")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(comment="")
        if self.value() == "no":
            return queryset.filter(comment="")
        return queryset


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page_link", "answer", "comment"]
    list_display_links = None
    list_filter = [
        "helpful",
        CommentFilter,
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    list_select_related = ["content_type"]
    search_fields = ["comment"]
    date_hierarchy = "created_at"
    fields = ["created_at", "page_link", "answer", "comment"]
    readonly_fields = fields
    change_list_template = "admin/feedback/feedback/change_list.html"

    def get_queryset(self, request):
        # Each page once per content type, however many answers name it.
        return super().get_queryset(request).prefetch_related("page")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="page", ordering="content_type")
    def page_link(self, obj):
        if obj.page is None:
            return "(deleted)"
        return format_html(
            '<a href="{}">{}</a> ({})', page_admin_url(obj.page), obj.page, obj.content_type.name
        )

    @admin.display(description="helpful?", ordering="helpful")
    def answer(self, obj):
        return "Yes" if obj.helpful else "No"

    def get_urls(self):
        return [
            path(
                "pages/",
                self.admin_site.admin_view(self.pages_view),
                name="feedback_feedback_pages",
            ),
            *super().get_urls(),
        ]

    def pages_view(self, request):
        """Every page patients answered about: its Yes and No counts and newest comments.

        Most "No" answers first. Queries: the count and this screen of pages, their newest
        comments, and the pages themselves (one per content type).
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        counts = (
            Feedback.objects.values("content_type", "object_id")
            .annotate(
                yes=Count("pk", filter=Q(helpful=True)),
                no=Count("pk", filter=Q(helpful=False)),
                last=Max("created_at"),
            )
            .order_by("-no", "-last", "content_type", "object_id")
        )
        screen = Paginator(counts, PAGES_PER_SCREEN).get_page(request.GET.get("p"))
        rows = list(screen)
        pages = Q(pk__in=[])
        for row in rows:
            pages |= Q(content_type=row["content_type"], object_id=row["object_id"])
        newest = (
            Feedback.objects.filter(pages)
            .exclude(comment="")
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("content_type"), F("object_id")],
                    order_by=[F("created_at").desc(), F("pk").desc()],
                )
            )
            .filter(rank__lte=RECENT_COMMENTS)
        )
        comments = {}
        for answer in newest:  # newest first (the model's ordering)
            comments.setdefault((answer.content_type_id, answer.object_id), []).append(answer)
        items = {}
        for content_type_id in {row["content_type"] for row in rows}:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            ids = [row["object_id"] for row in rows if row["content_type"] == content_type_id]
            for pk, item in model.objects.in_bulk(ids).items():
                items[(content_type_id, pk)] = item
        for row in rows:
            key = (row["content_type"], row["object_id"])
            row["item"] = item = items.get(key)
            if item is not None:
                row["kind"] = item._meta.verbose_name
                row["admin_url"] = page_admin_url(item)
            row["answers_url"] = page_answers_url(*key)
            row["comments"] = comments.get(key, [])
        context = {
            **self.admin_site.each_context(request),
            "title": "Patient feedback by page",
            "opts": self.opts,
            "rows": rows,
            "screen": screen,
            "recent_comments": RECENT_COMMENTS,
        }
        return TemplateResponse(request, "admin/feedback/pages.html", context)
