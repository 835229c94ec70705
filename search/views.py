"""The search page: a form, and published conditions, symptoms, treatments and FAQs that match."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from conditions.views import BreadcrumbMixin
from search.backends import content_search
from search.query import MAX_QUERY_LENGTH, Query

RESULTS_PER_PAGE = 20


class SearchView(BreadcrumbMixin, TemplateView):
    """`/search/?q=...&page=N`. Any query gives a page: none, odd or very long ones included."""

    template_name = "search/results.html"
    section = ("Search", "search:results")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = Query.parse(self.request.GET.get("q", ""))
        context.update(query=query, max_query_length=MAX_QUERY_LENGTH)
        if query:
            # get_page() turns a missing, malformed or out-of-range page number into a real page.
            paginator = Paginator(content_search(query), RESULTS_PER_PAGE)
            page = paginator.get_page(self.request.GET.get("page"))
            context.update(page_obj=page, results=page.object_list)
        return context
