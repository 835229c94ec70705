"""Public pages for conditions, symptoms, treatments and tags.

The public sees published content only. Staff who may view a content type also see its drafts
at the public URL, under a "not public" banner, so they can preview before publishing.
"""

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, ListView, TemplateView

from conditions import navigator, structured_data
from conditions.models import (
    Condition,
    Initial,
    KneeArea,
    Symptom,
    Tag,
    TagRedirect,
    Treatment,
    page_url,
)
from conditions.text import autolink, phrase_key, render_markdown
from faq.models import FAQ
from kneeinfo.cache import generation_cached
from kneeinfo.prepared import PreparedLists, PreparedObject, PreparedQuery

POPULAR_TAG_COUNT = 20
FAQ_TEASER_COUNT = 3
HOME_CONDITION_LIMIT = 40
# Every list is paginated so a page stays small and fast however much content there is: fifty
# entries is a long scroll on a phone already, and each costs ~20 µs of template rendering.
LIST_PAGE_SIZE = 50
SUBLIST_PAGE_SIZE = 50


def paginate(request, queryset, count_key, per_page=SUBLIST_PAGE_SIZE):
    """The requested page of `queryset`; a bad or too-large page number gives the nearest page.

    `count_key` names the list for kept_count().
    """
    return kept_count(Paginator(queryset, per_page), count_key).get_page(request.GET.get("page"))


def kept_count(paginator, key):
    """`paginator`, with the number of items in its list kept until content changes.

    Counting every published item is the part of a list page whose cost grows with the
    catalogue (the A–Z page at 10,000 conditions: 0.8 ms of its 7 on PostgreSQL), and the count
    changes only with content. `key` names the list and whatever filters it.
    """
    paginator.count = generation_cached(f"count-{key}", paginator.object_list.count)
    return paginator


class KeptCountMixin:
    """A ListView whose number of items (for its pages) comes from kept_count()."""

    def get_paginator(self, queryset, per_page, **kwargs):
        return kept_count(super().get_paginator(queryset, per_page, **kwargs), self.count_key())

    def count_key(self):
        return type(self).__name__


def published_conditions():
    """Published conditions A–Z regardless of case, with only the columns that lists show."""
    # Plain `name` order is case-sensitive on SQLite and C-collated PostgreSQL: "anterior knee
    # pain" would follow "Zebra" and the A–Z page would grow a second "A" section.
    return Condition.objects.published().only("name", "slug", "summary").order_by(Lower("name"))


def condition_link_targets():
    """{phrase_key(name or alternate name): URL} of every published condition.

    One query, then kept in the cache until any content changes.
    """

    def build():
        targets = {}
        for name, alternate_names, slug in Condition.objects.published().values_list(
            "name", "alternate_names", "slug"
        ):
            url = page_url("conditions:condition_detail", slug)
            for each in [name, *alternate_names.splitlines()]:
                if phrase_key(each):
                    targets.setdefault(phrase_key(each), url)
        return targets

    return generation_cached("condition-link-targets", build)


def condition_body_html(condition):
    """The body as safe HTML, mentions of other conditions linked; cached until content changes."""

    def build():
        html = render_markdown(condition.body)
        return autolink(html, condition_link_targets(), skip_url=condition.get_absolute_url())

    return mark_safe(generation_cached(f"condition-body-{condition.pk}", build))


SIMILAR_COUNT = 5


def _visible_tags_of(condition_id):
    """The visible tags of a condition, A–Z."""
    return Tag.objects.visible().filter(
        tagged_items__content_type__app_label=Condition._meta.app_label,
        tagged_items__content_type__model=Condition._meta.model_name,
        tagged_items__object_id=condition_id,
    )


