"""Keep each historical record's snapshot of links and tags in step with the item."""

from contextvars import ContextVar
from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed
from django.utils.text import Truncator
from simple_history.signals import pre_create_historical_record

from conditions.models import EditorialModel
from kneeinfo.batching import batched

# Inside snapshots_batched(): {(model, pk): item} whose newest record awaits its snapshot.
_pending_snapshots = ContextVar("pending_snapshots", default=None)


def snapshot_on_save(sender, instance, history_instance, **kwargs):
    if not isinstance(instance, EditorialModel) or not instance.pk:
        return
    pending = _pending_snapshots.get()
    if pending is None:
        history_instance.relations = instance.relations_snapshot()
        return
    key = type(instance), instance.pk
    if key in pending:
        # Saved again: the record before this one keeps the links it has had until now.
        _refresh_newest_snapshot(pending[key])
    pending[key] = instance


def snapshot_on_relation_change(sender, instance, action, reverse, pk_set, **kwargs):
    """Links and tags are saved after the item itself: refresh its newest record's snapshot.

    A symmetrical link (related conditions) changes the linked items' pages too: each of them
    gets a version of its own saying so, or its history would never show the link come or go.
    """
    if not isinstance(instance, EditorialModel):
        return
    field = _symmetrical_field(sender, instance)
    if action == "pre_clear" and field is not None:
        instance._cleared_links = set(getattr(instance, field.name).values_list("pk", flat=True))
    if reverse or action not in {"post_add", "post_remove", "post_clear"}:
        return
    pending = _pending_snapshots.get()
    if pending is None:
        _refresh_newest_snapshot(instance)
    else:
        pending[type(instance), instance.pk] = instance
    if field is not None:
        linked = instance.__dict__.pop("_cleared_links", set()) if pk_set is None else pk_set
        # After commit: Django adds the other direction of a new link only after this signal.
        # Robust: the edit is saved by then, and a version that cannot be recorded must not
        # turn its save into an error page.
        transaction.on_commit(
            partial(_record_link_changes, type(instance), linked, str(instance)), robust=True
        )


def _refresh_newest_snapshot(item):
    latest = item.history.order_by("-history_date", "-history_id").first()
    if latest is not None:
        latest.relations = item.relations_snapshot()
        latest.save(update_fields=["relations"])


def snapshots_batched():
    """Within this block, each item's newest record gets its links and tags once, on the way out.

    An import saves an item, then sets its tags, symptoms, treatments and links one after
    another; each snapshot costs a query per relation. An item saved twice inside the block
    has its earlier record brought up to date at the second save (kneeinfo.batching).
    """
    return batched(_pending_snapshots, _refresh_snapshots)


def _refresh_snapshots(pending):
    for item in pending.values():
        _refresh_newest_snapshot(item)


def _symmetrical_field(sender, instance):
    """The symmetrical link from `instance` to its own kind whose rows `sender` holds, if any.

    (Tags count as symmetrical to Django, as taggit never says otherwise: the link must lead to
    the same model.)
    """
    for field in instance._meta.many_to_many:
        if (
            field.remote_field.through is sender
            and field.remote_field.symmetrical
            and field.remote_field.model is type(instance)
        ):
            return field
    return None


LINK_CHANGE_REASON = "Related conditions changed on “{}”"


def _record_link_changes(model, pks, changed_on):
    """A new version of each item with its current links, unless its newest one has them."""
    reason = model.history.model._meta.get_field("history_change_reason")
    name = Truncator(changed_on).chars(reason.max_length - len(LINK_CHANGE_REASON.format("")))
    for item in model.objects.filter(pk__in=pks):
        latest = item.history.order_by("-history_date", "-history_id").first()
        if latest is None or latest.relations != item.relations_snapshot():
            item._change_reason = LINK_CHANGE_REASON.format(name)
            item.save(update_fields=["updated_at"])


def connect():
    pre_create_historical_record.connect(snapshot_on_save, dispatch_uid="history-snapshot-save")
    m2m_changed.connect(snapshot_on_relation_change, dispatch_uid="history-snapshot-m2m")
