"""The public FAQ page: every published question with its answer."""

from django.db.models import Prefetch
from django.views.generic import ListView

from conditions import structured_data
from conditions.views import BreadcrumbMixin, published_conditions
from faq.models import FAQ


class FAQListView(BreadcrumbMixin, ListView):
    section = ("Frequently asked questions", "faq:list")
    context_object_name = "faqs"
    paginate_by = 50

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
