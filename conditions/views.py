"""Public pages for conditions, symptoms, treatments and tags. Published content only."""

from django.db.models import Prefetch
from django.urls import reverse
from django.views.generic import DetailView, ListView, TemplateView

from conditions.models import Condition, Symptom, Tag, Treatment
from faq.models import FAQ

POPULAR_TAG_COUNT = 20
FAQ_TEASER_COUNT = 3


def published_conditions():
    """Published conditions with only the columns that lists show."""
    return Condition.objects.published().only("name", "slug", "summary")


class BreadcrumbMixin:
    """Give the page a breadcrumb trail: Home › its list page › the item (if it is one)."""

    section = ("Conditions A–Z", "conditions:condition_list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        label, url_name = self.section
        item = context.get("object")
        context["breadcrumbs"] = (
            [(label, reverse(url_name)), (str(item), None)] if item else [(label, None)]
        )
        return context


class HomeView(TemplateView):
    template_name = "conditions/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            conditions=published_conditions(),
            popular_tags=Tag.objects.with_published_use().order_by("-use_count", "name")[
                :POPULAR_TAG_COUNT
            ],
            faqs=FAQ.objects.published()[:FAQ_TEASER_COUNT],
            **kwargs,
        )


class ConditionListView(BreadcrumbMixin, ListView):
    context_object_name = "conditions"

    def get_queryset(self):
        return published_conditions()


class ConditionDetailView(BreadcrumbMixin, DetailView):
    context_object_name = "condition"

    def get_queryset(self):
        return Condition.objects.published().prefetch_related(
            Prefetch("symptoms", Symptom.objects.published().only("name", "slug")),
            Prefetch("treatments", Treatment.objects.published().only("name", "slug", "kind")),
            Prefetch("related", published_conditions()),
            Prefetch("faqs", FAQ.objects.published()),
            "knee_areas",
            "tags",
        )


class SymptomListView(BreadcrumbMixin, ListView):
    section = ("Symptoms", "conditions:symptom_list")
    context_object_name = "symptoms"

    def get_queryset(self):
        return Symptom.objects.published().only("name", "slug", "description")


class SymptomDetailView(BreadcrumbMixin, DetailView):
    section = ("Symptoms", "conditions:symptom_list")
    context_object_name = "symptom"

    def get_queryset(self):
        return Symptom.objects.published().prefetch_related(
            Prefetch("conditions", published_conditions()), "tags"
        )


class TreatmentListView(BreadcrumbMixin, ListView):
    section = ("Treatments", "conditions:treatment_list")
    context_object_name = "treatments"

    def get_queryset(self):
        return (
            Treatment.objects.published()
            .only("name", "slug", "kind", "description")
            .order_by("kind", "name")
        )


class TreatmentDetailView(BreadcrumbMixin, DetailView):
    section = ("Treatments", "conditions:treatment_list")
    context_object_name = "treatment"

    def get_queryset(self):
        return Treatment.objects.published().prefetch_related(
            Prefetch("conditions", published_conditions()), "tags"
        )


class TagListView(BreadcrumbMixin, ListView):
    section = ("Topics", "conditions:tag_list")
    context_object_name = "tags"

    def get_queryset(self):
        return Tag.objects.with_published_use().order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tags = context["tags"]
        most = max((tag.use_count for tag in tags), default=1)
        for tag in tags:
            # Five sizes, by share of the most-used tag, so the cloud reads at a glance.
            tag.size = 1 + round(4 * (tag.use_count - 1) / max(most - 1, 1))
        return context


class TagDetailView(BreadcrumbMixin, DetailView):
    section = ("Topics", "conditions:tag_list")
    model = Tag
    context_object_name = "tag"

    def get_context_data(self, **kwargs):
        tag = self.object
        return super().get_context_data(
            conditions=published_conditions().filter(tags=tag),
            symptoms=Symptom.objects.published().filter(tags=tag).only("name", "slug"),
            treatments=Treatment.objects.published().filter(tags=tag).only("name", "slug"),
            faqs=FAQ.objects.published().filter(tags=tag).only("question", "slug"),
            **kwargs,
        )
