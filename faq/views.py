"""The public FAQ pages: every published question with its answer, a page at a time, and each
question on a page of its own."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from conditions import structured_data
from conditions.mixins import (
    BreadcrumbMixin,
    ContentLanguageMixin,
    KeptCountMixin,
    PreviewMixin,
    StructuredDataMixin,
)
from conditions.views import published_conditions
from faq.models import FAQ

# Each question comes with its whole answer, its conditions and its review line: twenty make a
# long enough page on a phone, and one as quick at 10,000 conditions as the other lists.
FAQ_PAGE_SIZE = 20
SECTION = (_("Frequently asked questions"), "faq:list")


def linked_conditions():
    """Prefetch an FAQ's published conditions, enough of each for a link."""
    return Prefetch("conditions", published_conditions().only("name", "slug"))


class FAQListView(StructuredDataMixin, KeptCountMixin, BreadcrumbMixin, ListView):
    section = SECTION
    context_object_name = "faqs"
    paginate_by = FAQ_PAGE_SIZE

    def get_queryset(self):
        return (
            FAQ.objects.published()
            .prefetch_related(linked_conditions())
            .select_related("reviewed_by__clinician_profile")
        )

    def structured_data(self, context):
        return structured_data.faq_page(self.request, context["faqs"], context["breadcrumbs"])


class FAQDetailView(
    StructuredDataMixin, ContentLanguageMixin, PreviewMixin, BreadcrumbMixin, DetailView
):
    """`/faq/<slug>/`: one question and its answer, a page to share, bookmark and find."""

    section = SECTION
    context_object_name = "faq"

    def get_queryset(self):
        return (
            self.content(FAQ)
            .prefetch_related(linked_conditions(), "tags")
            .select_related("reviewed_by__clinician_profile")
        )

    def structured_data(self, context):
        return structured_data.faq_page(self.request, [self.object], context["breadcrumbs"])