def _similar(condition_id):
    """Published conditions sharing the most visible tags, curated related ones left out."""
    curated = Condition.related.through.objects.filter(from_condition=condition_id)
    return (
        published_conditions()
        .filter(tags__in=_visible_tags_of(condition_id).values("pk"))
        .exclude(pk=condition_id)
        .exclude(pk__in=curated.values("to_condition"))
        .annotate(shared_tags=Count("tags", distinct=True))
        .order_by("-shared_tags", Lower("name"))[:SIMILAR_COUNT]
    )


# What a condition page lists: prepared queries (kneeinfo/prepared.py) by condition id, run as one.
CONDITION_LISTS = PreparedLists(
    {
        "symptoms": PreparedQuery(
            Symptom,
            ["id", "name", "slug"],
            lambda pk: Symptom.objects.published().filter(conditions=pk),
        ),
        "treatments": PreparedQuery(
            Treatment,
            ["id", "name", "slug", "kind"],
            lambda pk: Treatment.objects.published().filter(conditions=pk),
        ),
        "related": PreparedQuery(
            Condition,
            ["id", "name", "slug", "summary"],
            lambda pk: published_conditions().filter(related=pk),
        ),
        "similar": PreparedQuery(Condition, ["id", "name", "slug", "summary"], _similar),
        "faqs": PreparedQuery(
            FAQ,
            ["id", "question", "slug", "answer"],
            lambda pk: FAQ.objects.published().filter(conditions=pk),
        ),
        "knee_areas": PreparedQuery(
            KneeArea, ["id", "name", "slug"], lambda pk: KneeArea.objects.filter(conditions=pk)
        ),
        "tags": PreparedQuery(Tag, ["id", "name", "slug", "is_hidden"], _visible_tags_of),
    }
)


class PreviewMixin:
    """Let staff with view permission open unpublished items; everyone else gets a 404."""

    def can_preview(self, model):
        user = self.request.user
        opts = model._meta
        return user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")

    def content(self, model):
        return model.objects.all() if self.can_preview(model) else model.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = not self.object.is_published
        return context


class BreadcrumbMixin:
    """Give the page a breadcrumb trail: Home › its list page › the item (if it is one)."""

    section = ("Conditions A–Z", "conditions:condition_list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        label, url_name = self.section
        item = context.get("object")
        context["breadcrumbs"] = (
            [(label, page_url(url_name)), (str(item), None)] if item else [(label, None)]
        )
        return context


def tag_uses():
    """(id, name, slug, uses) of each visible tag that published items carry, A–Z.

    Counting every tag's uses reads every tagged item (66,000 at 10,000 conditions: 170–210 ms),
    so the answer is kept in the cache until content changes. Plain tuples: a thousand pickled
    model instances would take longer to load than the page takes to render.
    """
    return generation_cached(
        "tag-uses",
        lambda: list(
            Tag.objects.visible()
            .with_published_use()
            .order_by(Lower("name"))
            .values_list("pk", "name", "slug", "use_count")
        ),
    )


def tag_with_uses(pk, name, slug, uses):
    """A tag from tag_uses(), enough of it for a link, with its `use_count`."""
    tag = Tag(pk=pk, name=name, slug=slug)
    tag.use_count = uses
    return tag


def popular_tags():
    """The most used visible tags, equal uses A–Z (the sort is stable)."""
    return generation_cached(
        "popular-tags",
        lambda: [
            tag_with_uses(*use)
            for use in sorted(tag_uses(), key=lambda use: -use[3])[:POPULAR_TAG_COUNT]
        ],
    )


class HomeView(TemplateView):
    template_name = "conditions/home.html"

    def get_context_data(self, **kwargs):
        conditions = list(published_conditions()[: HOME_CONDITION_LIMIT + 1])
        return super().get_context_data(
            conditions=conditions[:HOME_CONDITION_LIMIT],
            more_conditions=len(conditions) > HOME_CONDITION_LIMIT,
            popular_tags=popular_tags(),
            faqs=FAQ.objects.published()[:FAQ_TEASER_COUNT],
            **kwargs,
        )


class ConditionListView(KeptCountMixin, BreadcrumbMixin, ListView):
    """A–Z, a page at a time; `?letter=B` shows the conditions under one letter."""

    context_object_name = "conditions"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self):
        conditions = published_conditions()
        if self.letter:
            conditions = conditions.alias(initial=Initial("name")).filter(initial=self.letter)
        return conditions

    @cached_property
    def letter(self):
        letter = self.request.GET.get("letter", "").strip().upper()
        return letter if len(letter) == 1 else ""

    def count_key(self):
        # The letter by its code point: any character typed in the address makes a valid key.
        return f"{super().count_key()}-{ord(self.letter) if self.letter else 'all'}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(letters=condition_initials(), letter=self.letter, **kwargs)


