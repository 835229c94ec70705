"""The shipped translations of the seed content (content/es.toml): each loaded once, in the
state its English item is in, not yet reviewed.

Keyed by the English item's slug (a red-flag rule's by its name), so the file needs no ids. A
translation that exists is never changed: a clinician may have edited or signed it off.
"""

import tomllib
from collections import Counter
from pathlib import Path

from django.db import transaction

from conditions.models import Condition, RedFlagRule, Status, Symptom, Treatment
from conditions.services import many_changes
from faq.models import FAQ
from translations.services import translation_of, translation_start
from translations.sources import translatable

SEED_TRANSLATIONS = Path(__file__).resolve().parent / "content" / "es.toml"

# File section -> (English model, the field its keys name).
SECTIONS = {
    "conditions": (Condition, "slug"),
    "symptoms": (Symptom, "slug"),
    "treatments": (Treatment, "slug"),
    "faqs": (FAQ, "slug"),
    "red_flags": (RedFlagRule, "name"),
}


class TranslationFileError(ValueError):
    """A translations file that cannot be loaded; the message says where and why."""


def translations_read(path):
    """The file's entries as (model, key field, key, wording, alternate names). Raise
    TranslationFileError for a file that is not TOML or names what cannot be translated."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TranslationFileError(f"{path}: {error}") from None
    entries = []
    for section, items in data.items():
        if section not in SECTIONS:
            raise TranslationFileError(
                f"{path}: [{section}] is not one of {', '.join(sorted(SECTIONS))}"
            )
        model, key_field = SECTIONS[section]
        spec = translatable(model)
        for key, fields in items.items():
            names = fields.get("alternate_names", [])
            wording = {name: value for name, value in fields.items() if name != "alternate_names"}
            unknown = sorted(set(wording) - set(spec.fields))
            if names and not spec.alternate_names:
                unknown.append("alternate_names")
            if unknown:
                raise TranslationFileError(
                    f"{path}: [{section}.{key}] has {', '.join(unknown)}, which "
                    f"{model._meta.verbose_name_plural} do not translate"
                )
            if not all(isinstance(value, str) for value in [*wording.values(), *names]):
                raise TranslationFileError(
                    f"{path}: [{section}.{key}] has a value that is not text"
                )
            entries.append((model, key_field, key, wording, names))
    return entries


def translations_load(path, language="es", dry_run=False):
    """Create each translation in the file whose English item exists and has none in
    `language`; return a Counter of created / present (left as they are) / no English item.

    All or nothing. A new translation is published if its English item is (a red-flag rule
    always is), without a sign-off: "not yet reviewed", as the English seed is.
    """
    entries = translations_read(path)
    outcomes = Counter()
    with many_changes():
        for model, key_field, key, wording, names in entries:
            item = model.objects.filter(**{key_field: key}).first()
            if item is None:
                outcomes["no English item"] += 1
            elif translation_of(item, language) is not None:
                outcomes["present"] += 1
            else:
                live = getattr(item, "status", Status.PUBLISHED) == Status.PUBLISHED
                translation_start(
                    item,
                    language,
                    wording,
                    "\n".join(name.strip() for name in names),
                    status=Status.PUBLISHED if live else Status.DRAFT,
                    reason=f"Loaded from {Path(path).name}: not yet reviewed",
                )
                outcomes["created"] += 1
        if dry_run:
            transaction.set_rollback(True)
    return outcomes
