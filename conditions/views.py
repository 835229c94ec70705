"""Public pages for conditions, symptoms, treatments and tags.

The public sees published content only. Staff who may view a content type also see its drafts
at the public URL, under a "not public" banner, so they can preview before publishing.
"""

from django.conf import settings
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
    ListInPageLanguageMixin,
    PreviewMixin,
    StructuredDataMixin,
    in_page_language,
    items_in_page_language,
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
from conditions.text import autolink, fold, phrase_key, render_markdown
from faq.models import FAQ
from kneeinfo import languages
from kneeinfo.cache import generation_cached
from translations.services import (
    TranslatedItem,
    live_translations,
    translated_items,
    translated_names,
)

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


# What a condition page lists that has translations of its own (knee areas are named by the
# interface's catalog; topics are one vocabulary).
TRANSLATED_LISTS = ("symptoms", "treatments", "related", "similar", "faqs")


def condition_lists_in_page_language(condition_id):
    """condition_lists() as a page in the active language shows them: each item with a live
    translation reads it. In another language than English one query a list, then kept until
    content changes."""
    lists = condition_lists(condition_id)
    language = get_language()
    if language == settings.LANGUAGE_CODE:
        return lists
    return generation_cached(
        f"condition-{condition_id}-lists-{language}",
        lambda: {
            name: items_in_page_language(items) if name in TRANSLATED_LISTS else items
            for name, items in lists.items()
        },
    )


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
        conditions = list(conditions_az()[: HOME_CONDITION_LIMIT + 1])
        return super().get_context_data(
            conditions=conditions[:HOME_CONDITION_LIMIT],
            more_conditions=len(conditions) > HOME_CONDITION_LIMIT,
            popular_tags=popular_tags(),
            faqs=items_in_page_language(FAQ.objects.published()[:FAQ_TEASER_COUNT]),
            **kwargs,
        )


class ConditionListView(KeptCountMixin, BreadcrumbMixin, ListView):
    """A–Z, a page at a time; `?letter=B` shows the conditions under one letter."""

    section = (_("Conditions A–Z"), "conditions:condition_list")
    # Named: in another language the list is a TranslatedAZ, not a queryset to name it by.
    template_name = "conditions/condition_list.html"
    context_object_name = "conditions"
    paginate_by = LIST_PAGE_SIZE

    def get_queryset(self):
        return conditions_az(self.letter)

    @cached_property
    def letter(self):
        letter = self.request.GET.get("letter", "").strip().upper()
        return letter if len(letter) == 1 else ""

    def count_key(self):
        # The letter by its code point: any character typed in the address makes a valid key.
        letter = ord(self.letter) if self.letter else "all"
        return f"{super().count_key()}-{get_language()}-{letter}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(letters=condition_initials(), letter=self.letter, **kwargs)


def conditions_az(letter=""):
    """Published conditions A–Z (under `letter` only, if given) in the active language: a
    queryset in English, a TranslatedAZ in another language."""
    language = get_language()
    if language != settings.LANGUAGE_CODE:
        return TranslatedAZ(language, letter)
    conditions = published_conditions()
    if letter:
        conditions = conditions.alias(initial=Initial("name")).filter(initial=letter)
    return conditions


def condition_initials():
    """The first letters of published conditions' names in the active language, for the A–Z
    letter links.

    Reading them means reading every name, so they are kept until content changes.
    """
    language = get_language()
    if language != settings.LANGUAGE_CODE:
        return sorted({initial for initial, _, _ in translated_az(language)})
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


def translated_az(language):
    """(initial, sort key, pk) of every published condition by its name in `language` (its
    live translation's, else the English), A–Z. Two queries, then kept until content changes:
    the order of translated names is not in any index."""

    def build():
        names = dict(Condition.objects.published().values_list("pk", "name"))
        names.update(translated_names([Condition(pk=pk) for pk in names], language))
        # Case and accents aside, as a reader expects: "Óseo" with the O's.
        entries = [(fold(name).casefold(), pk) for pk, name in names.items()]
        return [(key[:1].upper(), key, pk) for key, pk in sorted(entries)]

    return generation_cached(f"condition-az-{language}", build)


