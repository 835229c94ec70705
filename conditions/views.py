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
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from conditions import structured_data, symptom_checker
from conditions.mixins import (
    BreadcrumbMixin,
    ContentLanguageMixin,
    KeptCountMixin,
    KeptCountPaginator,
    PreviewMixin,
    StructuredDataMixin,
)
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
from kneeinfo import languages
from kneeinfo.cache import generation_cached

POPULAR_TAG_COUNT = 20
FAQ_TEASER_COUNT = 3
HOME_CONDITION_LIMIT = 40
# Every list is paginated so a page stays small and fast however much content there is: fifty
# entries is a long scroll on a phone already.
LIST_PAGE_SIZE = 50
SUBLIST_PAGE_SIZE = 50


def published_conditions():
    """Published conditions A–Z regardless of case, with only the columns that lists show."""
    # Plain `name` order is case-sensitive on SQLite and C-collated PostgreSQL: "anterior knee
    # pain" would follow "Zebra" and the A–Z page would grow a second "A" section.
    return Condition.objects.published().only("name", "slug", "summary").order_by(Lower("name"))


def condition_link_targets():
    """{phrase_key(name or alternate name): URL} of every published condition.

    One query, then kept in the cache until any content changes; the URLs are the active
    language's, so each language keeps its own.
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

    return generation_cached(f"condition-link-targets-{get_language()}", build)


def condition_body_render(condition):
    """The body as HTML, mentions of other published conditions linked to their pages."""
    html = render_markdown(condition.body)
    return autolink(html, condition_link_targets(), skip_url=condition.get_absolute_url())


def condition_body_html(condition):
    """The body as safe HTML, mentions of other conditions linked (to pages in the active
    language); cached until content changes."""
    if getattr(condition, "working_draft", None) is not None:
        # A staff preview of wording that is not live: never kept.
        return mark_safe(condition_body_render(condition))
    html = generation_cached(
        f"condition-body-{condition.pk}-{get_language()}", lambda: condition_body_render(condition)
    )
    return mark_safe(html)


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


def condition_lists(condition_id):
    """What a condition page lists beside its text, by name.

    Seven queries, then kept until content changes: the lists change only with content, and
    the condition page is the site's busiest.
    """

    def build():
        lists = {
            "symptoms": Symptom.objects.published()
            .filter(conditions=condition_id)
            .only("name", "slug"),
            "treatments": Treatment.objects.published()
            .filter(conditions=condition_id)
            .only("name", "slug", "kind"),
            "related": published_conditions().filter(related=condition_id),
            "similar": _similar(condition_id),
            "faqs": FAQ.objects.published()
            .filter(conditions=condition_id)
            .only("question", "slug", "answer"),
            "knee_areas": KneeArea.objects.filter(conditions=condition_id).only("name", "slug"),
            "tags": _visible_tags_of(condition_id).only("name", "slug", "is_hidden"),
        }
        return {name: list(items) for name, items in lists.items()}

    return generation_cached(f"condition-{condition_id}-lists", build)


def tag_uses():
    """(id, name, slug, uses) of each visible tag that published items carry, A–Z.

    Counting every tag's uses reads every tagged item, so the answer is kept in the cache until
    content changes. Plain tuples: a thousand pickled
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

    section = (_("Conditions A–Z"), "conditions:condition_list")
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


def _with_reviewer(items):
    return items.select_related("reviewed_by__clinician_profile")


def published_condition(slug):
    """The published condition at `slug`, with its reviewer, or None.

    One query, then kept until content changes, as the page's lists are.
    """
    return generation_cached(
        f"condition-{slug}",
        lambda: _with_reviewer(Condition.objects.published()).filter(slug=slug).first(),
    )


class ConditionDetailView(
    StructuredDataMixin, ContentLanguageMixin, PreviewMixin, BreadcrumbMixin, DetailView
):
    section = (_("Conditions A–Z"), "conditions:condition_list")
    context_object_name = "condition"

    def get_object(self, queryset=None):
        if self.can_preview(Condition):
            return super().get_object(queryset)
        condition = published_condition(self.kwargs["slug"])
        if condition is None:
            raise Http404("No published condition here")
        return condition

    def get_queryset(self):
        return _with_reviewer(self.content(Condition))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            body_html=condition_body_html(self.object), **condition_lists(self.object.pk), **kwargs
        )

    def structured_data(self, context):
        return structured_data.condition_page(
            self.request,
            self.object,
            context["breadcrumbs"],
            symptoms=context["symptoms"],
            treatments=context["treatments"],
            knee_areas=context["knee_areas"],
            in_language=context["translation"] and languages.tag(context["translation"].language),
        )


