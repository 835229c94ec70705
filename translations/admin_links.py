"""Links from an English item's change form to its translations, with their state.

A mixin for the admins of every translatable model (translations/sources.py). It lives apart
from translations/admin.py, which builds on conditions/admin.py, so that conditions/admin.py
can use it too.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.http import urlencode

from translations.models import LANGUAGES, Translation
from translations.sources import TRANSLATABLE


@dataclass
class TranslationLink:
    label: str
    url: str
    state: str


def translation_links(user, item):
    """A link to each language's translation of `item` the user may open (or add), saying
    whether it is published, signed off and up to date. Two queries."""
    if type(item) not in TRANSLATABLE or item.pk is None:
        return []
    found = {
        row.language: row
        for row in Translation.objects.filter(
            content_type=ContentType.objects.get_for_model(item), object_id=item.pk
        )
    }
    links = []
    for code, name in LANGUAGES:
        row = found.get(code)
        if row is None:
            if user.has_perm("translations.add_translation"):
                query = urlencode(
                    {
                        "content_type": ContentType.objects.get_for_model(item).pk,
                        "object_id": item.pk,
                        "language": code,
                    }
                )
                url = f"{reverse('admin:translations_translation_add')}?{query}"
                links.append(TranslationLink(f"Add the {name} translation", url, "none yet"))
            continue
        if not user.has_perm("translations.view_translation"):
            continue
        state = [row.get_status_display().lower()]
        state.append("signed off" if row.is_signed_off else "not signed off")
        if row.is_out_of_date(item):
            state.append("out of date: the English has changed since")
        url = reverse("admin:translations_translation_change", args=[row.pk])
        links.append(TranslationLink(f"{name} translation", url, ", ".join(state)))
    return links


class TranslationLinksMixin:
    """Adds `translation_links` to the change form of a translatable item (and, through
    `translated_inlines`, of the items of its inlines, such as a clinic's locations); the
    change form includes admin/includes/translation_links.html."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            items = [obj, *self.translated_inline_items(obj)]
            context["translation_links"] = [
                (str(item), links)
                for item in items
                if (links := translation_links(request.user, item))
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def translated_inline_items(self, obj):
        """Items shown inline on `obj`'s form whose translations the form links to too."""
        return []