class TranslatedAZ:
    """Published conditions A–Z by their names in a language, as a sequence a Paginator pages:
    a page costs two queries (its conditions, their translations)."""

    def __init__(self, language, letter=""):
        self.language = language
        self.pks = [pk for initial, _, pk in translated_az(language) if letter in ("", initial)]

    def count(self):
        return len(self.pks)

    def __len__(self):
        return len(self.pks)

    def __getitem__(self, index):
        pks = self.pks[index]
        found = Condition.objects.only("name", "slug", "summary").in_bulk(pks)
        return translated_items([found[pk] for pk in pks if pk in found], self.language)


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
    # Names the template: the page's object may be a TranslatedItem, which is no model.
    model = Condition
    context_object_name = "condition"

    def get_object(self, queryset=None):
        if self.can_preview(Condition):
            return super().get_object(queryset)
        condition = published_condition(self.kwargs["slug"])
        if condition is None:
            raise Http404("No published condition here")
        return in_page_language(condition)

    def get_queryset(self):
        return _with_reviewer(self.content(Condition))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            body_html=condition_body_html(self.object),
            **condition_lists_in_page_language(self.object.pk),
            **kwargs,
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


class SymptomListView(ListInPageLanguageMixin, KeptCountMixin, BreadcrumbMixin, ListView):
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
        conditions = published_conditions().filter(**{self.condition_field: self.object.pk})
        key = f"{self.model._meta.model_name}-{self.object.pk}-conditions"
        page = KeptCountPaginator(conditions, SUBLIST_PAGE_SIZE, key=key).get_page(
            self.request.GET.get("page")
        )
        page.object_list = items_in_page_language(page.object_list)
        return super().get_context_data(conditions=page, **kwargs)


class SymptomDetailView(ItemConditionsView):
    model = Symptom
    section = (_("Symptoms"), "conditions:symptom_list")
    context_object_name = "symptom"
    condition_field = "symptoms"


class TreatmentListView(ListInPageLanguageMixin, KeptCountMixin, BreadcrumbMixin, ListView):
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
            self.request.GET or None, symptoms=checker_symptoms_in_page_language(), areas=areas
        )
        context = super().get_context_data(form=form, areas=areas, **kwargs)
        if form.is_bound and form.is_valid() and form.has_choices:
            chosen = list(form.cleaned_data["symptom"])
            results = symptom_checker.conditions_ranked(
                chosen, form.cleaned_data["onset"], form.cleaned_data["area"]
            )
            context.update(
                searched=True,
                chosen=chosen,
                chosen_area=form.cleaned_data["area"],
                red_flags=red_flags_in_page_language(symptom_checker.red_flags_for(chosen)),
                results=ranked_in_page_language(results),
            )
        return context


def checker_symptoms_in_page_language():
    """The symptoms the checker offers, by their names in the page's language, A–Z. In another
    language than English one more query, then kept until content changes."""
    language = get_language()
    if language == settings.LANGUAGE_CODE:
        return symptom_checker.checker_symptoms()

    def build():
        symptoms = translated_items(symptom_checker.checker_symptoms(), language)
        return sorted(symptoms, key=lambda symptom: fold(symptom.name).casefold())

    return generation_cached(f"checker-symptoms-{language}", build)


def red_flags_in_page_language(rules):
    """The red-flag rules that fired, as the page's language reads them: a rule whose live
    translation matches its English advice reads it; any other keeps its English advice, marked
    with `content_lang` so that the page says which language it is in. One query in another
    language than English."""
    language = get_language()
    if language == settings.LANGUAGE_CODE or not rules:
        return rules
    found = live_translations(rules, language)
    shown = []
    for rule in rules:
        live = found.get(rule.pk)
        if live is None or live.english_callout:
            rule.content_lang = languages.tag(settings.LANGUAGE_CODE)
            shown.append(rule)
        else:
            shown.append(TranslatedItem(rule, live))
    return shown


def ranked_in_page_language(results):
    """The checker's conditions with their names and summaries in the page's language. One
    query in another language than English."""
    language = get_language()
    if language == settings.LANGUAGE_CODE or not results:
        return results
    found = live_translations(
        [Condition(pk=result.pk) for result in results], language, fields=("name", "summary")
    )
    return [
        result._replace(name=found[result.pk].name, summary=found[result.pk].summary)
        if result.pk in found
        else result
        for result in results
    ]
