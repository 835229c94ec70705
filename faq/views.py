"""The public FAQ page: every published question with its answer."""

from django.db.models import Prefetch
from django.views.generic import ListView

from conditions.views import BreadcrumbMixin, published_conditions
from faq.models import FAQ


class FAQListView(BreadcrumbMixin, ListView):
    section = ("Frequently asked questions", "faq:list")
    context_object_name = "faqs"

    def get_queryset(self):
        return FAQ.objects.published().prefetch_related(
            Prefetch("conditions", published_conditions().only("name", "slug"))
        )
