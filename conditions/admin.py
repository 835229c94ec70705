"""The clinicians' editing screens for conditions, symptoms, treatments, tags and knee areas.

Roles (groups made by migration 0005): a Clinician edits everything, signs off and publishes;
Content staff edit tags, cross-links and alternate names and see clinical text read-only. The
read-only fields are left out of the form, so a crafted POST cannot change them either.
"""

from csp.constants import SELF
from csp.decorators import csp_replace
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_sameorigin
from simple_history.admin import SimpleHistoryAdmin
from taggit.forms import TagWidget
from taggit.managers import TaggableManager

from conditions.admin_import import can_preview_import, import_view
from conditions.links import LinkCheckedTextarea, link_problems
from conditions.models import (
    REVIEW_SOON_DAYS,
    ClinicianProfile,
    Condition,
    JargonTerm,
    KneeArea,
    RedFlagRule,
    Status,
    Symptom,
    Tag,
    TagRedirect,
    Treatment,
    WorkflowError,
    WorkingDraft,
    permission_name,
)
from conditions.preview import UnsavedItem, form_choice, form_tags, preview_page
from conditions.readability import reading_grade
from conditions.services import many_changes
from conditions.services.drafts import draft_of, save_edit, with_draft
from conditions.services.tags import tag_merge, tag_names_fold, tag_rename
from conditions.services.workflow import (
    content_publish,
    content_restore,
    content_sign_off,
    content_submit_for_review,
    content_unpublish,
)
from conditions.symptom_checker import red_flags_for
from conditions.text import word_diff
from conditions.views import (
    SUBLIST_PAGE_SIZE,
    ConditionDetailView,
    SymptomDetailView,
    TreatmentDetailView,
    condition_body_render,
    condition_lists,
    published_conditions,
)


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review due"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("soon", f"Due in the next {REVIEW_SOON_DAYS} days"),
            ("unset", "No review date"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "soon":
            return queryset.review_due_soon()
        if self.value() == "unset":
            return queryset.filter(next_review_due__isnull=True)
        return queryset


class WaitingFilter(admin.SimpleListFilter):
    title = "waiting to go live"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("draft", "Has a working draft"), ("scheduled", "Scheduled")]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.filter(working_drafts__isnull=False)
        if self.value() == "scheduled":
            return queryset.filter(Q(go_live_at__isnull=False) | Q(take_down_at__isnull=False))
        return queryset


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        label="Why are you taking these pages down?",
        help_text="Kept in each page's history. Patients get a “not found” page until it returns.",
    )


def _display(record, model_field):
    """A historical field value as an editor reads it: choice labels, related objects by name."""
    value = getattr(record, model_field.attname)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if model_field.is_relation and value is not None:
        related = model_field.related_model.objects.filter(pk=value).first()
        return str(related) if related else f"(deleted, id {value})"
    return value


def edit_token(item):
    """When the item and its working draft were last saved, read fresh (two queries): the
    change form carries it, to notice a save by someone else since the form was opened."""
    saved = type(item).objects.filter(pk=item.pk).values("updated_at")
    if not saved:
        return ""
    draft = draft_of(item)
    return f"{saved[0]['updated_at'].isoformat()}/{draft.updated_at.isoformat() if draft else ''}"


def _saved_by(when, user):
    return f"saved {date_format(timezone.localtime(when), 'F j, Y, P')} by {user or '(system)'}"


def _sign_off(item):
    """Whether the item's wording is signed off, and by whom: as the draft compare shows it."""
    if not item.is_signed_off:
        return "Not signed off"
    return f"Signed off by {item.reviewed_by} on {date_format(item.last_reviewed_on, 'F j, Y')}"