def condition_initials():
    """The first letters of published conditions' names, for the A–Z letter links.

    Reading them means reading every name, so they are kept until content changes.
    """
    return generation_cached(
        "condition-initials",
        lambda: list(
            Condition.objects.published()
            .annotate(initial=Initial("name"))
            .values_list("initial", flat=True)
            .distinct()
            .order_by("initial")
        ),
    )


def _with_reviewer(conditions):
    return conditions.select_related("reviewed_by__clinician_profile")


PUBLISHED_CONDITION = PreparedObject(
    lambda slug: _with_reviewer(Condition.objects.published()).filter(slug=slug)
)


class ConditionDetailView(PreviewMixin, BreadcrumbMixin, DetailView):
    context_object_name = "condition"

    def get_object(self, queryset=None):
        if self.can_preview(Condition):
            return super().get_object(queryset)
        # Everyone else, on the busiest page: the published condition, from a prepared query.
        condition = PUBLISHED_CONDITION(self.kwargs["slug"])
        if condition is None:
            raise Http404("No published condition here")
        return condition

    def get_context_data(self, **kwargs):
        condition = self.object
        lists = CONDITION_LISTS(condition.pk)
        context = super().get_context_data(
            body_html=condition_body_html(condition), **lists, **kwargs
        )
        context["structured_data"] = structured_data.condition_page(
            self.request,
            condition,
            context["breadcrumbs"],
            symptoms=lists["symptoms"],
            treatments=lists["treatments"],
            knee_areas=lists["knee_areas"],
        )
        return context

    def get_queryset(self):
        return _with_reviewer(self.content(Condition))


class SymptomListView(KeptCountMixin, BreadcrumbMixin, ListView):
    section = ("Symptoms", "conditions:symptom_list")
    context_object_name = "symptoms"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self):
        return Symptom.objects.published().only("name", "slug", "description")


class SymptomDetailView(PreviewMixin, BreadcrumbMixin, DetailView):
    section = ("Symptoms", "conditions:symptom_list")
    context_object_name = "symptom"

    def get_queryset(self):
        return (
            self.content(Symptom)
            .prefetch_related("tags")
            .select_related("reviewed_by__clinician_profile")
        )

    def get_context_data(self, **kwargs):
        conditions = published_conditions().filter(symptoms=self.object)
        page = paginate(self.request, conditions, f"symptom-{self.object.pk}-conditions")
        return super().get_context_data(conditions=page, **kwargs)


class TreatmentListView(KeptCountMixin, BreadcrumbMixin, ListView):
    section = ("Treatments", "conditions:treatment_list")
    context_object_name = "treatments"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self):
        return (
            Treatment.objects.published()
            .only("name", "slug", "kind", "description")
            .order_by("kind", "name")
        )


class TreatmentDetailView(PreviewMixin, BreadcrumbMixin, DetailView):
    section = ("Treatments", "conditions:treatment_list")
    context_object_name = "treatment"

    def get_queryset(self):
        return (
            self.content(Treatment)
            .prefetch_related("tags")
            .select_related("reviewed_by__clinician_profile")
        )

    def get_context_data(self, **kwargs):
        conditions = published_conditions().filter(treatments=self.object)
        page = paginate(self.request, conditions, f"treatment-{self.object.pk}-conditions")
        return super().get_context_data(conditions=page, **kwargs)


