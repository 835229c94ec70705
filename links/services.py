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


def links_find():
    """{url: [Place]} for every link to another site in any content item's Markdown, drafts and
    unpublished items included. One query per content type."""
    found = defaultdict(list)
    for model in content_models():
        if not model.markdown_fields:
            continue
        content_type = ContentType.objects.get_for_model(model)
        for item in model.objects.order_by("pk").iterator(chunk_size=_BATCH):
            label = f"{capfirst(model._meta.verbose_name)} '{item}'"
            for field in model.markdown_fields:
                for url in external_links(getattr(item, field)):
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


def uses_current(uses):
    """The uses whose item still holds the link: it may have been edited or deleted since the
    check. Each use's `item` and `link` should be fetched with it."""
    return [
        use
        for use in uses
        if use.item is not None and use.link.url in external_links(getattr(use.item, use.field))
    ]


def items_with_broken_links():
    """[{"item", "admin_url", "links"}] for each item that holds a link the last check found
    broken, A–Z. Two queries, and one per content type holding any."""
    uses = (
        LinkUse.objects.filter(link__is_broken=True)
        .select_related("link", "content_type")
        .prefetch_related("item")
    )
    items = {}
    for use in uses_current(uses):
        key = (use.content_type_id, use.object_id)
        entry = items.setdefault(key, {"item": use.item, "admin_url": use.admin_url, "links": []})
        entry["links"].append(use.link)
    return sorted(items.values(), key=lambda entry: str(entry["item"]).lower())
