"""The editorial workflow: sign-off, publish, unpublish, submit for review, restore.

Each step checks the user's permission, records the step in the item's history and in the
admin's log with the user, and leaves the change of state to EditorialModel.move_to().
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from conditions.models import ClinicianProfile, Status, Tag, WorkflowError, permission_name


def _require(user, action, item):
    if not user.has_perm(permission_name(action, item)):
        raise PermissionDenied(
            f"You do not have permission to {action} {item._meta.verbose_name}s."
        )


def _save_with_audit(item, user, message):
    """Save, recording `message` in the item's history and in the admin's log, with the user."""
    item._change_reason = message
    item._history_user = user
    item.save()
    LogEntry.objects.log_actions(
        user.pk, [item], CHANGE, change_message=message, single_object=True
    )


def content_sign_off(item, user, note=None):
    """Record that `user`, a registered clinician, has reviewed the item's current wording.

    `note` is the public "what changed" line; None (a bulk sign-off) keeps the item's own.
    """
    _require(user, "signoff", item)
    profile = ClinicianProfile.objects.filter(user=user).first()
    if profile is None or not profile.registration_number.strip():
        raise WorkflowError(
            "Add your professional registration number to your clinician profile before "
            "signing content off."
        )
    today = timezone.localdate()
    item.last_reviewed_on = today
    item.next_review_due = today + timedelta(days=settings.REVIEW_INTERVAL_DAYS)
    item.reviewed_by = user
    if note is not None:
        item.review_note = note.strip()
    item.reviewed_fingerprint = item.clinical_fingerprint()
    _save_with_audit(
        item, user, "Signed off as clinically reviewed" + (f": {note}" if note else "")
    )


def content_publish(item, user):
    """Publish an item whose current wording a clinician has signed off."""
    _require(user, "publish", item)
    _save_with_audit(item, user, item.move_to(Status.PUBLISHED))


def content_unpublish(item, user):
    """Take an item off the public site; it keeps its text and history."""
    _require(user, "publish", item)
    _save_with_audit(item, user, item.move_to(Status.UNPUBLISHED))


def content_submit_for_review(item, user):
    """Ask a clinician to review a draft or unpublished item."""
    _require(user, "change", item)
    _save_with_audit(item, user, item.move_to(Status.IN_REVIEW))


# Fields a restore leaves alone: identity, timestamps, publication state and sign-off.
_NOT_RESTORED = {
    "id", "created_at", "updated_at", "status", "last_reviewed_on", "next_review_due",
    "reviewed_by", "review_note", "reviewed_fingerprint",
}  # fmt: skip


def content_restore(item, record, user):
    """Put back an earlier version's text, links and tags. Clinicians only.

    A published item whose clinical text changes this way goes back to review (see the model).
    """
    _require(user, "signoff", item)
    if record.instance.pk != item.pk:
        raise WorkflowError("That version belongs to a different item.")
    for model_field in item._meta.concrete_fields:
        if model_field.name not in _NOT_RESTORED:
            setattr(item, model_field.attname, getattr(record, model_field.attname))
    when = timezone.localtime(record.history_date).strftime("%d %b %Y %H:%M")
    with transaction.atomic():
        _save_with_audit(item, user, f"Restored the version of {when}")
        for name, entries in record.relations.items():
            wanted = [pk for pk, _label in entries]
            if name == "tags":
                item.tags.set(list(Tag.objects.filter(pk__in=wanted)))
            elif name in item.history_relations:
                manager = getattr(item, name)
                manager.set(manager.model.objects.filter(pk__in=wanted))