class TagListView(BreadcrumbMixin, ListView):
    section = ("Topics", "conditions:tag_list")
    template_name = "conditions/tag_list.html"
    context_object_name = "tags"
    paginate_by = 2 * LIST_PAGE_SIZE

    def get_queryset(self):
        return tag_uses()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tags = context["tags"] = [tag_with_uses(*use) for use in context["tags"]]
        most = max((tag.use_count for tag in tags), default=1)
        for tag in tags:
            # Five sizes, by share of the most-used tag, so the cloud reads at a glance.
            tag.size = 1 + round(4 * (tag.use_count - 1) / max(most - 1, 1))
        return context


# What a topic page lists: prepared queries (kneeinfo/prepared.py) by tag id, run as one.
TAG_SECTIONS = PreparedLists(
    {
        "conditions": PreparedQuery(
            Condition,
            ["id", "name", "slug", "summary"],
            lambda pk: published_conditions().filter(tags=pk),
        ),
        "symptoms": PreparedQuery(
            Symptom,
            ["id", "name", "slug"],
            lambda pk: Symptom.objects.published().filter(tags=pk).order_by(Lower("name")),
        ),
        "treatments": PreparedQuery(
            Treatment,
            ["id", "name", "slug"],
            lambda pk: Treatment.objects.published().filter(tags=pk).order_by(Lower("name")),
        ),
        "faqs": PreparedQuery(
            FAQ, ["id", "question", "slug"], lambda pk: FAQ.objects.published().filter(tags=pk)
        ),
    }
)


class TagDetailView(BreadcrumbMixin, DetailView):
    section = ("Topics", "conditions:tag_list")
    context_object_name = "tag"

    def get_queryset(self):
        return Tag.objects.visible()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A renamed or merged tag's old address leads to the tag it became.
            moved = TagRedirect.objects.filter(old_slug=kwargs["slug"]).select_related("tag")
            moved = moved.filter(tag__is_hidden=False).first()
            if moved is None:
                raise
            return redirect(moved.tag, permanent=True)

    def get_context_data(self, **kwargs):
        """Every published item with the tag, each kind a page at a time (one page number)."""
        counts = TAG_SECTIONS.counts(self.object.pk)
        # The longest list sets how many pages there are; shorter ones run out sooner.
        page_obj = Paginator(range(max(counts.values())), SUBLIST_PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        stop = page_obj.number * SUBLIST_PAGE_SIZE
        pages = TAG_SECTIONS(self.object.pk, start=stop - SUBLIST_PAGE_SIZE, stop=stop)
        return super().get_context_data(**pages, page_obj=page_obj, **kwargs)


class SymptomCheckerView(BreadcrumbMixin, TemplateView):
    """ "What could be causing my knee pain?" A GET form, so every result page can be shared."""

    template_name = "conditions/symptom_checker.html"
    section = ("What could be causing my knee pain?", "conditions:symptom_checker")

    def get_context_data(self, **kwargs):
        areas = list(navigator.knee_areas())
        form = navigator.SymptomCheckerForm(
            self.request.GET or None, symptoms=list(navigator.navigator_symptoms()), areas=areas
        )
        context = super().get_context_data(form=form, areas=areas, **kwargs)
        if form.is_bound and form.is_valid() and form.has_choices:
            chosen = list(form.cleaned_data["symptom"])
            context.update(
                searched=True,
                chosen=chosen,
                chosen_area=form.cleaned_data["area"],
                red_flags=navigator.red_flags_for(chosen),
                results=navigator.conditions_ranked(
                    chosen, form.cleaned_data["onset"], form.cleaned_data["area"]
                ),
            )
        return context
