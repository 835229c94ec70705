"""Content in the reader's language: where content translations plug in.

The interface (headings, labels, advice levels, forms) is translated with gettext
(`locale/`). Content (a condition's wording, a symptom's description, an FAQ's answer) is
translated item by item, each translation reviewed and signed off on its own. Public pages ask
the two functions below for an item's live translation; none exists yet, so every page in
another language shows the English content under a notice that it is not yet translated
(ContentLanguageMixin in conditions/mixins.py) and is left out of that language's sitemap
(conditions/sitemaps.py).

English is the language content is written in: it needs no translation, and neither function is
asked about it.
"""


def live_translation(item, language):
    """The live translation of `item` into `language` (published, its sign-off current), or None.

    What the page shows in place of the item's own wording: an object with the item's
    translated fields under the same names (`name`, `summary`, `body`...), its own review dates
    and reviewer, and `language`, the language code. None while no translation is live.
    """
    return None


def with_live_translation(items, language):
    """The items of the queryset `items` that have a live translation into `language`.

    For lists that must leave untranslated items out, such as a language's sitemap.
    """
    return items.none()
