"""The search page: a form, and published conditions, symptoms, treatments and FAQs that match."""

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from conditions.mixins import BreadcrumbMixin
from search.backends import RESULTS_PER_PAGE, content_search
from search.query import MAX_QUERY_LENGTH, Query


class SearchView(BreadcrumbMixin, TemplateView):
    """`/search/?q=...&page=N`. Any query gives a page: none, odd or very long ones included."""

    template_name = "search/results.html"
    section = (_("Search"), "search:results")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = Query.parse(self.request.GET.get("q", ""))
        context.update(query=query, max_query_length=MAX_QUERY_LENGTH)
        if query:
            # get_page() turns a missing, malformed or out-of-range page number into a real page.
            number = self.request.GET.get("page")
            results = content_search(query, window=likely_window(number))
            page = Paginator(results, RESULTS_PER_PAGE).get_page(number)
            context.update(page_obj=page, results=page.object_list)
        return context


# Page numbers past this are taken for the first page's when guessing what a search will show.
MAX_LIKELY_PAGE = 10_000


def likely_window(number):
    """The results page `number` shows if it is in range: fetched with the count on PostgreSQL.

    A wrong guess (a page out of range, which get_page() replaces) costs one more query.
    """
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    first = (number - 1) * RESULTS_PER_PAGE if 1 <= number <= MAX_LIKELY_PAGE else 0
    return slice(first, first + RESULTS_PER_PAGE)
