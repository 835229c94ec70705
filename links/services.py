"""Keeping the record of links to other sites: where each is, and what its last check found."""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import capfirst

from clinic.models import ClinicProfile
from conditions.links import external_links
from conditions.models import content_models
from conditions.services.drafts import drafts_of
from links.models import ExternalLink, LinkUse

URL_MAX_LENGTH = ExternalLink._meta.get_field("url").max_length
_BATCH = 500


@dataclass(frozen=True)
class Place:
    """Where a link was found: an item's Markdown field."""

    content_type: ContentType
    object_id: int
    field: str
    label: str  # "Condition 'Baker's cyst'", for the command's report


def _links_held(item, field, draft_values):
    """The links to other sites in an item's Markdown field, as it is live and as its working
    draft (if it has one) has it: the draft's links go live when it is published."""
    texts = [getattr(item, field), (draft_values or {}).get(field) or ""]
    return list(dict.fromkeys(url for text in texts for url in external_links(text)))


def links_find():
    """{url: [Place]} for every link to another site in any content item's Markdown, drafts,
    working drafts and unpublished items included. Two queries per content type."""
    found = defaultdict(list)
    for model in content_models():
        if not model.markdown_fields:
            continue
        content_type = ContentType.objects.get_for_model(model)
        drafts = dict(drafts_of(model).values_list("object_id", "values"))
        for item in model.objects.order_by("pk").iterator(chunk_size=_BATCH):
            label = f"{capfirst(model._meta.verbose_name)} '{item}'"
            for field in model.markdown_fields:
                for url in _links_held(item, field, drafts.get(item.pk)):
                    found[url].append(Place(content_type, item.pk, field, label))
    return dict(found)


def links_record(found, results, checked_at):
    """Make the record match `found` ({url: [Place]}): every link with the places that hold it,
    links no item holds any more dropped; and store `results` ({url: LinkResult}) as checked at
    `checked_at`. Returns how many links were dropped."""
    with transaction.atomic():
        known = dict(ExternalLink.objects.values_list("url", "pk"))
        gone = [pk for url, pk in known.items() if url not in found]
        for start in range(0, len(gone), _BATCH):
            ExternalLink.objects.filter(pk__in=gone[start : start + _BATCH]).delete()
        ExternalLink.objects.bulk_create(
            [ExternalLink(url=url) for url in found if url not in known], batch_size=_BATCH
        )
        links = {link.url: link for link in ExternalLink.objects.all()}
        for url, result in results.items():
            link = links[url]
            link.status_code = result.status_code
            link.error = result.error
            link.redirected_to = result.redirected_to[:URL_MAX_LENGTH]
            link.is_broken = result.is_broken
            link.checked_at = checked_at
        ExternalLink.objects.bulk_update(
            [links[url] for url in results],
            ["status_code", "error", "redirected_to", "is_broken", "checked_at"],
            batch_size=_BATCH,
        )
        LinkUse.objects.all().delete()
        LinkUse.objects.bulk_create(
            [
                LinkUse(
                    link=links[url],
                    content_type=place.content_type,
                    object_id=place.object_id,
                    field=place.field,
                )
                for url, places in found.items()
                for place in places
            ],
            batch_size=_BATCH,
        )
    return len(gone)


def user_agent():
    """Who asks, for other sites' logs: the checker, the clinic, and where its site is.

    HTTP headers carry ASCII safely, so the clinic's name loses its accents. One query.
    """
    clinic = unicodedata.normalize("NFKD", ClinicProfile.objects.current().name)
    clinic = clinic.encode("ascii", "ignore").decode().strip()
    return f"kneeinfo-linkcheck/1.0 (+{settings.SITE_URL}/; checks the links of {clinic}'s pages)"


def _uses_current(uses):
    """The uses whose item still holds the link, live or in its working draft: it may have been
    edited or deleted since the check. Each use's `item` and `link` should be fetched with it;
    one query per content type for the working drafts."""
    uses = list(uses)
    drafts = {}
    for content_type in {use.content_type for use in uses}:
        held = drafts_of(content_type.model_class()).filter(
            object_id__in=[use.object_id for use in uses if use.content_type == content_type]
        )
        drafts[content_type.pk] = dict(held.values_list("object_id", "values"))
    return [
        use
        for use in uses
        if use.item is not None
        and use.link.url
        in _links_held(use.item, use.field, drafts[use.content_type_id].get(use.object_id))
    ]


def items_with_broken_links():
    """[{"item", "admin_url", "links"}] for each item that holds a link the last check found
    broken, A–Z. Two queries, and two per content type holding any."""
    uses = (
        LinkUse.objects.filter(link__is_broken=True)
        .select_related("link", "content_type")
        .prefetch_related("item")
    )
    items = {}
    for use in _uses_current(uses):
        key = (use.content_type_id, use.object_id)
        entry = items.setdefault(key, {"item": use.item, "admin_url": use.admin_url, "links": []})
        entry["links"].append(use.link)
    return sorted(items.values(), key=lambda entry: str(entry["item"]).lower())
