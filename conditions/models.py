"""Clinical content: conditions, symptoms, treatments, the shared tag vocabulary, knee areas."""

import hashlib
import json
from datetime import timedelta
from functools import cache
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import GenericTaggedItemBase, TagBase

from conditions.readability import reading_grade


class Initial(models.Func):
    """The upper-case first character of a text, as the A–Z page groups names.

    Written without parameters, so that a query's expression is the index's word for word:
    SQLite and PostgreSQL only use an index on an expression the query repeats exactly.
    """

    template = "UPPER(SUBSTR(%(expressions)s, 1, 1))"
    output_field = models.CharField()


@cache
def _reversed(url_name, takes_slug, language):
    # `language` is part of the key only: reverse() gives the active language's address.
    if takes_slug:
        return reverse(url_name, args=["-"]).removesuffix("-/")
    return reverse(url_name)


def page_url(url_name, slug=None):
    """The URL named `url_name`, for `slug` if it ends in <slug>/: how every page builds links.

    In the active language: /es/... on a Spanish page. Each name is reversed once per process
    and language, and a slug appended to its prefix: pages link dozens of items, reverse() costs
    more than the rest of a link, and the script prefix is fixed for a deployment.
    `{% page_url %}` is the same in templates.
    """
    if slug is None:
        return _reversed(url_name, False, get_language())
    return f"{_reversed(url_name, True, get_language())}{quote(slug)}/"


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Status(models.TextChoices):
    # Translated: a staff preview of a Spanish page names the state in its banner.
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


# How far ahead the admin lists and filters items as due for review soon.
REVIEW_SOON_DAYS = 30


class ContentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def review_overdue(self):
        """Items whose next review date has passed."""
        return self.filter(next_review_due__lt=timezone.localdate())

    def review_due_soon(self):
        """Items due for review today or within REVIEW_SOON_DAYS."""
        today = timezone.localdate()
        return self.filter(next_review_due__range=(today, today + timedelta(days=REVIEW_SOON_DAYS)))


def editorial_permissions(model_name, plural):
    """The workflow permissions each content type adds to Django's add/change/delete/view."""
    return [
        (f"publish_{model_name}", f"Can publish and unpublish {plural}"),
        (f"signoff_{model_name}", f"Can sign off {plural} as clinically reviewed"),
    ]


def permission_name(action, model):
    """What user.has_perm() takes for `action` ("publish", "signoff", "view"...) on a model
    or one of its items: "conditions.publish_condition"."""
    return f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"


class WorkflowError(ValueError):
    """A workflow step that cannot be taken now; the message says what to do instead."""


# What an item's history says of each move; nothing moves an item back to draft.
_MOVES = {
    Status.IN_REVIEW: "Submitted for review",
    Status.PUBLISHED: "Published",
    Status.UNPUBLISHED: "Unpublished",
}


# The sign-off of an item's wording: a working draft carries its own until it is published.
REVIEW_FIELDS = (
    "last_reviewed_on", "next_review_due", "reviewed_by", "review_note", "reviewed_fingerprint",
)  # fmt: skip


