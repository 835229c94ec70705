"""The editor's preview: an item's public page as its change form stands, with nothing saved.

The page is rendered by the public template of the item's page, filled from the form's values
(a value the form refuses keeps the saved one). Links the form edits come from the form; lists
that other items make (a symptom's conditions, a condition's questions) from the database,
published only, as patients see them. Above the page, the reading figures; in it, long
sentences and unexplained jargon are marked (conditions/readability.py). Only staff see this.
"""

import re

from django.conf import settings
from django.template.loader import render_to_string

from conditions import readability
from conditions.mixins import breadcrumb_trail
from conditions.models import JargonTerm, Tag


class _Chosen:
    """A relation as the form has it, for templates that ask for `.all`."""

    def __init__(self, items):
        self._items = list(items)

    def all(self):
        return self._items


class UnsavedItem:
    """An item as the public templates read it, with its relations `relations` as the form has
    them: an unsaved item's own relations cannot be read, a saved one's are not the form's."""

    def __init__(self, item, **relations):
        self._item = item
        self._relations = {name: _Chosen(items) for name, items in relations.items()}

    def __getattr__(self, name):
        if name in self.__dict__.get("_relations", {}):
            return self._relations[name]
        return getattr(self._item, name)

    def __str__(self):
        return str(self._item)


def form_choice(form, item, name):
    """The items chosen in the form's many-to-many field `name` (after is_valid()), or the saved
    ones where the form has no valid choice (a field the user may not change, a bad value)."""
    if name in form.cleaned_data:
        return form.cleaned_data[name]
    if item.pk:
        return getattr(item, name).all()
    return item._meta.get_field(name).related_model.objects.none()


def form_tags(form, item):
    """The form's tags as its page will show them, A–Z: existing tags, and new ones unsaved."""
    names = form.cleaned_data.get("tags")
    if names is None:
        return list(item.tags.all()) if item.pk else []
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    tags = [existing.get(name) or Tag(name=name, slug=Tag().slugify(name)) for name in names]
    return sorted(tags, key=lambda tag: tag.name.casefold())


# Where the public templates put what a clinician writes: a condition's summary in the lead
# paragraph, and the Markdown of every page in the body division. The sanitiser lets no <div>
# into Markdown and a summary is escaped, so the first closing tag ends the text.
_WRITTEN = re.compile(r'(<(div|p) class="(?:body|lead)">)(.*?)(</\2>)', re.S)


def preview_page(request, item, public_view, context):
    """The public page of `item` as HTML, from `public_view`'s template with `context` (the
    lists the view would give it), with the reading figures and marks."""
    htmls = readability.graded_html(item)
    jargon = readability.unexplained_jargon(htmls.values(), JargonTerm.as_dict())
    page = readability.measure(*htmls.values())
    target = settings.READABILITY_TARGET_GRADE
    opts = item._meta
    html = render_to_string(
        "admin/content_preview.html",
        {
            "public_template": f"{opts.app_label}/{opts.model_name}_detail.html",
            "breadcrumbs": breadcrumb_trail(public_view.section, item),
            "page": page,
            "above_target": page.grade is not None and page.grade > target,
            "target": target,
            "figures": readability.item_figures(item),
            "jargon": jargon,
            "long_sentence_words": readability.LONG_SENTENCE_WORDS,
            **context,
        },
        request=request,
    )
    return _WRITTEN.sub(
        lambda m: m.group(1) + readability.mark(m.group(3), jargon) + m.group(4), html
    )
