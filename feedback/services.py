"""Recording answers and comments, and finding the pages patients found unhelpful."""

import logging
import re
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.cache import cache
from django.db.models import Count, DateField, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from conditions.models import content_models
from feedback.models import Feedback
from feedback.redaction import redact
from kneeinfo.security import AddressLimit, address_key

logger = logging.getLogger(__name__)

# At most FEEDBACK_PER_HOUR answers from one address an hour.
ANSWER_LIMIT = AddressLimit("feedback:sent", "FEEDBACK_PER_HOUR")
# How long a second answer from the same address about the same page replaces the first instead
# of counting again: one person cannot fill a page's count by answering it over and over.
ANSWER_MEMORY_SECONDS = 24 * 3600
# How long the comment step stays open after an answer.
COMMENT_WINDOW_SECONDS = 24 * 3600
COMMENT_SALT = "feedback.comment"
# How the form names a page: "<app label>.<model name>:<id>", e.g. "conditions.condition:12".
PAGE_REF = re.compile(r"(?P<app>[a-z_]{1,50})\.(?P<model>[a-z_]{1,50}):(?P<pk>[1-9][0-9]{0,17})")


def page_ref(item):
    """What the feedback form posts to name `item`. No query."""
    return f"{item._meta.label_lower}:{item.pk}"


def page_lookup(ref):
    """The published content item `ref` names, or None. At most one query.

    Raise ValueError if `ref` is not a page reference at all.
    """
    match = PAGE_REF.fullmatch(ref or "")
    if match is None:
        raise ValueError(f"not a page reference: {ref!r}")
    for model in content_models():
        if (model._meta.app_label, model._meta.model_name) == (match["app"], match["model"]):
            return model.objects.published().filter(pk=int(match["pk"])).first()
    return None


def feedback_answer(item, helpful, address):
    """Record `address`'s answer about `item` and return it.

    The same address answering about the same page again within ANSWER_MEMORY_SECONDS changes
    its earlier answer (the patient changed their mind, or sent the form twice) instead of
    adding one. Only a keyed hash of the address and page is kept, in the cache.
    """
    content_type = ContentType.objects.get_for_model(item)
    key = address_key("feedback:answered", f"{address}|{page_ref(item)}")
    try:
        earlier = cache.get(key)
    except Exception:
        logger.exception("Cache unavailable: answers are not matched to earlier ones")
        earlier = None
    if earlier is not None:
        answer = Feedback.objects.filter(
            pk=earlier, content_type=content_type, object_id=item.pk
        ).first()
        if answer is not None:
            if answer.helpful != helpful:
                answer.helpful = helpful
                answer.save(update_fields=["helpful"])
            return answer
    answer = Feedback.objects.create(content_type=content_type, object_id=item.pk, helpful=helpful)
    try:
        cache.set(key, answer.pk, ANSWER_MEMORY_SECONDS)
    except Exception:
        logger.exception("Cache unavailable: an answer was not remembered")
    return answer


def comment_token(answer):
    """A signed, expiring value that lets its holder add one comment to `answer`."""
    return signing.dumps(answer.pk, salt=COMMENT_SALT)


def commented_answer(token):
    """The answer `token` was made for, if it is genuine, unexpired and has no comment yet.

    Raise signing.BadSignature (or its SignatureExpired) for a token that is not, and
    LookupError for an answer that is gone or already has its comment.
    """
    pk = signing.loads(token, salt=COMMENT_SALT, max_age=COMMENT_WINDOW_SECONDS)
    answer = Feedback.objects.filter(pk=pk, comment="").first()
    if answer is None:
        raise LookupError(f"answer {pk} is gone or has its comment")
    return answer


def feedback_comment(answer, text):
    """Store `text`, without personal details, as the comment of `answer`; True if stored.

    False when a comment arrived for it first (the form sent twice, or from two tabs).
    """
    stored = Feedback.objects.filter(pk=answer.pk, comment="").update(comment=redact(text))
    return bool(stored)


def unhelpful_pages():
    """Published pages many patients found unhelpful since their last review, most "No" first.

    A page is listed with at least FEEDBACK_REVIEW_NO_ANSWERS "No" answers and no more "Yes"
    than "No" answers, counted over the last FEEDBACK_REVIEW_DAYS days and only since the page
    was last signed off: a clinician's review answers the complaints made before it. Each item
    carries `no_answers` and `yes_answers`. One query per content type.
    """
    since = timezone.now() - timedelta(days=settings.FEEDBACK_REVIEW_DAYS)
    pages = []
    for model in content_models():
        reviewed = Coalesce(OuterRef("last_reviewed_on"), Value(date.min), output_field=DateField())
        answers = (
            Feedback.objects.about(model)
            .filter(object_id=OuterRef("pk"), created_at__gte=since, created_at__date__gte=reviewed)
            .order_by()
            .values("object_id")
        )

        def counted(helpful, answers=answers):
            count = answers.filter(helpful=helpful).annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(count), Value(0))

        pages.extend(
            model.objects.published()
            .annotate(no_answers=counted(False), yes_answers=counted(True))
            .filter(no_answers__gte=settings.FEEDBACK_REVIEW_NO_ANSWERS)
            .filter(no_answers__gte=F("yes_answers"))
        )
    return sorted(pages, key=lambda item: (-item.no_answers, str(item)))
