"""The public FAQ pages: every published question with its answer, a page at a time, and each
question on a page of its own."""

from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from conditions import structured_data
from conditions.views import (
    BreadcrumbMixin,
    KeptCountMixin,
    PreviewMixin,
    published_conditions,
)
from faq.models import FAQ

# Each question comes with its whole answer, its conditions and its review line: twenty make a
# long enough page on a phone, and one as quick at 10,000 conditions as the other lists.
FAQ_PAGE_SIZE = 20


class FAQListView(KeptCountMixin, BreadcrumbMixin, ListView):
    section = ("Frequently asked questions", "faq:list")
    context_object_name = "faqs"
    paginate_by = FAQ_PAGE_SIZE

    def get_queryset(self):
        return (
            FAQ.objects.published()
            .prefetch_related(Prefetch("conditions", published_conditions().only("name", "slug")))
            .select_related("reviewed_by__clinician_profile")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = structured_data.faq_page(
            self.request, context["faqs"], context["breadcrumbs"]
        )
        return context


class FAQDetailView(PreviewMixin, BreadcrumbMixin, DetailView):
    """`/faq/<slug>/`: one question and its answer, a page to share, bookmark and find."""

    section = ("Frequently asked questions", "faq:list")
    context_object_name = "faq"

    def get_queryset(self):
        return (
            self.content(FAQ)
            .prefetch_related(
                Prefetch("conditions", published_conditions().only("name", "slug")), "tags"
            )
            .select_related("reviewed_by__clinician_profile")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = structured_data.faq_page(
            self.request, [self.object], context["breadcrumbs"]
        )
        return context
