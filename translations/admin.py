"""Translations in the admin, edited beside the English.

A translation's change form shows each translated field next to the English as it is now
(read-only) and, when the English has changed since the translation was signed off, what
changed in it word by word. The workflow, roles, history and working draft are the English
content's (ContentAdmin): clinicians write, sign off and publish translations; content staff
see their wording read-only and edit their other names.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from conditions.admin import (
    ContentAdmin,
    ContentAdminForm,
    ReviewDueFilter,
    WaitingFilter,
    compare_row,
)
from conditions.text import word_diff
from translations.models import LANGUAGE_NAMES, Translation
from translations.services import english_url, translations_of
from translations.sources import TRANSLATABLE, translatable

WORDING_PREFIX = "wording_"


def _english_display(item, name):
    """An English field as an editor reads it: a choice by its label."""
    model_field = item._meta.get_field(name)
    value = getattr(item, name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _recorded_display(item, name, recorded):
    """A recorded English value (as a translation keeps it) as an editor reads it."""
    model_field = item._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(recorded, recorded))
    return recorded


class TranslationForm(ContentAdminForm):
    """A field for each translated field of the English item (`source`, set by the admin),
    stored together in the translation's `values`. Left out for whoever may not sign off: they
    see the wording read-only."""

    source = None
    language = "es"
    wording_editable = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.instance.source, self.instance.language = self.source, self.language
        self.spec = translatable(self.source)
        if not self.wording_editable:
            return
        for name in self.spec.fields:
            english = str(getattr(self.source, name))
            widget = (
                # As tall as the English beside it, near enough, so both read side by side.
                forms.Textarea(attrs={"rows": min(60, max(6, len(english) // 45))})
                if self.spec.is_multiline(name)
                else forms.TextInput(attrs={"class": "vTextField"})
            )
            self.fields[WORDING_PREFIX + name] = forms.CharField(
                label=self.spec.label(name),
                # What the English says, the translation must say too.
                required=bool(english.strip()),
                strip=True,
                widget=widget,
                initial=self.instance.values.get(name, ""),
                max_length=self.source._meta.get_field(name).max_length,
            )

    @property
    def changed_data(self):
        changed = super().changed_data
        if any(name.startswith(WORDING_PREFIX) for name in changed):
            changed = [*changed, "values"]
        return changed

    def clean(self):
        cleaned = super().clean()
        if self.wording_editable:
            self.instance.values = {
                name: cleaned.get(WORDING_PREFIX + name, "") for name in self.spec.fields
            }
        return cleaned


class KindFilter(admin.SimpleListFilter):
    title = "translation of"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(model._meta.model_name, model._meta.verbose_name) for model in TRANSLATABLE]

    def queryset(self, request, queryset):
        for model in TRANSLATABLE:
            if self.value() == model._meta.model_name:
                return queryset.filter(
                    content_type__app_label=model._meta.app_label,
                    content_type__model=model._meta.model_name,
                )
        return queryset


@admin.register(Translation)
class TranslationAdmin(ContentAdmin):
    form = TranslationForm
    change_form_template = "admin/translation_change_form.html"
    list_display = [
        "__str__",
        "english",
        "language",
        "status",
        "signed_off",
        "up_to_date",
        "has_working_draft",
        "next_review_due",
        "updated_at",
    ]
    list_filter = ["status", "language", KindFilter, WaitingFilter, ReviewDueFilter]
    search_fields = ["values", "alternate_names"]
    staff_editable_fields = ("alternate_names",)
    # Reading grades measure English (Flesch–Kincaid): a translation's review leaves them out.
    workflow_fields = tuple(f for f in ContentAdmin.workflow_fields if f != "reading_level")
    fieldsets = [
        ("Other names", {"fields": ["alternate_names"]}),
        (
            ContentAdmin.review_fieldset[0],
            {
                "fields": [
                    field
                    for field in ContentAdmin.review_fieldset[1]["fields"]
                    if field not in {"reading_level", "sign_off_above_target"}
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("source")

    def preview_view(self, request, object_id=None):
        # The change form offers none: the translation's page in its language shows it.
        raise Http404("Translations have no live preview: save, then open the page.")

    @admin.display(description="English")
    def english(self, obj):
        return obj.source

    @admin.display(description="Up to date", boolean=True)
    def up_to_date(self, obj):
        return not obj.is_out_of_date()

    def source_for(self, request, obj=None):
        """The English item a translation translates: the translation's, or for a new one the
        one its address names (?content_type=…&object_id=…, the English change form's link).
        None if the address names none that can be translated."""
        if obj is not None:
            return obj.source
        try:
            model = ContentType.objects.get_for_id(int(request.GET["content_type"])).model_class()
            translatable(model)
            return model._default_manager.get(pk=int(request.GET["object_id"]))
        except (KeyError, ValueError, TypeError, LookupError, ObjectDoesNotExist):
            return None

    @staticmethod
    def language_for(request):
        language = request.GET.get("language", "es")
        return language if language in LANGUAGE_NAMES else None

    def add_view(self, request, form_url="", extra_context=None):
        source, language = self.source_for(request), self.language_for(request)
        if source is None or language is None:
            self.message_user(
                request,
                "Add a translation from the English item's page: open it and follow "
                "'Add the Spanish translation'.",
                messages.ERROR,
            )
            return redirect("admin:translations_translation_changelist")
        existing = translations_of(type(source), language).filter(object_id=source.pk).first()
        if existing is not None:
            return redirect("admin:translations_translation_change", existing.pk)
        return super().add_view(request, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        attrs = {
            "source": self.source_for(request, obj),
            "language": obj.language if obj is not None else self.language_for(request),
            "wording_editable": "values" not in self.get_readonly_fields(request, obj),
        }
        return type(form.__name__, (form,), attrs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        source = self.source_for(request, obj)
        if source is not None and translatable(source).alternate_names:
            return fieldsets
        return [entry for entry in fieldsets if "alternate_names" not in entry[1]["fields"]]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        translation = obj if obj is not None else form.instance
        source = form.source
        out_of_date = obj is not None and translation.is_out_of_date(source)
        context.update(
            beside=self.beside_rows(form, translation, source, out_of_date),
            out_of_date=out_of_date,
            english=source,
            english_admin_url=self.english_admin_url(source),
            english_public_url=english_url(source),
            language_name=LANGUAGE_NAMES.get(translation.language or "es"),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def english_admin_url(source):
        opts = source._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[source.pk])

    @staticmethod
    def beside_rows(form, translation, source, out_of_date):
        """Each translated field: the English now, what changed in it since the translation was
        signed off (when it is out of date), and the translation's field or wording. Then the
        English fields the translation watches but does not translate (a condition's urgency)."""
        spec = form.spec
        watched_only = [name for name in spec.watched_fields if name not in spec.fields]
        rows = []
        for name in [*spec.fields, *watched_only]:
            now = _english_display(source, name)
            recorded = translation.source_values.get(name)
            changed = (
                out_of_date
                and recorded is not None
                and recorded != translation.spec.english_values(source)[name]
            )
            bound = form[WORDING_PREFIX + name] if WORDING_PREFIX + name in form.fields else None
            rows.append(
                {
                    "label": spec.label(name),
                    "english": now,
                    "changes": (
                        word_diff(_recorded_display(source, name, recorded), now)
                        if changed
                        else None
                    ),
                    "translated": name in spec.fields,
                    "field": bound,
                    "wording": translation.values.get(name, ""),
                }
            )
        return rows

    def compare_rows(self, older, newer, fields):
        """The translated wording field by field; the English it was made from left out (the
        change form shows what changed in it)."""
        rows = []
        spec = None
        for model_field in fields:
            if model_field.name in {"source_fingerprint", "source_values"}:
                continue
            if model_field.name != "values":
                rows += super().compare_rows(older, newer, [model_field])
                continue
            spec = spec or translatable(
                ContentType.objects.get_for_id(older.content_type_id).model_class()
            )
            for name in spec.fields:
                rows.append(
                    compare_row(
                        f"{spec.label(name)} (translated)",
                        older.values.get(name, ""),
                        newer.values.get(name, ""),
                    )
                )
        return rows