class ContentAdminForm(forms.ModelForm):
    """Adds sign-off and publish choices, and refuses to overwrite someone else's newer save."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    sign_off = forms.BooleanField(
        required=False,
        label="I have clinically reviewed this wording",
        help_text="Signs the page off in your name with today's date once it is saved.",
    )
    publish = forms.BooleanField(
        required=False,
        label="Publish after saving",
        help_text="Only signed-off wording can be published.",
    )
    # Shown (as a checkbox) only once a sign-off is refused for reading above the target.
    sign_off_above_target = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="Sign off although it reads above the target grade",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["edit_token"].initial = self._saved_token()

    def _saved_token(self):
        return edit_token(self.instance)

    def _last_saved_by(self):
        """Who saved the item or its working draft last, or None."""
        latest = self.instance.history.select_related("history_user").first()
        draft = draft_of(self.instance)
        if draft is not None and (latest is None or draft.updated_at > latest.history_date):
            return draft.updated_by
        return latest.history_user if latest else None

    def clean_tags(self):
        return tag_names_fold(self.cleaned_data["tags"])

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("edit_token") != self._saved_token():
            who = self._last_saved_by()
            who = f" by {who}" if who else ""
            raise ValidationError(
                f"Someone else saved this page{who} while you were editing it, so your changes "
                "have not been saved. They are still in the form below: copy what you need, "
                "open the page again to see the newer version, and make your changes there."
            )
        if cleaned.get("sign_off") and not cleaned.get("sign_off_above_target"):
            self._confirm_reading_grade(cleaned)
        if cleaned.get("publish") and not cleaned.get("sign_off"):
            clinical_changed = set(self.changed_data) & set(self.instance.clinical_fields)
            if not self.instance.is_signed_off or clinical_changed:
                self.add_error(
                    "publish",
                    "This wording has not been signed off: check 'I have clinically reviewed "
                    "this wording' to sign it off and publish it together.",
                )
        return cleaned

    def _confirm_reading_grade(self, cleaned):
        """Ask for a second tick before signing off wording that reads above the target."""
        grade = reading_grade(self.instance, cleaned)
        target = settings.READABILITY_TARGET_GRADE
        if grade is not None and grade > target:
            self.fields["sign_off_above_target"].widget = forms.CheckboxInput()
            self.add_error(
                "sign_off",
                f"This wording reads at grade {grade}, above the target of grade {target}: the "
                "preview marks its long sentences and unexplained jargon. To sign it off as it "
                "is, also check 'Sign off although it reads above the target grade'.",
            )


class ContentAdmin(SimpleHistoryAdmin):
    """What every content type's admin shares: workflow, roles, review, history."""

    form = ContentAdminForm
    formfield_overrides = {
        TaggableManager: {"widget": TagWidget(attrs={"class": "vTextField"})},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"})},
    }
    list_filter = ["status", WaitingFilter, ReviewDueFilter, "tags"]
    save_on_top = True
    actions = ["submit_for_review", "sign_off", "publish", "unpublish"]
    change_form_template = "admin/content_change_form.html"
    object_history_list_template = "admin/content_history_list.html"
    # The public view whose page the preview shows (its section, its item's name in templates).
    public_view = None
    # What content staff may change; everything else is read-only for them.
    staff_editable_fields = ("alternate_names", "related", "tags", "conditions")
    workflow_fields = (
        "status",
        "reading_level",
        "last_reviewed_on",
        "reviewed_by",
        "created_at",
        "updated_at",
    )
    review_fieldset = (
        "Publishing and review",
        {
            "fields": [
                "status",
                "reading_level",
                "sign_off",
                "sign_off_above_target",
                "review_note",
                "publish",
                "go_live_at",
                "take_down_at",
                "last_reviewed_on",
                "reviewed_by",
                "next_review_due",
                "created_at",
                "updated_at",
                "edit_token",
            ]
        },
    )

    class Media:
        css = {"all": ["admin/kneeinfo.css"]}
        js = ["admin/live-preview.js"]

    def get_queryset(self, request):
        drafts = WorkingDraft.objects.filter(
            content_type__app_label=self.opts.app_label,
            content_type__model=self.opts.model_name,
            object_id=OuterRef("pk"),
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related("tags")
            .annotate(has_draft=Exists(drafts))
        )

    def get_object(self, request, object_id, from_field=None):
        """The item as its working draft has it: what editors edit, sign off and publish."""
        item = super().get_object(request, object_id, from_field)
        return item if item is None else with_draft(item)

    def save_model(self, request, obj, form, change):
        if save_edit(obj, request.user) is not None:
            self.message_user(
                request,
                f"'{obj}' is live: your changes to its wording are kept as a working draft. "
                "Patients see the live page until the draft is signed off and published.",
                messages.INFO,
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["preview_url"] = (
            reverse("admin:" + self._url_name("preview"), args=[obj.pk])
            if obj is not None
            else reverse("admin:" + self._url_name("preview_add"))
        )
        if obj is not None and getattr(obj, "working_draft", None) is not None:
            context["compare_live_url"] = reverse(
                "admin:" + self._url_name("draft_compare"), args=[obj.pk]
            )
            context["discard_draft_url"] = reverse(
                "admin:" + self._url_name("draft_discard"), args=[obj.pk]
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="Working draft", boolean=True, ordering="has_draft")
    def has_working_draft(self, obj):
        return obj.has_draft

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.model.markdown_fields:
            # The page's main text: room to write it, and its dead links listed beside it.
            field.widget = LinkCheckedTextarea(attrs={**field.widget.attrs, "rows": 20})
        return field

    @admin.display(description="Reading grade", ordering="reading_grade")
    def grade(self, obj):
        target = settings.READABILITY_TARGET_GRADE
        if obj.reading_grade is not None and obj.reading_grade > target:
            return format_html(
                '<span class="above-target">{} (above {})</span>', obj.reading_grade, target
            )
        return obj.reading_grade

    @admin.display(description="Reading grade")
    def reading_level(self, obj):
        # Of the wording the form opened with: a live item's working draft where it has one.
        grade = reading_grade(obj)
        target = settings.READABILITY_TARGET_GRADE
        if grade is None:
            return "No text yet; the preview measures it as you type."
        verdict = "above" if grade > target else "within"
        return (
            f"{grade} (Flesch–Kincaid, as last saved): {verdict} the target of grade {target}. "
            "The preview measures the text as you type."
        )

    @admin.display(description="Tags")
    def tag_list(self, obj):
        names = sorted(tag.name for tag in obj.tags.all())
        return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")

    @admin.display(description="Signed off", boolean=True)
    def signed_off(self, obj):
        return obj.is_signed_off

    def has_publish_permission(self, request):
        return request.user.has_perm(permission_name("publish", self.model))

    def has_signoff_permission(self, request):
        return request.user.has_perm(permission_name("signoff", self.model))

    def get_fieldsets(self, request, obj=None):
        """Leave out the sign-off and publish choices for users who may not make them."""
        hidden = set()
        if not self.has_signoff_permission(request):
            hidden.update({"sign_off", "sign_off_above_target"})
        if not self.has_publish_permission(request):
            hidden.add("publish")
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        """The workflow's fields, and for anyone who may not sign off every field of the model
        but those content staff edit.

        Read from the model, not the form or the fieldsets: Django builds those from this list.
        """
        readonly = list(self.workflow_fields)
        if not self.has_publish_permission(request):
            readonly += ["go_live_at", "take_down_at"]
        if not self.has_signoff_permission(request):
            readonly += [
                field.name
                for field in self.model._meta.get_fields()
                if field.editable
                and not field.auto_created
                and field.name not in {*readonly, *self.staff_editable_fields}
            ]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return {} if not self.has_signoff_permission(request) else self.prepopulated_fields

    def save_related(self, request, form, formsets, change):
        """Sign off and publish after links and tags are saved, so history sees the whole page.

        Then warn of links in the Markdown that lead to no live page."""
        self.warn_of_dead_links(request, form.instance)
        with many_changes():
            super().save_related(request, form, formsets, change)
            item = form.instance
            try:
                if form.cleaned_data.get("sign_off"):
                    content_sign_off(item, request.user, item.review_note)
                    self.message_user(request, f"'{item}' is signed off in your name.")
                if form.cleaned_data.get("publish"):
                    content_publish(item, request.user)
                    self.message_user(request, f"'{item}' is published.")
            except (WorkflowError, PermissionDenied) as error:
                self.message_user(request, str(error), messages.ERROR)
        if item.go_live_at and not item.is_signed_off:
            self.message_user(
                request,
                f"'{item}' is scheduled to go live but its wording is not signed off: it will "
                "not be published until a clinician signs it off.",
                messages.WARNING,
            )

    def warn_of_dead_links(self, request, item):
        """Say, once, which fields list links that lead nowhere (each link is shown there)."""
        fields = [
            item._meta.get_field(name).verbose_name
            for name in item.markdown_fields
            if link_problems(getattr(item, name))
        ]
        if fields:
            self.message_user(
                request,
                f"'{item}' is saved, but links in its {' and '.join(fields)} lead nowhere: "
                "the warnings beside the field say which.",
                messages.WARNING,
            )

    def _run(self, request, queryset, step, done):
        succeeded, failures = 0, []
        with many_changes():
            for item in queryset:
                try:
                    step(item, request.user)
                    succeeded += 1
                except (WorkflowError, PermissionDenied) as error:
                    failures.append(str(error))
        if succeeded:
            self.message_user(request, f"{done}: {succeeded} item(s).", messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)

    @admin.action(description="Submit for clinical review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._run(request, queryset, content_submit_for_review, "Sent to review")

    @admin.action(description="Mark as clinically reviewed", permissions=["signoff"])
    def sign_off(self, request, queryset):
        target = settings.READABILITY_TARGET_GRADE
        # The wording signed off is the working draft's where there is one, not the live page's.
        grades = [(item, reading_grade(with_draft(item))) for item in queryset]
        above = [(item, grade) for item, grade in grades if (grade or 0) > target]
        if above and "above_target_confirmed" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "title": "Sign off pages that read above the target grade?",
                "opts": self.opts,
                "items": queryset,
                "above": above,
                "target": target,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/sign_off_confirm.html", context)
        self._run(request, queryset, content_sign_off, "Signed off")

    @admin.action(description="Publish", permissions=["publish"])
    def publish(self, request, queryset):
        self._run(request, queryset, content_publish, "Published")

    @admin.action(description="Unpublish…", permissions=["publish"])
    def unpublish(self, request, queryset):
        """Ask for confirmation and a reason first: unpublishing is what takes a page down."""
        form = UnpublishForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._run(
                request,
                queryset,
                lambda item, user: content_unpublish(item, user, reason),
                "Unpublished",
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Take these pages down?",
            "opts": self.opts,
            "items": queryset,
            "form": form,
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/content_unpublish.html", context)

    def _url_name(self, view):
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        # The preview is framed by the change form (same origin only), and the page it shows
        # loads the public stylesheet.
        preview = self.admin_site.admin_view(
            csp_replace({"frame-ancestors": [SELF]})(xframe_options_sameorigin(self.preview_view))
        )
        return [
            path("preview/", preview, name=self._url_name("preview_add")),
            path("<path:object_id>/preview/", preview, name=self._url_name("preview")),
            path(
                "<path:object_id>/draft/compare/",
                self.admin_site.admin_view(self.draft_compare_view),
                name=self._url_name("draft_compare"),
            ),
            path(
                "<path:object_id>/draft/discard/",
                self.admin_site.admin_view(self.draft_discard_view),
                name=self._url_name("draft_discard"),
            ),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=self._url_name("compare"),
            ),
            path(
                "<path:object_id>/history/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name=self._url_name("restore"),
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id=None):
        """The item's public page as the posted change form stands, nothing saved: what the
        form's Preview button and its live preview show. CSRF-checked by the admin."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if object_id is None:
            item = None
            if not self.has_add_permission(request):
                raise PermissionDenied
        else:
            item = self.get_object(request, object_id)
            if item is None:
                raise Http404("No such item")
            if not self.has_view_or_change_permission(request, item):
                raise PermissionDenied
        form = self.get_form(request, item, change=item is not None)(request.POST, instance=item)
        # Validating applies each value that is valid to form.instance, which is never saved.
        form.is_valid()
        item = form.instance
        return HttpResponse(
            preview_page(request, item, self.public_view, self.preview_context(item, form))
        )

    def preview_context(self, item, form):
        """What the public view gives its template beside the item, from the form where it
        edits it."""
        raise NotImplementedError

    def history_view(self, request, object_id, extra_context=None):
        context = {"can_restore": self.has_signoff_permission(request), **(extra_context or {})}
        item = self.get_object(request, object_id)
        draft = getattr(item, "working_draft", None)
        if draft is not None:
            context["working_draft"] = draft
            context["working_draft_saved"] = _saved_by(draft.updated_at, draft.updated_by)
            context["compare_live_url"] = reverse(
                "admin:" + self._url_name("draft_compare"), args=[item.pk]
            )
        return super().history_view(request, object_id, extra_context=context)

    def revert_disabled(self, request, obj=None):
        # Restoring goes through restore_view (clinicians only), never the edit-a-version form.
        return True

    def _viewable(self, request, object_id):
        """The item's row, if the user may see it; a 404 for an id that is not one."""
        try:
            item = self.model.objects.filter(pk=object_id).first()
        except (ValueError, ValidationError):
            item = None
        if item is None:
            raise Http404(f"No {self.opts.verbose_name} with that id.")
        if not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        return item

    def _compare(self, request, item, older, newer, fields, extra_rows=(), **context):
        """Two versions of an item side by side, field by field, what changed marked word by word.

        `older` and `newer` are anything with the model's field attributes: historical records,
        the live row, the item as its working draft has it.
        """
        rows = []
        for model_field in fields:
            old, new = (_display(version, model_field) for version in (older, newer))
            changed = old != new
            rows.append(
                (
                    model_field.verbose_name,
                    old,
                    word_diff(old or "", new or "") if changed else new,
                    changed,
                )
            )
        for name in sorted(
            set(getattr(older, "relations", {})) | set(getattr(newer, "relations", {}))
        ):
            old = ", ".join(label for _, label in older.relations.get(name, []))
            new = ", ".join(label for _, label in newer.relations.get(name, []))
            rows.append((name.replace("_", " "), old, new, old != new))
        rows.extend(extra_rows)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": item,
            "rows": rows,
            **context,
        }
        return TemplateResponse(request, "admin/content_compare.html", context)

    def compare_view(self, request, object_id):
        """Two versions from the item's history, links and tags included."""
        item = self._viewable(request, object_id)
        records = item.history.filter(history_id__in=[request.GET.get("a"), request.GET.get("b")])
        records = sorted(records, key=lambda record: record.history_date)
        if len(records) != 2:
            self.message_user(request, "Choose two different versions to compare.", messages.ERROR)
            return redirect("admin:" + self._url_name("history"), item.pk)
        older, newer = records
        fields = [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in {"id", "reviewed_fingerprint"}
        ]
        return self._compare(
            request,
            item,
            older,
            newer,
            fields,
            title=f"Compare versions of {item}",
            older_label=_saved_by(older.history_date, older.history_user),
            newer_label=_saved_by(newer.history_date, newer.history_user),
            restore=older if self.has_signoff_permission(request) else None,
        )

    def draft_compare_view(self, request, object_id):
        """The working draft beside the live version: its clinical fields and its sign-off."""
        live = self._viewable(request, object_id)
        draft = with_draft(self.model.objects.get(pk=live.pk))
        if draft.working_draft is None:
            self.message_user(
                request, f"'{live}' has no working draft: the live page has its latest wording."
            )
            return redirect("admin:" + self._url_name("change"), live.pk)
        fields = [live._meta.get_field(name) for name in live.clinical_fields]
        return self._compare(
            request,
            live,
            live,
            draft,
            fields,
            [("sign-off", _sign_off(live), _sign_off(draft), True)],
            title=f"Working draft of {live} compared with the live page",
            older_label="Live page",
            newer_label="Working draft, "
            + _saved_by(draft.working_draft.updated_at, draft.working_draft.updated_by),
        )

    def draft_discard_view(self, request, object_id):
        """Throw the working draft away (POST), after which the form shows the live wording."""
        item = self._viewable(request, object_id)
        if request.method == "POST" and self.has_change_permission(request, item):
            draft = draft_of(item)
            if draft is not None:
                draft.delete()
                self.log_change(request, item, "Discarded the working draft")
                self.message_user(request, f"The working draft of '{item}' is discarded.")
        return redirect("admin:" + self._url_name("change"), item.pk)

    def restore_view(self, request, object_id, history_id):
        if request.method != "POST":
            return redirect("admin:" + self._url_name("history"), object_id)
        item = self._viewable(request, object_id)
        record = get_object_or_404(item.history.model, history_id=history_id, id=item.pk)
        try:
            content_restore(item, record, request.user)
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            message = "The earlier version is restored."
            if item.status == Status.IN_REVIEW:
                message += " Its clinical text differs from the signed-off wording: review it."
            self.message_user(request, message, messages.SUCCESS)
        return redirect("admin:" + self._url_name("change"), item.pk)


class NamedContentAdmin(ContentAdmin):
    list_display = [
        "name",
        "status",
        "signed_off",
        "has_working_draft",
        "grade",
        "tag_list",
        "next_review_due",
        "updated_at",
    ]
    search_fields = ["name", "alternate_names", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def preview_context(self, item, form):
        """A symptom's or treatment's page: the item and the published conditions linked to it
        (links made on the conditions' forms, so the saved ones)."""
        conditions = published_conditions()
        conditions = (
            conditions.filter(**{self.public_view.condition_field: item.pk})
            if item.pk
            else conditions.none()
        )
        return {
            self.public_view.context_object_name: UnsavedItem(item, tags=form_tags(form, item)),
            "conditions": Paginator(conditions, SUBLIST_PAGE_SIZE).get_page(1),
        }


@admin.register(Condition)
class ConditionAdmin(NamedContentAdmin):
    public_view = ConditionDetailView
    list_filter = ["status", WaitingFilter, "urgency", "knee_areas", ReviewDueFilter, "tags"]
    search_fields = [*NamedContentAdmin.search_fields, "summary", "body"]
    autocomplete_fields = ["symptoms", "treatments", "related"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "alternate_names", "summary", "body"]}),
        ("Urgent help", {"fields": ["urgency", "urgent_help"]}),
        (
            "Links",
            {"fields": ["onset", "knee_areas", "symptoms", "treatments", "related", "tags"]},
        ),
        ContentAdmin.review_fieldset,
    ]

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=self._url_name("import"),
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        return import_view(self, request)

    # It checks CSRF itself, once the upload's size limit is set (conditions/admin_import.py).
    import_view.csrf_exempt = True

    def changelist_view(self, request, extra_context=None):
        context = {"can_preview_import": can_preview_import(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.method == "GET":
            self.warn_if_red_flag_without_callout(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def preview_context(self, item, form):
        # Similar conditions and questions come from other items' links, as saved.
        saved = condition_lists(item.pk) if item.pk else {"similar": [], "faqs": []}
        return {
            "condition": UnsavedItem(item),
            "body_html": mark_safe(condition_body_render(item)),
            "symptoms": form_choice(form, item, "symptoms").published(),
            "treatments": form_choice(form, item, "treatments").published(),
            "related": form_choice(form, item, "related").published(),
            "knee_areas": form_choice(form, item, "knee_areas"),
            "tags": [tag for tag in form_tags(form, item) if not tag.is_hidden],
            "similar": saved["similar"],
            "faqs": saved["faqs"],
        }

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.warn_if_red_flag_without_callout(request, form.instance)

    def warn_if_red_flag_without_callout(self, request, condition):
        """A condition showing all of a red-flag rule's symptoms should say when to get help."""
        if condition.urgency:
            return
        fired = red_flags_for(condition.symptoms.all())
        if fired:
            names = ", ".join(f"'{rule}'" for rule in fired)
            self.message_user(
                request,
                f"'{condition}' has the warning signs of the red-flag rule {names} but no "
                "urgent-help callout: set an urgency and write the warning signs for patients.",
                messages.WARNING,
            )


@admin.register(Symptom)
class SymptomAdmin(NamedContentAdmin):
    public_view = SymptomDetailView
    list_display = [
        *NamedContentAdmin.list_display[:2],
        "in_symptom_checker",
        *NamedContentAdmin.list_display[2:],
    ]
    list_filter = ["in_symptom_checker", *ContentAdmin.list_filter]
    search_fields = [*NamedContentAdmin.search_fields, "description"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "alternate_names",
                    "description",
                    "in_symptom_checker",
                    "tags",
                ]
            },
        ),
        ContentAdmin.review_fieldset,
    ]