class RelationSnapshot(models.Model):
    """Added to every historical record: the item's links and tags as they were after the save."""

    relations = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class EditorialModel(TimeStampedModel):
    """Fields every piece of patient-facing content carries: its state, review and history.

    A sign-off is bound to the clinical text it approved (`reviewed_fingerprint`). The row of a
    published item is its live version: edits to its clinical text wait, with their own
    sign-off, in a WorkingDraft until they are published (conditions/services/drafts.py).
    """

    # Fields whose wording is clinical advice; subclasses list theirs. Only clinicians edit them.
    clinical_fields = ()
    # Fields written in Markdown, whose links to the site are checked on save (conditions/links.py).
    markdown_fields = ()
    # Many-to-many links kept in each historical record (tags are always kept).
    history_relations = ()
    # The text patients read as the page, graded for reading level (conditions/readability.py).
    readability_fields = ()

    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published content is shown to the public.",
    )
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text="The date a clinician last checked this content."
    )
    next_review_due = models.DateField(
        null=True, blank=True, help_text="When this content must next be checked by a clinician."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The clinician who last signed this content off.",
    )
    review_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="One line on what changed at the last review. Shown on the public page.",
    )
    reviewed_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    reading_grade = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="The US school grade a reader needs for the page's text (Flesch–Kincaid), "
        "measured on each save.",
    )
    go_live_at = models.DateTimeField(
        "go live at",
        null=True,
        blank=True,
        help_text="Publish the signed-off wording (the working draft, if there is one) at this "
        "time. Needs manage.py publish_scheduled to run from cron.",
    )
    take_down_at = models.DateTimeField(
        "take down at",
        null=True,
        blank=True,
        help_text="Unpublish the page at this time, for example when its advice expires.",
    )
    working_drafts = GenericRelation("conditions.WorkingDraft")

    objects = ContentQuerySet.as_manager()
    history = HistoricalRecords(inherit=True, bases=[RelationSnapshot])

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(self.readability_fields):
            self.reading_grade = reading_grade(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "reading_grade"}
        super().save(*args, **kwargs)

    def move_to(self, status):
        """Change the item's state, unsaved, and return what its history should say of the move.

        The one place a state changes (an item starts as a draft, or published by the import):
        the workflow's steps call it. Raise WorkflowError where the item may not move there now:
        only signed-off wording is published, and a published item must be unpublished before
        it goes to review (edits to it wait in its working draft instead, see
        conditions/services/drafts.py).
        """
        if status == Status.PUBLISHED and (blocker := self.publish_blocker()):
            raise WorkflowError(f"'{self}' cannot be published: {blocker}")
        if status == Status.PUBLISHED and not self.is_signed_off:
            raise WorkflowError(
                f"'{self}' cannot be published: its current wording has not been signed off. "
                "Mark it as clinically reviewed first."
            )
        if status == Status.IN_REVIEW and self.status == Status.PUBLISHED:
            raise WorkflowError(f"'{self}' is published; unpublish it first to send it to review.")
        self.status = status
        return _MOVES[status]

    def publish_blocker(self):
        """What must be done before this item can be published beyond a sign-off, or ''."""
        return ""

    @property
    def draft_fields(self):
        """What an edit of a published item keeps in its working draft: its clinical wording and
        the sign-off that covers it."""
        return (*self.clinical_fields, *REVIEW_FIELDS)

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    def clinical_fingerprint(self):
        """A hash of the clinical wording, to tell whether a sign-off still covers it."""
        values = [str(getattr(self, name)) for name in self.clinical_fields]
        return hashlib.sha256(json.dumps(values).encode()).hexdigest()

    @property
    def is_signed_off(self):
        return bool(self.reviewed_fingerprint) and (
            self.reviewed_fingerprint == self.clinical_fingerprint()
        )

    @property
    def is_review_overdue(self):
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()

    def relations_snapshot(self):
        """Tags and links as {name: [[pk, label], ...]}. Costs one query per relation."""
        snapshot = {"tags": [[t.pk, t.name] for t in self.tags.all()]}
        for name in self.history_relations:
            snapshot[name] = [[obj.pk, str(obj)] for obj in getattr(self, name).all()]
        return snapshot


class NamedContent(EditorialModel):
    """Content with its own page: a name, a URL slug and the other names patients use for it."""

    name = models.CharField(max_length=120, help_text="The name patients see as the page title.")
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The last part of the page's web address. Changing it breaks saved links.",
    )
    alternate_names = models.TextField(
        blank=True,
        help_text="Other names patients may search for, one per line "
        "(for example 'popliteal cyst' for Baker's cyst).",
    )

    class Meta(EditorialModel.Meta):
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def alternate_name_list(self):
        return [line.strip() for line in self.alternate_names.splitlines() if line.strip()]

    @property
    def all_names(self):
        return [self.name, *self.alternate_name_list]


