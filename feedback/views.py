"""The answer and comment forms of "Was this page helpful?".

The answer form sits in pages the page cache serves to everyone, so it carries no per-visitor
token: these two views are exempt from Django's CSRF check and make their own, narrower ones
(README, "Patient feedback"): the browser must say the form came from this site (Origin, or
Referer where a browser sends no Origin), one address may send FEEDBACK_PER_HOUR answers an hour,
only a published page can be answered about, a comment needs the signed token its answer gave,
and nothing sets a cookie. Both views answer a page of their own, or, for the widget's script
(X-Requested-With: fetch), the fragment that replaces the widget's contents.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters

from feedback.forms import COMMENT_MAX_LENGTH, AnswerForm, CommentForm
from feedback.services import (
    ANSWER_LIMIT,
    comment_token,
    commented_answer,
    feedback_answer,
    feedback_comment,
    page_lookup,
)
from kneeinfo.security import client_ip


def from_this_site(request):
    """Whether the browser says the form was sent from a page of this site.

    Browsers send Origin with every POST (Referer too, under our same-origin referrer policy,
    and some privacy tools strip only one of them); a page of another site cannot make a
    visitor's browser claim to be ours. A script outside a browser can claim anything: the
    address limit is what holds it back.
    """
    own = f"{request.scheme}://{request.get_host()}"
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS
    parts = urlsplit(request.headers.get("Referer", ""))
    return bool(parts.netloc) and f"{parts.scheme}://{parts.netloc}" == own


def comment_id(recorded):
    """Field ids of one answer's comment form: the FAQ list may show several at once."""
    return f"feedback-{recorded.pk}-%s"


def respond(request, step, *, status=200, **context):
    """The page for `step` of the feedback flow, or its fragment for the widget's script."""
    context = {"step": step, "comment_max_length": COMMENT_MAX_LENGTH, **context}
    fragment = request.headers.get("X-Requested-With") == "fetch"
    template = "feedback/fragment.html" if fragment else "feedback/page.html"
    response = render(request, template, context, status=status)
    if status == 429:
        response["Retry-After"] = str(ANSWER_LIMIT.window)
    return response


def post_only(view):
    """Answer anything but a POST with a page saying what the address is for (405)."""

    @wraps(view)
    def only_post(request):
        if request.method != "POST":
            response = respond(request, "visited", status=405)
            response["Allow"] = "POST"
            return response
        return view(request)

    return only_post


@csrf_exempt
@never_cache
@post_only
def answer(request):
    """Record a Yes or No about a published page, then offer the comment step."""
    if not from_this_site(request):
        return respond(request, "refused", status=403)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return respond(request, "unreadable", status=400)
    address = client_ip(request)
    if ANSWER_LIMIT.reached(address):
        return respond(request, "limited", status=429, limit=settings.FEEDBACK_PER_HOUR)
    # Counted before the look-up: a stream of made-up pages costs a query each.
    ANSWER_LIMIT.count(address)
    try:
        item = page_lookup(form.cleaned_data["page"])
    except ValueError:
        return respond(request, "unreadable", status=400)
    if item is None:
        return respond(request, "missing", status=404)
    helpful = form.cleaned_data["helpful"]
    recorded = feedback_answer(item, helpful, address)
    comment_form = None
    if not recorded.comment:  # else this address answered about the page, with a comment, today
        comment_form = CommentForm(
            initial={"token": comment_token(recorded)},
            helpful=helpful,
            auto_id=comment_id(recorded),
        )
    return respond(request, "answered", item=item, helpful=helpful, form=comment_form)


@csrf_exempt
@sensitive_post_parameters("comment")
@never_cache
@post_only
def comment(request):
    """Add the optional comment to the answer the signed token names."""
    typed = request.POST.get("comment", "")
    if not from_this_site(request):
        return respond(request, "refused", status=403, typed=typed)
    try:
        recorded = commented_answer(request.POST.get("token", ""))
    except signing.BadSignature:
        return respond(request, "expired", status=400, typed=typed)
    except LookupError:
        return respond(request, "already_sent", status=400, typed=typed)
    item = recorded.page
    form = CommentForm(request.POST, helpful=recorded.helpful, auto_id=comment_id(recorded))
    if not form.is_valid():
        return respond(
            request, "answered", status=400, item=item, helpful=recorded.helpful, form=form
        )
    if not feedback_comment(recorded, form.cleaned_data["comment"]):
        return respond(request, "already_sent", status=400, item=item, typed=typed)
    return respond(request, "commented", item=item)
