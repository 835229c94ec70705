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
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_sameorigin
from simple_history.admin import SimpleHistoryAdmin
from taggit.forms import TagWidget
from taggit.managers import TaggableManager

from conditions.links import internal_link_problems
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
    permission_name,
)
from conditions.preview import UnsavedItem, form_choice, form_tags, preview_page
from conditions.readability import reading_grade
from conditions.services import many_changes
from conditions.services.tags import tag_merge, tag_names_fold, tag_rename
from conditions.services.workflow import (
    content_publish,
    content_restore,
    content_sign_off,
    content_submit_for_review,
    content_unpublish,
)
from conditions.symptom_checker import red_flags_for
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


def _display(record, model_field):
    """A historical field value as an editor reads it: choice labels, related objects by name."""
    value = getattr(record, model_field.attname)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if model_field.is_relation and value is not None:
        related = model_field.related_model.objects.filter(pk=value).first()
        return str(related) if related else f"(deleted, id {value})"
    return value


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
        """When the item was last saved, read fresh from the database (one query)."""
        saved = type(self.instance).objects.filter(pk=self.instance.pk).values("updated_at")
        return saved[0]["updated_at"].isoformat() if saved else ""

    def clean_tags(self):
        return tag_names_fold(self.cleaned_data["tags"])

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("edit_token") != self._saved_token():
            latest = self.instance.history.select_related("history_user").first()
            who = f" by {latest.history_user}" if latest and latest.history_user else ""
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
    list_filter = ["status", ReviewDueFilter, "tags"]
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
        return super().get_queryset(request).prefetch_related("tags")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.model.markdown_fields:
            # The page's main text: room to write it.
            kwargs["widget"] = forms.Textarea(attrs={"rows": 20, "class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

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
        target = settings.READABILITY_TARGET_GRADE
        if obj.reading_grade is None:
            return "Measured when the page is saved; the preview measures it as you type."
        verdict = "above" if obj.reading_grade > target else "within"
        return (
            f"{obj.reading_grade} (Flesch–Kincaid, as last saved): {verdict} the target of "
            f"grade {target}. The preview measures the text as you type."
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

    def warn_of_dead_links(self, request, item):
        for name in item.markdown_fields:
            label = item._meta.get_field(name).verbose_name
            for href, problem in internal_link_problems(getattr(item, name)):
                self.message_user(
                    request,
                    f"{label.capitalize()}: the link to {href}: {problem}.",
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
        above = [item for item in queryset if (item.reading_grade or 0) > target]
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

    @admin.action(description="Unpublish", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._run(request, queryset, content_unpublish, "Unpublished")

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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["preview_url"] = (
            reverse("admin:" + self._url_name("preview"), args=[obj.pk])
            if obj is not None
            else reverse("admin:" + self._url_name("preview_add"))
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

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
        return super().history_view(request, object_id, extra_context=context)

    def revert_disabled(self, request, obj=None):
        # Restoring goes through restore_view (clinicians only), never the edit-a-version form.
        return True

    def compare_view(self, request, object_id):
        """Two versions of an item side by side, field by field, links and tags included."""
        item = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_or_change_permission(request, item):
            raise PermissionDenied
        records = item.history.filter(history_id__in=[request.GET.get("a"), request.GET.get("b")])
        records = sorted(records, key=lambda record: record.history_date)
        if len(records) != 2:
            self.message_user(request, "Choose two different versions to compare.", messages.ERROR)
            return redirect("admin:" + self._url_name("history"), item.pk)
        older, newer = records
        rows = []
        for model_field in self.model._meta.concrete_fields:
            if model_field.name in {"id", "reviewed_fingerprint"}:
                continue
            old, new = (_display(record, model_field) for record in records)
            rows.append((model_field.verbose_name, old, new, old != new))
        for name in sorted(set(older.relations) | set(newer.relations)):
            old = ", ".join(label for _, label in older.relations.get(name, []))
            new = ", ".join(label for _, label in newer.relations.get(name, []))
            rows.append((name.replace("_", " "), old, new, old != new))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions of {item}",
            "opts": self.opts,
            "object": item,
            "older": older,
            "newer": newer,
            "rows": rows,
            "can_restore": self.has_signoff_permission(request),
        }
        return TemplateResponse(request, "admin/content_compare.html", context)

    def restore_view(self, request, object_id, history_id):
        if request.method != "POST":
            return redirect("admin:" + self._url_name("history"), object_id)
        item = get_object_or_404(self.model, pk=object_id)
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
    list_filter = ["status", "urgency", "knee_areas", ReviewDueFilter, "tags"]
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
