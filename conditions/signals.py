"""Keep each historical record's snapshot of links and tags in step with the item."""

from django.db.models.signals import m2m_changed
from simple_history.signals import pre_create_historical_record

from conditions.models import EditorialModel


def snapshot_on_save(sender, instance, history_instance, **kwargs):
    if isinstance(instance, EditorialModel) and instance.pk:
        history_instance.relations = instance.relations_snapshot()


def snapshot_on_relation_change(sender, instance, action, reverse, **kwargs):
    """Links and tags are saved after the item itself: refresh its newest record's snapshot."""
    if reverse or action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not isinstance(instance, EditorialModel):
        return
    latest = instance.history.order_by("-history_date", "-history_id").first()
    if latest is not None:
        latest.relations = instance.relations_snapshot()
        latest.save(update_fields=["relations"])


def connect():
    pre_create_historical_record.connect(snapshot_on_save, dispatch_uid="history-snapshot-save")
    m2m_changed.connect(snapshot_on_relation_change, dispatch_uid="history-snapshot-m2m")