@admin.register(Treatment)
class TreatmentAdmin(NamedContentAdmin):
    public_view = TreatmentDetailView
    list_display = ["name", "kind", *NamedContentAdmin.list_display[1:]]
    list_filter = ["kind", *ContentAdmin.list_filter]
    search_fields = [*NamedContentAdmin.search_fields, "description"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "alternate_names", "description", "tags"]}),
        ContentAdmin.review_fieldset,
    ]


class TagMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Tag.objects.all(), label="Keep this tag", help_text="The others merge into it."
    )


class TagRenameForm(forms.ModelForm):
    """Renaming through the admin keeps the old address working."""

    class Meta:
        model = Tag
        fields = ["name", "slug", "is_hidden"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagRenameForm
    list_display = ["name", "slug", "is_hidden", "use_count"]
    list_filter = ["is_hidden"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge", "hide", "show"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=models.Count("tagged_items"))

    @admin.display(description="Tagged items", ordering="use_count")
    def use_count(self, obj):
        return obj.use_count

    def save_model(self, request, obj, form, change):
        if change and {"name", "slug"} & set(form.changed_data):
            old = Tag.objects.get(pk=obj.pk)
            obj.name, obj.slug = old.name, old.slug
            tag_rename(obj, form.cleaned_data["name"], form.cleaned_data["slug"])
            obj.is_hidden = form.cleaned_data["is_hidden"]
            obj.save(update_fields=["is_hidden"])
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Merge the selected tags into one", permissions=["change"])
    def merge(self, request, queryset):
        if "into" in request.POST:
            form = TagMergeForm(request.POST)
            form.fields["into"].queryset = queryset
            if form.is_valid():
                into = form.cleaned_data["into"]
                merged = [tag.name for tag in queryset if tag.pk != into.pk]
                tag_merge(list(queryset), into)
                self.message_user(
                    request, f"Merged {', '.join(merged)} into '{into}'.", messages.SUCCESS
                )
                return None
        else:
            form = TagMergeForm()
            form.fields["into"].queryset = queryset
        if queryset.count() < 2:
            self.message_user(request, "Select at least two tags to merge.", messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge tags",
            "opts": self.opts,
            "tags": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/tag_merge.html", context)

    def _set_hidden(self, queryset, hidden):
        # Save one by one (not update()) so the page cache hears of each change.
        tags = list(queryset)
        for tag in tags:
            tag.is_hidden = hidden
            tag.save(update_fields=["is_hidden"])
        return len(tags)

    @admin.action(description="Hide from public navigation", permissions=["change"])
    def hide(self, request, queryset):
        hidden = self._set_hidden(queryset, True)
        self.message_user(request, f"Hidden {hidden} tag(s); pages keep them.", messages.SUCCESS)

    @admin.action(description="Show in public navigation", permissions=["change"])
    def show(self, request, queryset):
        shown = self._set_hidden(queryset, False)
        self.message_user(request, f"Showing {shown} tag(s).", messages.SUCCESS)


@admin.register(TagRedirect)
class TagRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "tag"]
    search_fields = ["old_slug", "tag__name"]
    autocomplete_fields = ["tag"]
    list_select_related = ["tag"]


@admin.register(KneeArea)
class KneeAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RedFlagRule)
class RedFlagRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "urgency", "symptom_list", "is_active"]
    list_filter = ["is_active", "urgency"]
    search_fields = ["name", "advice", "symptoms__name"]
    autocomplete_fields = ["symptoms"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("symptoms")

    @admin.display(description="Fires when all of these are chosen")
    def symptom_list(self, obj):
        return ", ".join(symptom.name for symptom in obj.symptoms.all())


@admin.register(JargonTerm)
class JargonTermAdmin(admin.ModelAdmin):
    """The words the editor's preview marks where a page does not explain them."""

    list_display = ["term", "plain_words", "updated_at"]
    search_fields = ["term", "plain_words"]


@admin.register(ClinicianProfile)
class ClinicianProfileAdmin(admin.ModelAdmin):
    """Superusers manage every profile; a clinician sees only their own."""

    list_display = ["__str__", "profession", "registration_number"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)


admin.site.index_template = "admin/kneeinfo_index.html"
admin.site.site_header = "Knee clinic content"
admin.site.site_title = "Knee clinic content"
