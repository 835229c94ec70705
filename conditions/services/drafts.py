"""Working drafts: how an edit of a published item waits for review without taking it offline.

The row of a published item is its live version, the one every public page, list and search
reads. An edit to its clinical wording, and the sign-off of that edit, are kept in the item's
WorkingDraft instead; the rest (the names patients search for, links, tags) is not clinical
advice and goes live at once, as it always did. Publishing copies the draft onto the row and
deletes it, in one transaction. An item that is not live has no draft: its row is edited.
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from conditions.models import Status, WorkingDraft


def draft_of(item):
    """The item's working draft, or None. One query."""
    if item.pk is None:
        return None
    return WorkingDraft.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    ).first()


def draft_values(item):
    """The item's draft_fields as a working draft stores them."""
    return {name: item._meta.get_field(name).value_from_object(item) for name in item.draft_fields}


def _apply(item, values):
    for name, value in values.items():
        field = item._meta.get_field(name)
        setattr(item, field.attname, field.to_python(value))


def with_draft(item):
    """The item as its working draft has it, in memory; `item.working_draft` is the draft or None.

    Idempotent, so that every workflow step can call it on whatever it is given.
    """
    if not hasattr(item, "working_draft"):
        item.working_draft = draft_of(item)
        if item.working_draft is not None:
            _apply(item, item.working_draft.values)
    return item


def differs_from_live(item):
    """Whether the item's clinical wording in memory is not what its row holds. One query."""
    live = type(item).objects.filter(pk=item.pk).values(*item.clinical_fields).first()
    return live is not None and any(
        live[name] != getattr(item, name) for name in item.clinical_fields
    )


def save_edit(item, user=None):
    """Save an edited item, keeping the live version of a published one.

    For a published item whose clinical wording now differs from the live row's, that wording
    and its sign-off are stored as the working draft, and only the item's other fields are
    written to the row. Otherwise the row is saved as it is and any draft is dropped: an edit
    back to the live wording leaves nothing to publish, and an item that is not live has no
    live version to keep. Returns the working draft, or None.
    """
    with transaction.atomic():
        draft = with_draft(item).working_draft
        if item.status == Status.PUBLISHED and differs_from_live(item):
            values = draft_values(item)
            if draft is None:
                draft = WorkingDraft(item=item)
            # As stored: a save that leaves the draft as it was (content staff adding a tag)
            # keeps who last changed its wording, and when.
            stored = json.loads(json.dumps(values, cls=DjangoJSONEncoder))
            if draft.pk is None or draft.values != stored:
                draft.values, draft.updated_by = stored, user
                draft.save()
            _save_live_row(item, values)
        else:
            if draft is not None:
                draft.delete()
                draft = None
            item.save()
    item.working_draft = draft
    return draft


def _save_live_row(item, values):
    """Save the item's row with its live draft_fields, keeping the draft's values in memory.

    A row none of whose other fields changed is not saved, so that its history gains no copy.
    """
    live = type(item).objects.get(pk=item.pk)
    others = [
        field.attname
        for field in item._meta.concrete_fields
        if field.name not in {*item.draft_fields, "updated_at"}
    ]
    if all(getattr(live, name) == getattr(item, name) for name in others):
        return
    _apply(item, draft_values(live))
    try:
        item.save()
    finally:
        _apply(item, values)


def save_draft(item, values, user=None):
    """Put `values` (field name → value, clinical fields) into the item as an edit: the working
    draft of a published item, the row of one that is not live. Returns whether anything changed.
    """
    with_draft(item)
    before = draft_values(item)
    _apply(item, values)
    if draft_values(item) == before:
        return False
    save_edit(item, user)
    return True


def drafts_of(model):
    """The working drafts of `model`'s items, each with its item."""
    return WorkingDraft.objects.filter(content_type=ContentType.objects.get_for_model(model))
