"""What can be translated: each English content type, the wording a translation gives in its
language, and the English fields whose change makes a translation out of date."""

from dataclasses import dataclass

from django.db import models
from django.utils.text import capfirst

from clinic.models import ClinicProfile, Location
from conditions.models import Condition, RedFlagRule, Symptom, Treatment, fingerprint
from faq.models import FAQ


@dataclass(frozen=True)
class Translatable:
    model: type
    # The translated wording, by the English field's name: a translation's `values` keys.
    fields: tuple
    # The field that names an item in lists, links and the admin (untranslated for the clinic's
    # own names).
    title: str = "name"
    # Whether the item has other names patients search for, which its translation has too.
    alternate_names: bool = False
    # English fields that, changed since a translation was signed off, put the English
    # callout above the translation until it is signed off again (urgency and advice).
    callout: tuple = ()
    # English fields whose change makes a translation out of date; the model's clinical
    # fields for content with a sign-off of its own (so a change is what a clinician signs).
    watched: tuple | None = None

    @property
    def watched_fields(self):
        return self.model.clinical_fields if self.watched is None else self.watched

    @property
    def markdown_fields(self):
        return tuple(getattr(self.model, "markdown_fields", ()))

    def label(self, name):
        return capfirst(self.model._meta.get_field(name).verbose_name)

    def is_multiline(self, name):
        return isinstance(self.model._meta.get_field(name), models.TextField)

    def english_values(self, item):
        """The watched English fields of `item` as a translation records them."""
        return {name: str(getattr(item, name)) for name in self.watched_fields}

    def english_fingerprint(self, item):
        """A hash of the watched English fields; for content with a sign-off it is the item's
        clinical_fingerprint(), the one its own sign-off is bound to."""
        return fingerprint(item, self.watched_fields)


TRANSLATABLE = {
    spec.model: spec
    for spec in (
        Translatable(
            Condition,
            ("name", "summary", "body", "urgent_help"),
            alternate_names=True,
            callout=("urgency", "urgent_help"),
        ),
        Translatable(Symptom, ("name", "description"), alternate_names=True),
        Translatable(Treatment, ("name", "description"), alternate_names=True),
        Translatable(FAQ, ("question", "answer"), title="question"),
        Translatable(
            RedFlagRule,
            ("name", "advice"),
            callout=("urgency", "advice"),
            watched=("name", "urgency", "advice"),
        ),
        Translatable(ClinicProfile, ("description",), watched=("description",)),
        Translatable(Location, ("opening_hours",), watched=("opening_hours",)),
    )
}


def translatable(model):
    """The Translatable of an English model (or of one of its items); LookupError if none."""
    model = model if isinstance(model, type) else type(model)
    try:
        return TRANSLATABLE[model]
    except KeyError:
        raise LookupError(f"{model._meta.verbose_name} has no translations") from None
