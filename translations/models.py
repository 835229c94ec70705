"""Translations of the English content, each with a life of its own.

A Translation is one item's wording in one language (Spanish), kept as its own row: it has its
own status, clinical sign-off, history, working draft and schedule, because it is an
EditorialModel like the English it translates (README, "Translations"). It records the English
it was made from and last signed off against, so that a change to the English shows it is out of
date.
"""

import hashlib
import json

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import translation

from conditions.models import EditorialModel, editorial_permissions, page_url
from translations.sources import translatable

# The languages content is translated into, besides English (the language it is written in).
LANGUAGES = [("es", "Spanish")]
LANGUAGE_NAMES = dict(LANGUAGES)


class Translation(EditorialModel):
    """One English item's wording in another language, signed off on its own."""

    # The translated wording is one field: a sign-off covers all of it, as an English sign-off
    # covers the item's clinical fields.
    clinical_fields = ("values",)
    tagged = False

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, editable=False)
    object_id = models.PositiveBigIntegerField(editable=False)
    source = GenericForeignKey("content_type", "object_id")
    language = models.CharField(max_length=10, choices=LANGUAGES, default="es", editable=False)
    values = models.JSONField(
        "translated wording",
        default=dict,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text="The item's wording in this language, field by field.",
    )
    alternate_names = models.TextField(
        blank=True,
        help_text="Other names patients search for in this language, one per line (for example "
        "'quiste poplíteo' for Baker's cyst). Like the English other names, they go live when "
        "saved.",
    )
    source_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    source_values = models.JSONField(
        "English it was made from",
        default=dict,
        blank=True,
        editable=False,
        encoder=DjangoJSONEncoder,
    )

    class Meta:
        ordering = ["content_type", "object_id", "language"]
        permissions = editorial_permissions("translation", "translations")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "language"],
                name="translation_one_per_item_and_language",
            )
        ]
        indexes = [
            # Public pages look up an item's live translation; lists, a page of items' at once.
            models.Index(
                fields=["content_type", "language", "status", "object_id"],
                name="translation_live",
            )
        ]

    def __str__(self):
        spec = self.spec
        title = self.values.get(spec.title) if spec.title in spec.fields else None
        return f"{title or self.source} ({self.language_name})"

    @property
    def spec(self):
        return translatable(ContentType.objects.get_for_id(self.content_type_id).model_class())

    @property
    def language_name(self):
        return LANGUAGE_NAMES.get(self.language, self.language)

    @property
    def draft_fields(self):
        # A sign-off in a working draft records the English it matched, and goes live with it.
        return (*super().draft_fields, "source_fingerprint", "source_values")

    @property
    def alternate_name_list(self):
        return [line.strip() for line in self.alternate_names.splitlines() if line.strip()]

    def clinical_fingerprint(self):
        # Keys in a fixed order: PostgreSQL's jsonb gives them back in an order of its own.
        text = json.dumps(self.values, sort_keys=True, cls=DjangoJSONEncoder)
        return hashlib.sha256(text.encode()).hexdigest()

    def get_absolute_url(self):
        """The item's page in this language (the English item's page for what has none)."""
        source = self.source
        with translation.override(self.language):
            if hasattr(source, "get_absolute_url"):
                return source.get_absolute_url()
            return page_url("conditions:home")

    def clean(self):
        unknown = set(self.values) - set(self.spec.fields)
        if unknown:
            raise ValidationError(f"Not translated wording of this item: {', '.join(unknown)}.")

    def save(self, *args, **kwargs):
        # A new translation is made from the English as it is now.
        if not self.source_fingerprint:
            self.record_source()
        super().save(*args, **kwargs)

    def on_sign_off(self):
        """The clinician checked the translation against the English as it is now."""
        self.record_source()

    def record_source(self):
        """Record the English item's watched fields, and their fingerprint, as they are now."""
        source = self.source
        self.source_values = self.spec.english_values(source)
        self.source_fingerprint = self.spec.english_fingerprint(source)

    def is_out_of_date(self, source=None):
        """Whether the English has changed since this translation was signed off (or made).

        `source` is the English item, if the caller has it; else it is read (one query)."""
        source = self.source if source is None else source
        return self.source_fingerprint != self.spec.english_fingerprint(source)

    def callout_changed(self, source=None):
        """Whether the English urgency or urgent-help advice changed since: until the
        translation is signed off again, pages show the current English callout above it."""
        source = self.source if source is None else source
        current = self.spec.english_values(source)
        return any(self.source_values.get(name) != current[name] for name in self.spec.callout)