class TagQuerySet(models.QuerySet):
    def visible(self):
        """Tags shown in public navigation (staff can hide one without untagging anything)."""
        return self.filter(is_hidden=False)

    def with_published_use(self):
        """Annotate `use_count`: how many published items carry each tag. One query."""
        published_item = Q()
        for model in content_models():
            published_item |= Q(
                tagged_items__content_type__app_label=model._meta.app_label,
                tagged_items__content_type__model=model._meta.model_name,
                tagged_items__object_id__in=model.objects.published().values("pk"),
            )
        return self.annotate(
            use_count=Count("tagged_items", filter=published_item, distinct=True)
        ).filter(use_count__gt=0)


def content_models():
    """Every concrete content model in any app (each is tagged and has a published state)."""
    return [model for model in apps.get_models() if issubclass(model, EditorialModel)]


class Tag(TagBase):
    """A keyword from the shared vocabulary; names are unique regardless of case."""

    is_hidden = models.BooleanField(
        default=False,
        help_text="Hide this topic from public navigation. Pages keep the tag.",
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def get_absolute_url(self):
        return page_url("conditions:tag_detail", self.slug)

    def slugify(self, tag, i=None):
        # A name with no ASCII letters or digits ("膝", "???") still needs an address.
        slug = slugify(tag) or "topic"
        return f"{slug}-{i}" if i is not None else slug


class TagRedirect(models.Model):
    """An old tag address that now leads to another tag, after a rename or a merge."""

    old_slug = models.SlugField(max_length=100, unique=True)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="redirects")

    class Meta:
        ordering = ["old_slug"]

    def __str__(self):
        return f"/tags/{self.old_slug}/ → {self.tag}"


class TaggedItem(GenericTaggedItemBase):
    # Indexed below, first in an index that also answers "which items of a type carry the tag".
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="tagged_items", db_index=False
    )

    class Meta:
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # Topic pages and "similar conditions" go from tags to items: with the type and id in
            # the index they never read the table.
            models.Index(fields=["tag", "content_type", "object_id"], name="taggeditem_tag_item"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "tag"], name="taggeditem_unique_per_object"
            )
        ]


def tag_field():
    return TaggableManager(
        through=TaggedItem,
        blank=True,
        help_text="Comma-separated keywords. Patients browse pages by tag.",
    )


# The names migration 0002 gives the four areas: a fixed vocabulary that pages translate like
# the interface ({% translate area.name %}); a name changed in the admin is shown as it is.
KNEE_AREA_NAMES = [
    gettext_noop("Back of the knee"),
    gettext_noop("Front of the knee"),
    gettext_noop("Inner side of the knee"),
    gettext_noop("Outer side of the knee"),
]


class KneeArea(models.Model):
    """Where on the knee a condition hurts; the symptom checker's diagram is drawn from these."""

    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Symptom(NamedContent):
    clinical_fields = ("name", "description")
    markdown_fields = ("description",)
    readability_fields = ("description",)

    description = models.TextField(
        blank=True, help_text="What the symptom is like, in plain words. Markdown is allowed."
    )
    in_symptom_checker = models.BooleanField(
        "show in the symptom checker",
        default=True,
        help_text="Offer this symptom as a choice in “What could be causing my knee pain?”.",
    )
    tags = tag_field()

    class Meta(NamedContent.Meta):
        permissions = editorial_permissions("symptom", "symptoms")
        indexes = [
            # The symptom checker lists the few symptoms offered there, by name, on every visit.
            # This index holds only those, in name order: the query names the flag as a bare
            # boolean (no "= ?" for an index column to match), as this index's condition does.
            # Without it SQLite walked symptom_status_name through every published symptom.
            models.Index(
                fields=["status", "name"],
                condition=Q(in_symptom_checker=True),
                name="symptom_checker_name",
            ),
            # The symptoms list reads a page in name order off this instead of sorting them all.
            models.Index(fields=["status", "name"], name="symptom_status_name"),
        ]

    def get_absolute_url(self):
        return page_url("conditions:symptom_detail", self.slug)


