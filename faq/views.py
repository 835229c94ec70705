"""The public FAQ page: every published question with its answer, a page at a time."""

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import ListView

from conditions import structured_data
from conditions.views import BreadcrumbMixin, published_conditions
from faq.models import FAQ

# Each question comes with its whole answer, its conditions and its review line: twenty make a
# long enough page on a phone, and one as quick at 10,000 conditions as the other lists.
FAQ_PAGE_SIZE = 20


class FAQListView(BreadcrumbMixin, ListView):
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


def question(request, slug):
    """`/faq/<slug>/`: to the question's answer, on the page of the FAQ list that holds it."""
    faq = FAQ.objects.published().filter(slug=slug).values("order", "question").first()
    if faq is None:
        raise Http404("No published question here")
    # Questions listed before it, in the list's order (order, question, slug).
    before = FAQ.objects.published().filter(
        Q(order__lt=faq["order"])
        | Q(order=faq["order"], question__lt=faq["question"])
        | Q(order=faq["order"], question=faq["question"], slug__lt=slug)
    )
    page = before.count() // FAQ_PAGE_SIZE + 1
    query = f"?page={page}" if page > 1 else ""
    return redirect(f"{reverse('faq:list')}{query}#{slug}")
