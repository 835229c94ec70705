"""Translations for the public pages and the admin: an item's live translation, the live
translations of a list's items in one query, what is out of date, and a new translation.

English is the language content is written in: nothing here is asked about it.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone, translation

from conditions.models import Status, page_url
from kneeinfo.cache import generation_cached
from translations.models import Translation
from translations.sources import translatable


def english_url(item):
    """The address of the item's English page (the home page for what has none of its own),
    whatever language is active."""
    with translation.override(settings.LANGUAGE_CODE):
        if hasattr(item, "get_absolute_url"):
            return item.get_absolute_url()
        return page_url("conditions:home")


@dataclass
class LiveTranslation:
    """What a public page shows of an item's live translation.

    The translated fields read as attributes under the English field's name (`name`, `summary`,
    `body`, `urgent_help`, `question`...), so that a template can show either; a field the
    translation leaves blank is the empty string. `out_of_date`: the English has changed since
    the translation was signed off (or made, if it never was): the page says so and links to
    `english_url`. `english_callout`: the English urgency or urgent-help advice changed, so the
    page shows the current English callout above the translation until it is signed off again.
    """

    language: str
    values: dict
    alternate_names: list = field(default_factory=list)
    out_of_date: bool = False
    english_callout: bool = False
    english_url: str = ""
    last_reviewed_on: object = None
    next_review_due: object = None
    reviewed_by: object = None
    review_note: str = ""

    def __getattr__(self, name):
        if name.startswith("_") or name == "values":
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @classmethod
    def of(cls, row, item, compare=True):
        """The live translation `row` of the English `item` (the live row: what patients see).

        `compare` False leaves out whether it is out of date, for a list of names whose items
        lack the English fields that tell."""
        spec = row.spec
        return cls(
            language=row.language,
            values={name: row.values.get(name, "") for name in spec.fields},
            alternate_names=row.alternate_name_list,
            out_of_date=compare and row.is_out_of_date(item),
            english_callout=compare and row.callout_changed(item),
            english_url=english_url(item),
            last_reviewed_on=row.last_reviewed_on,
            next_review_due=row.next_review_due,
            reviewed_by=row.reviewed_by,
            review_note=row.review_note,
        )

    @property
    def alternate_name_list(self):
        return self.alternate_names

    @property
    def is_review_overdue(self):
        """As EditorialModel's: the page's review line reads the translation's own review."""
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()


class TranslatedItem:
    """An English item as its live translation reads: the translated wording, other names and
    review in place of the English; everything else (id, slug, links, tags, urgency, methods)
    the item's own. What a page in that language shows, its templates and structured data
    unchanged. `english` is the item itself, for what the page shows of the English (a callout
    that changed, the link to the English page). Never saved, never cached.
    """

    def __init__(self, item, translation):
        self.english = item
        self.translation = translation

    def __getattr__(self, name):
        if name in {"english", "translation"} or name.startswith("__"):
            raise AttributeError(name)
        value = self.translation.values.get(name)
        # A field the translation leaves blank reads as the English has it.
        return value if value else getattr(self.english, name)

    def __str__(self):
        return getattr(self, translatable(self.english).title)

    @property
    def alternate_name_list(self):
        return self.translation.alternate_names

    @property
    def alternate_names(self):
        return "\n".join(self.translation.alternate_names)

    @property
    def all_names(self):
        return [self.name, *self.alternate_name_list]

    @property
    def reviewed_by(self):
        return self.translation.reviewed_by

    @property
    def last_reviewed_on(self):
        return self.translation.last_reviewed_on

    @property
    def next_review_due(self):
        return self.translation.next_review_due

    @property
    def review_note(self):
        return self.translation.review_note

    @property
    def is_review_overdue(self):
        return self.translation.is_review_overdue


def in_language(item, language):
    """The item as a page in `language` shows it: a TranslatedItem if it has a live translation,
    else the item itself (shown in English under a notice). What live_translation() costs."""
    found = live_translation(item, language)
    return item if found is None else TranslatedItem(item, found)


def translated_items(items, language):
    """The items (of one English model) in a list, each with a live translation into `language`
    as a TranslatedItem reading it. One query; nothing is compared with the English (a list
    shows no out-of-date notice)."""
    items = list(items)
    if not items:
        return items
    found = live_translations(items, language, fields=translatable(items[0]).fields)
    return [TranslatedItem(item, found[item.pk]) if item.pk in found else item for item in items]