class SymptomListView(KeptCountMixin, BreadcrumbMixin, ListView):
    section = (_("Symptoms"), "conditions:symptom_list")
    context_object_name = "symptoms"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self):
        return Symptom.objects.published().only("name", "slug", "description")


class ItemConditionsView(ContentLanguageMixin, PreviewMixin, BreadcrumbMixin, DetailView):
    """A symptom's or a treatment's page: the item and the published conditions linked to it."""

    # The Condition field that links conditions to the item.
    condition_field = None

    def get_queryset(self):
        return _with_reviewer(self.content(self.model)).prefetch_related("tags")

    def get_context_data(self, **kwargs):
        conditions = published_conditions().filter(**{self.condition_field: self.object})
        key = f"{self.model._meta.model_name}-{self.object.pk}-conditions"
        page = KeptCountPaginator(conditions, SUBLIST_PAGE_SIZE, key=key).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(conditions=page, **kwargs)


class SymptomDetailView(ItemConditionsView):
    model = Symptom
    section = (_("Symptoms"), "conditions:symptom_list")
    context_object_name = "symptom"
    condition_field = "symptoms"


class TreatmentListView(KeptCountMixin, BreadcrumbMixin, ListView):
    section = (_("Treatments"), "conditions:treatment_list")
    context_object_name = "treatments"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self):
        return (
            Treatment.objects.published()
            .only("name", "slug", "kind", "description")
            .order_by("kind", "name")
        )


class TreatmentDetailView(ItemConditionsView):
    model = Treatment
    section = (_("Treatments"), "conditions:treatment_list")
    context_object_name = "treatment"
    condition_field = "treatments"


class TagListView(BreadcrumbMixin, ListView):
    section = (_("Topics"), "conditions:tag_list")
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


def tag_sections(tag_id):
    """What a topic page lists, by name: the published items with the tag, each kind in order."""
    return {
        "conditions": published_conditions().filter(tags=tag_id),
        "symptoms": Symptom.objects.published()
        .filter(tags=tag_id)
        .only("name", "slug")
        .order_by(Lower("name")),
        "treatments": Treatment.objects.published()
        .filter(tags=tag_id)
        .only("name", "slug")
        .order_by(Lower("name")),
        "faqs": FAQ.objects.published().filter(tags=tag_id).only("question", "slug"),
    }


class TagDetailView(BreadcrumbMixin, DetailView):
    section = (_("Topics"), "conditions:tag_list")
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
        """Every published item with the tag, each kind a page at a time (one page number).

        Counts and pages are kept until content changes: a query a kind for each. A topic no
        published item carries is not public: its page is a 404.
        """
        pk = self.object.pk
        counts = generation_cached(
            f"tag-{pk}-counts",
            lambda: {name: items.count() for name, items in tag_sections(pk).items()},
        )
        if not any(counts.values()):
            raise Http404("Nothing published carries this topic")
        # The longest list sets how many pages there are; shorter ones run out sooner.
        page_obj = Paginator(range(max(counts.values())), SUBLIST_PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        stop = page_obj.number * SUBLIST_PAGE_SIZE
        pages = generation_cached(
            f"tag-{pk}-page-{page_obj.number}",
            lambda: {
                name: list(items[stop - SUBLIST_PAGE_SIZE : stop])
                for name, items in tag_sections(pk).items()
            },
        )
        return super().get_context_data(**pages, page_obj=page_obj, **kwargs)


class SymptomCheckerView(BreadcrumbMixin, TemplateView):
    """ "What could be causing my knee pain?" A GET form, so every result page can be shared."""

    template_name = "conditions/symptom_checker.html"
    section = (_("What could be causing my knee pain?"), "conditions:symptom_checker")

    def get_context_data(self, **kwargs):
        areas = symptom_checker.knee_areas()
        form = symptom_checker.SymptomCheckerForm(
            self.request.GET or None, symptoms=symptom_checker.checker_symptoms(), areas=areas
        )
        context = super().get_context_data(form=form, areas=areas, **kwargs)
        if form.is_bound and form.is_valid() and form.has_choices:
            chosen = list(form.cleaned_data["symptom"])
            context.update(
                searched=True,
                chosen=chosen,
                chosen_area=form.cleaned_data["area"],
                red_flags=symptom_checker.red_flags_for(chosen),
                results=symptom_checker.conditions_ranked(
                    chosen, form.cleaned_data["onset"], form.cleaned_data["area"]
                ),
            )
        return context
