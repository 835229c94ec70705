"""The list of links to other sites, as `manage.py check_links` last found them. Read-only: the
command keeps the record, and a link is mended in the item that holds it."""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join

from links.models import ExternalLink, LinkUse


class BrokenFilter(admin.SimpleListFilter):
    title = "last check"
    parameter_name = "broken"

    def lookups(self, request, model_admin):
        return [("yes", "Broken"), ("no", "Working"), ("unchecked", "Not checked yet")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(is_broken=True)
        if self.value() == "no":
            return queryset.filter(is_broken=False, checked_at__isnull=False)
        if self.value() == "unchecked":
            return queryset.filter(checked_at__isnull=True)
        return queryset


@admin.register(ExternalLink)
class ExternalLinkAdmin(admin.ModelAdmin):
    list_display = ["address", "last_status", "checked_at", "found_in"]
    list_filter = [BrokenFilter]
    search_fields = ["url"]
    ordering = ["-is_broken", "url"]
    list_display_links = None  # the address links to the page itself; there is nothing to edit

    def get_queryset(self, request):
        uses = LinkUse.objects.select_related("content_type").prefetch_related("item")
        return super().get_queryset(request).prefetch_related(Prefetch("uses", uses))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Address", ordering="url")
    def address(self, link):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', link.url, link.url)

    @admin.display(description="Last status", ordering="status_code")
    def last_status(self, link):
        if link.redirected_to:
            return f"{link.status} (moved to {link.redirected_to})"
        return link.status

    @admin.display(description="Found in, at the last check")
    def found_in(self, link):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            ((use.admin_url, use.item, use.field_label) for use in link.uses.all() if use.item),
        )
