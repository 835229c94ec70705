"""Clinical content: conditions, symptoms, treatments, the shared tag vocabulary, knee areas."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import GenericTaggedItemBase, TagBase


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


class ContentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class EditorialModel(TimeStampedModel):
    """Fields every piece of patient-facing content carries: its state and its review dates."""

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

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED


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

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def get_absolute_url(self):
        return reverse("conditions:tag_detail", args=[self.slug])

    def slugify(self, tag, i=None):
        slug = slugify(tag)
        return f"{slug}-{i}" if i is not None else slug


class TaggedItem(GenericTaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"])]
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


class KneeArea(models.Model):
    """Where on the knee a condition hurts; the symptom navigator's diagram is drawn from these."""

    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Symptom(NamedContent):
    description = models.TextField(
        blank=True, help_text="What the symptom is like, in plain words. Markdown is allowed."
    )
    tags = tag_field()

    class Meta(NamedContent.Meta):
        pass

    def get_absolute_url(self):
        return reverse("conditions:symptom_detail", args=[self.slug])


class Treatment(NamedContent):
    class Kind(models.TextChoices):
        SELF_CARE = "self_care", "Self-care"
        MEDICATION = "medication", "Medication"
        THERAPY = "therapy", "Therapy"
        INJECTION = "injection", "Injection"
        SUPPORT = "support", "Support or brace"
        SURGERY = "surgery", "Surgery"

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
        pass

    def get_absolute_url(self):
        return reverse("conditions:treatment_detail", args=[self.slug])


class Condition(NamedContent):
    class Urgency(models.TextChoices):
        # The three levels NHS 111 uses; blank means the page has no urgent-help callout.
        NONE = "", "No urgent-help callout"
        NON_URGENT = "non_urgent", "Non-urgent: see a GP"
        URGENT = "urgent", "Urgent: get help today"
        IMMEDIATE = "immediate", "Immediate: call 999 or go to A&E"

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
        constraints = [
            models.CheckConstraint(
                condition=Q(urgency="") | ~Q(urgent_help=""),
                name="condition_urgency_has_advice",
            )
        ]

    def get_absolute_url(self):
        return reverse("conditions:condition_detail", args=[self.slug])

    def clean(self):
        if self.urgency and not self.urgent_help.strip():
            raise ValidationError(
                {"urgent_help": "Write the warning signs and what to do, or clear the urgency."}
            )