def translations_of(model, language):
    """Every translation of `model`'s items into `language`, whatever its state."""
    return Translation.objects.filter(
        content_type__app_label=model._meta.app_label,
        content_type__model=model._meta.model_name,
        language=language,
    )


def translation_of(item, language):
    """The item's translation into `language`, whatever its state, or None. One query."""
    return translations_of(type(item), language).filter(object_id=item.pk).first()


def live_translation(item, language):
    """The item's live (published) translation into `language`, as a LiveTranslation, or None.

    One query, then kept until content changes; whether it is out of date is worked out from
    `item` (the English the page shows) on every call, at no cost.
    """
    opts = item._meta

    def build():
        rows = translations_of(type(item), language).published().filter(object_id=item.pk)
        # In a tuple: the cache keeps no None, and most items may have no translation.
        return (rows.select_related("reviewed_by__clinician_profile").first(),)

    (row,) = generation_cached(f"translation-{opts.label_lower}-{item.pk}-{language}", build)
    return None if row is None else LiveTranslation.of(row, item)


def live_translations(items, language, fields=None):
    """{pk: LiveTranslation} of the items (one English model's) that have a live translation.

    One query for a whole list. `fields` limits the wording read to those fields (a list's
    names, say): the rest of each LiveTranslation is blank, and it says nothing of being out
    of date (which needs every English field the translation watches).
    """
    items = list(items)
    if not items:
        return {}
    model = type(items[0])
    rows = translations_of(model, language).published().filter(object_id__in=[i.pk for i in items])
    if fields is not None:
        rows = rows.annotate(**{f"t_{name}": KeyTextTransform(name, "values") for name in fields})
        rows = rows.defer("values", "source_values")
    found = {}
    by_pk = {item.pk: item for item in items}
    for row in rows.select_related("reviewed_by__clinician_profile"):
        if fields is not None:
            row.values = {name: getattr(row, f"t_{name}") or "" for name in fields}
            row.source_values = {}
        found[row.object_id] = LiveTranslation.of(row, by_pk[row.object_id], compare=fields is None)
    return found


def translated_names(items, language):
    """{pk: name in `language`} of the items that have a live translation naming them. One
    query; a list keeps the English name of the others."""
    items = list(items)
    if not items:
        return {}
    title = translatable(items[0]).title
    return {
        pk: found.values[title]
        for pk, found in live_translations(items, language, fields=[title]).items()
        if found.values[title]
    }


def live_wording(models, language):
    """{(English model, pk): (values, alternate names)} of every live translation into
    `language` of the items of `models` (search indexes them). One query."""
    of_models = Q()
    for model in models:
        of_models |= Q(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
        )
    rows = (
        Translation.objects.published()
        .filter(of_models, language=language)
        .values_list(
            "content_type__app_label",
            "content_type__model",
            "object_id",
            "values",
            "alternate_names",
        )
    )
    return {
        (apps.get_model(app_label, model_name), pk): (values, alternate_names)
        for app_label, model_name, pk, values, alternate_names in rows
    }


def with_live_translation(items, language):
    """The items of the queryset `items` that have a live translation into `language`: for
    lists that leave untranslated items out, such as a language's sitemap."""
    live = translations_of(items.model, language).published().values("object_id")
    return items.filter(pk__in=Subquery(live))


def out_of_date_translations():
    """Translations (not unpublished) whose English changed since they were signed off or made,
    each with `source`, its English item, and `admin_url`. One query, and one for each English
    type that has translations."""
    by_type = defaultdict(list)
    for row in Translation.objects.exclude(status=Status.UNPUBLISHED):
        by_type[row.content_type_id].append(row)
    stale = []
    for type_id, rows in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        sources = model._default_manager.in_bulk([row.object_id for row in rows])
        for row in rows:
            source = sources.get(row.object_id)
            if source is not None and row.is_out_of_date(source):
                row.source = source
                stale.append(row)
    return sorted(stale, key=lambda row: str(row))


def translation_start(
    item, language, values=None, alternate_names="", status=Status.DRAFT, reason=None
):
    """Save a new translation of `item` into `language`, made from the English as it is now;
    `reason` is what its first history record says."""
    spec = translatable(item)
    row = Translation(
        source=item,
        language=language,
        values={name: (values or {}).get(name, "").strip() for name in spec.fields},
        alternate_names=alternate_names,
        status=status,
    )
    row._change_reason = reason
    row.save()
    return row
