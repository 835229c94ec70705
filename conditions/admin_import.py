"""The admin's "Import an article" page: upload a file, see a preview of what it would create and
change, then confirm or cancel (docs/design.md, Importing from the admin).

Between the preview and the confirmation nothing is stored on the server: the preview page
carries the article's text in a hidden field, with a token signed by django.core.signing that
binds it to the user, the text (its SHA-256), the preview's report and the time. So a
confirmation imports exactly the text that was previewed, by whoever previewed it, within an
hour; it needs no session storage or temporary file, and works whichever app server the second
request reaches. The text is posted back as multipart form data, whose fields Django keeps within
DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), above the 2 MB an article may have.

Who may do what (least privilege): whoever can view every kind of content the import writes may
upload and preview, which writes nothing. Confirming writes clinical text (new items, working
drafts), so it needs what writing that text by hand in the admin needs: adding, changing and
signing off conditions, symptoms, treatments and FAQs, and adding tags: clinicians, not content
staff.
"""

import hashlib

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect

from conditions.article import MAX_ARTICLE_BYTES, ArticleError
from conditions.article.shape import decode
from conditions.models import Condition, Symptom, Treatment, permission_name
from conditions.services.importing import article_import
from conditions.text import word_diff
from conditions.vocabulary import VocabularyError
from faq.models import FAQ

IMPORTED_MODELS = (Condition, Symptom, Treatment, FAQ)
PREVIEW_MAX_AGE = 3600
_SALT = "conditions.admin_import"


def can_preview_import(user):
    """Whether `user` may upload an article and see what importing it would do."""
    return (
        user.is_active
        and user.is_staff
        and all(user.has_perm(permission_name("view", model)) for model in IMPORTED_MODELS)
    )


def can_import(user):
    """Whether `user` may confirm an import: write what it writes by hand in the admin."""
    return user.has_perm("conditions.add_tag") and all(
        user.has_perm(permission_name(action, model))
        for model in IMPORTED_MODELS
        for action in ("add", "change", "signoff")
    )


class ArticleUploadForm(forms.Form):
    file = forms.FileField(
        label="Article file",
        required=False,
        help_text="Plain text in the shape of the clinic's articles, Markdown, or HTML saved "
        "from a web page or a WordPress post: a title (<h1>), a heading (<h2>) for each "
        "condition, a “Frequently Asked Questions” section whose questions are <h3> headings, "
        "and a paragraph of comma-separated keywords. UTF-8, 2 MB at most.",
    )


class ArticleConfirmForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    token = forms.CharField(widget=forms.HiddenInput)


class _ArticleSizeLimit(FileUploadHandler):
    """Stops storing an upload once it passes the article limit: a huge file is read through
    and thrown away, never kept in memory or on disk."""

    too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_ARTICLE_BYTES:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def _fingerprint(text):
    return hashlib.sha256(text.encode()).hexdigest()


def import_view(model_admin, request):
    """Upload and preview (GET, POST with a file) or confirm (POST with `confirm`)."""
    if not can_preview_import(request.user):
        raise PermissionDenied
    # Before anything reads the request's body: the CSRF check does so inside _import_view.
    limit = _ArticleSizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _import_view(request, model_admin, limit)


# The CSRF check runs in _import_view, after the size limit is in place.
import_view.csrf_exempt = True


@csrf_protect
def _import_view(request, model_admin, limit):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Import an article",
        "can_import": can_import(request.user),
        "max_age_minutes": PREVIEW_MAX_AGE // 60,
    }
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, context)
    posted = request.method == "POST"
    form = ArticleUploadForm(request.POST, request.FILES) if posted else ArticleUploadForm()
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        if limit.too_large:
            form.add_error(
                "file",
                "The file is larger than 2 MB, the most an article may be. Nothing was imported.",
            )
        elif upload is None:
            form.add_error("file", "Choose the article's file.")
        else:
            data = upload.read()
            try:
                report = article_import(data, user=request.user, dry_run=True)
            except (ArticleError, VocabularyError) as error:
                form.add_error("file", f"{upload.name}: {error}. Nothing was imported.")
            else:
                return _preview(request, context, report, decode(data), upload.name)
    return TemplateResponse(request, "admin/import_article.html", {**context, "form": form})


def _preview(request, context, report, text, name):
    token = signing.dumps(
        {
            "user": request.user.pk,
            "text": _fingerprint(text),
            "plan": report.fingerprint(),
            "name": name,
        },
        salt=_SALT,
    )
    changes = [
        (change, [(label, old, word_diff(old, new)) for label, old, new in change.fields])
        for change in report.updated
    ]
    context = {
        **context,
        "title": f"Import “{report.title}”: preview",
        "report": report,
        "name": name,
        "changes": changes,
        "confirm_form": ArticleConfirmForm(initial={"text": text, "token": token}),
    }
    return TemplateResponse(request, "admin/import_article_preview.html", context)


def _start_again(request, message):
    messages.error(request, f"{message} Nothing was imported: upload the file again.")
    return redirect("admin:conditions_condition_import")


def _confirm(request, context):
    if not context["can_import"]:
        raise PermissionDenied
    form = ArticleConfirmForm(request.POST)
    if not form.is_valid():
        return _start_again(request, "The preview's text did not come back.")
    # A browser sends a field's line breaks back as CR LF.
    text = form.cleaned_data["text"].replace("\r\n", "\n")
    try:
        signed = signing.loads(form.cleaned_data["token"], salt=_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired:
        return _start_again(request, f"The preview is over {PREVIEW_MAX_AGE // 60} minutes old.")
    except signing.BadSignature:
        return _start_again(request, "The preview could not be confirmed.")
    if signed["user"] != request.user.pk or signed["text"] != _fingerprint(text):
        return _start_again(request, "The text is not the one previewed.")
    try:
        report = article_import(text.encode(), user=request.user, expected=signed["plan"])
    except (ArticleError, VocabularyError) as error:
        return _start_again(request, f"{signed['name']}: {error}.")
    if not report.written:
        messages.warning(
            request,
            "The site changed since the preview, so nothing was imported yet: this is what the "
            "import would do now. Confirm again to import it.",
        )
        return _preview(request, context, report, text, signed["name"])
    created, updated = len(report.created), len(report.updated)
    messages.success(
        request,
        f"Imported “{report.title}”: {created} item(s) created, {updated} changed. New items "
        "are in review, and text for existing items is a working draft until a clinician "
        "publishes it.",
    )
    return redirect(reverse("admin:conditions_condition_changelist") + "?status__exact=in_review")