class Treatment(NamedContent):
    class Kind(models.TextChoices):
        SELF_CARE = "self_care", _("Self-care")
        MEDICATION = "medication", _("Medication")
        THERAPY = "therapy", _("Therapy")
        INJECTION = "injection", _("Injection")
        SUPPORT = "support", _("Support or brace")
        SURGERY = "surgery", _("Surgery")

    clinical_fields = ("name", "kind", "description")
    markdown_fields = ("description",)
    readability_fields = ("description",)

    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.SELF_CARE,
        help_text="What sort of treatment this is; patients see treatments grouped by kind.",
    )
    description = models.TextField(
        blank=True, help_text="What the treatment involves, in plain words. Markdown is allowed."
    )
    tags = tag_field()

    class Meta(NamedContent.Meta):
        permissions = editorial_permissions("treatment", "treatments")
        indexes = [
            # The treatments list, a page at a time by kind and name (as the symptoms list).
            models.Index(fields=["status", "kind", "name"], name="treatment_status_kind_name"),
        ]

    def get_absolute_url(self):
        return page_url("conditions:treatment_detail", self.slug)


class Condition(NamedContent):
    class Urgency(models.TextChoices):
        # Where a US patient goes: their doctor, an urgent care center today, or 911 and the
        # emergency room. Blank means the page has no urgent-help callout.
        NONE = "", _("No urgent-help callout")
        NON_URGENT = "non_urgent", _("Non-urgent: make an appointment with your doctor")
        URGENT = "urgent", _("Urgent: get care today (your doctor or an urgent care center)")
        IMMEDIATE = "immediate", _("Immediate: call 911 or go to the emergency room")

    class Onset(models.TextChoices):
        ANY = "", _("Either")
        INJURY = "injury", _("After an injury")
        GRADUAL = "gradual", _("Gradually")

    clinical_fields = ("name", "summary", "body", "urgency", "urgent_help", "onset")
    markdown_fields = ("body",)
    readability_fields = ("summary", "body")
    history_relations = ("symptoms", "treatments", "related", "knee_areas")

    summary = models.TextField(
        help_text="One or two plain sentences shown first on the page and in lists and search."
    )
    body = models.TextField(
        blank=True,
        help_text="The full page text. Markdown is allowed: blank lines between paragraphs, "
        "## for a heading, - for a list.",
    )
    urgency = models.CharField(
        max_length=20,
        choices=Urgency.choices,
        blank=True,
        default=Urgency.NONE,
        help_text="How urgently a patient with the warning signs below should get help.",
    )
    urgent_help = models.TextField(
        blank=True,
        help_text="The warning signs and what to do, shown in a callout patients cannot miss.",
    )
    onset = models.CharField(
        max_length=10,
        choices=Onset.choices,
        blank=True,
        default=Onset.ANY,
        help_text="How it usually starts; the symptom checker ranks matching conditions higher.",
    )
    knee_areas = models.ManyToManyField(
        KneeArea,
        blank=True,
        related_name="conditions",
        help_text="Where on the knee this condition usually hurts.",
    )
    symptoms = models.ManyToManyField(
        Symptom, blank=True, related_name="conditions", help_text="Symptoms this condition shows."
    )
    treatments = models.ManyToManyField(
        Treatment, blank=True, related_name="conditions", help_text="Treatments for it."
    )
    related = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        help_text="Other conditions a patient reading this page should know about.",
    )
    tags = tag_field()

    class Meta(NamedContent.Meta):
        permissions = editorial_permissions("condition", "conditions")
        indexes = [
            # The A–Z and home lists: published conditions in case-blind name order, read a page
            # at a time straight off the index instead of sorting every condition per request.
            models.Index(F("status"), Lower("name"), name="condition_status_az"),
            # The A–Z page's letters, and its page of one letter, in the same order.
            models.Index(F("status"), Initial("name"), Lower("name"), name="condition_initial_az"),
            # The symptom checker's onset tiers: published conditions that start the chosen way,
            # in the same name order, without reading every condition to find the few that do.
            models.Index(F("status"), F("onset"), Lower("name"), name="condition_status_onset_az"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(urgency="") | ~Q(urgent_help=""),
                name="condition_urgency_has_advice",
            )
        ]

    def get_absolute_url(self):
        return page_url("conditions:condition_detail", self.slug)

    def clean(self):
        if self.urgency and not self.urgent_help.strip():
            raise ValidationError(
                {"urgent_help": "Write the warning signs and what to do, or clear the urgency."}
            )


