"""The editorial workflow: sign-off, publish, unpublish, submit for review, restore.

Each step checks the user's permission, records the step in the item's history and in the
admin's log with the user, and leaves the change of state to EditorialModel.move_to(). Each
works on the item as its working draft has it (conditions/services/drafts.py): a published
item's edits and their sign-off wait there until content_publish() makes them live.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from conditions.models import (
    ClinicianProfile,
    Status,
    Tag,
    WorkflowError,
    content_models,
    permission_name,
)
from conditions.services.drafts import save_edit, with_draft


def _require(user, action, item):
    if not user.has_perm(permission_name(action, item)):
        raise PermissionDenied(
            f"You do not have permission to {action} {item._meta.verbose_name}s."
        )


def _save_with_audit(item, user, message, *, live=False):
    """Save, recording `message` in the item's history and in the admin's log, with the user.

    `live` writes the item's wording to its row, the live version, and drops its working draft
    (publishing); otherwise save_edit() keeps a published item's new wording in its draft.
    `user` None is the scheduler (manage.py publish_scheduled).
    """
    item._change_reason = message
    item._history_user = user
    with transaction.atomic():
        if live:
            item.save()
            if item.working_draft is not None:
                item.working_draft.delete()
                item.working_draft = None
        else:
            save_edit(item, user)
    if user is not None:
        LogEntry.objects.log_actions(
            user.pk, [item], CHANGE, change_message=message, single_object=True
        )


def content_sign_off(item, user, note=None):
    """Record that `user`, a registered clinician, has reviewed the item's current wording.

    `note` is the public "what changed" line; None (a bulk sign-off) keeps the item's own.
    """
    _require(user, "signoff", item)
    with_draft(item)
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


def content_publish(item, user, message=None):
    """Publish an item whose current wording a clinician has signed off: its working draft, if
    it has one, becomes the live version in one transaction. `user` None is the scheduler."""
    if user is not None:
        _require(user, "publish", item)
    with_draft(item)
    had_draft = item.working_draft is not None
    moved = item.move_to(Status.PUBLISHED)
    if message is None:
        message = "Published the working draft: it is now the live version" if had_draft else moved
    _save_with_audit(item, user, message, live=True)


def content_unpublish(item, user, reason):
    """Take an item off the public site, saying why; it keeps its text and history.

    Its working draft, if it has one, becomes its text: nothing is live to keep apart from it.
    `user` None is the scheduler.
    """
    if user is not None:
        _require(user, "publish", item)
    if not reason.strip():
        raise WorkflowError("Say why the page is taken down: patients lose it until it returns.")
    with_draft(item)
    item.move_to(Status.UNPUBLISHED)
    _save_with_audit(item, user, f"Unpublished: {reason.strip()}")


def content_submit_for_review(item, user):
    """Ask a clinician to review a draft or unpublished item."""
    _require(user, "change", item)
    with_draft(item)
    _save_with_audit(item, user, item.move_to(Status.IN_REVIEW))


# Fields a restore leaves alone: identity, timestamps, publication state, schedule and sign-off.
_NOT_RESTORED = {
    "id", "created_at", "updated_at", "status", "last_reviewed_on", "next_review_due",
    "reviewed_by", "review_note", "reviewed_fingerprint", "go_live_at", "take_down_at",
}  # fmt: skip


def content_restore(item, record, user):
    """Put back an earlier version's text, links and tags. Clinicians only.

    A published item gets the earlier text as its working draft, to be signed off and published.
    """
    _require(user, "signoff", item)
    with_draft(item)
    if record.instance.pk != item.pk:
        raise WorkflowError("That version belongs to a different item.")
    for model_field in item._meta.concrete_fields:
        if model_field.name not in _NOT_RESTORED:
            setattr(item, model_field.attname, getattr(record, model_field.attname))
    when = timezone.localtime(record.history_date).strftime("%B %d, %Y %H:%M")
    with transaction.atomic():
        _save_with_audit(item, user, f"Restored the version of {when}")
        for name, entries in record.relations.items():
            wanted = [pk for pk, _label in entries]
            if name == "tags":
                item.tags.set(list(Tag.objects.filter(pk__in=wanted)))
            elif name in item.history_relations:
                manager = getattr(item, name)
                manager.set(manager.model.objects.filter(pk__in=wanted))


def run_schedule(now=None):
    """Publish what is due to go live and take down what is due to go, as of `now`.

    Returns (published, taken down, problems) as lists of items and messages. Each item is
    claimed by clearing its time in the same transaction that publishes it: of several servers
    running this at once, one claims it and the others find nothing to do; a step that fails
    (wording not signed off) rolls back its claim, so the item stays scheduled and listed.
    """
    now = now or timezone.now()
    published, taken_down, problems = [], [], []
    for model in content_models():
        for time_field, done in (("go_live_at", published), ("take_down_at", taken_down)):
            due = model.objects.filter(**{f"{time_field}__lte": now})
            for pk in due.values_list("pk", flat=True):
                try:
                    with transaction.atomic():
                        claimed = due.filter(pk=pk).update(**{time_field: None})
                        item = model.objects.get(pk=pk) if claimed else None
                        if item is None or (time_field == "take_down_at" and not item.is_published):
                            continue
                        if time_field == "go_live_at":
                            content_publish(item, None, message="Published as scheduled")
                        else:
                            content_unpublish(item, None, "taken down as scheduled")
                        done.append(item)
                except WorkflowError as error:
                    problems.append(f"{error} It stays scheduled.")
    return published, taken_down, problems