class ClinicianProfile(models.Model):
    """What the public page says about a reviewer: their name comes from the user account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician_profile"
    )
    profession = models.CharField(
        max_length=80, blank=True, help_text="For example: Orthopedic surgeon."
    )
    registration_number = models.CharField(
        max_length=40,
        help_text="Professional license, for example 'NY license 123456' or 'NPI 1234567890'. "
        "Needed before you can sign content off.",
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} ({self.registration_number})"


class RedFlagRuleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class RedFlagRule(TimeStampedModel):
    """Emergency advice the symptom checker shows first when the chosen symptoms match."""

    name = models.CharField(
        max_length=120, help_text="What the warning signs may mean, e.g. 'Possible blood clot'."
    )
    symptoms = models.ManyToManyField(
        Symptom,
        related_name="red_flag_rules",
        help_text="The rule fires when a patient chooses all of these symptoms.",
    )
    urgency = models.CharField(
        max_length=20,
        choices=[c for c in Condition.Urgency.choices if c[0] in {"urgent", "immediate"}],
        default=Condition.Urgency.URGENT,
        help_text="How quickly to get help.",
    )
    advice = models.TextField(help_text="What to do, in plain words. Shown above any results.")
    is_active = models.BooleanField(default=True, help_text="Uncheck to stop using this rule.")

    objects = RedFlagRuleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("conditions:symptom_checker")


class JargonTerm(TimeStampedModel):
    """A word patients may not know, marked in the editor's preview where a page uses it
    without explaining it (conditions/readability.py says what counts as explaining).

    Kept in the database, not a file, so that clinicians grow the list from the admin as they
    meet words patients stumble on, with no release; the readability migration ships the first
    terms.
    """

    term = models.CharField(
        max_length=60,
        help_text="A word or phrase, as written; plurals and any case match too.",
    )
    plain_words = models.CharField(
        max_length=200,
        blank=True,
        help_text="Plainer words to say instead, or a short explanation, offered in the preview.",
    )

    class Meta:
        ordering = [Lower("term")]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="jargon_term_unique_any_case",
                violation_error_message="This term is already on the list.",
            )
        ]

    def __str__(self):
        return self.term

    @classmethod
    def as_dict(cls):
        """{term: plain words} of every term. One query."""
        return dict(cls.objects.values_list("term", "plain_words"))


class WorkingDraft(models.Model):
    """The edited wording of a published item and its sign-off, waiting to be published.

    The item's own row goes on serving patients (every public page reads rows) until a clinician
    publishes the draft, which copies `values` onto the row and deletes the draft. `values` maps
    each of the item's draft_fields to its value as a model field serialises it.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    values = models.JSONField(encoder=DjangoJSONEncoder)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="working_draft_one_per_item"
            )
        ]

    def __str__(self):
        return f"Working draft of {self.item}"


class ReviewReminder(models.Model):
    """That a clinician was reminded of an item on a day: a second run that day skips it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_reminders"
    )
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    sent_on = models.DateField()

    class Meta:
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id", "sent_on"],
                name="review_reminder_once_a_day",
            )
        ]

    def __str__(self):
        return f"Reminder to {self.user} on {self.sent_on}"
