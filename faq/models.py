"""Frequently asked questions, each answering one thing a patient asks."""

from django.db import models
from django.db.models import Q

from conditions.models import (
    Condition,
    EditorialModel,
    editorial_permissions,
    page_url,
    tag_field,
)


class FAQ(EditorialModel):
    clinical_fields = ("question", "answer")
    markdown_fields = ("answer",)
    readability_fields = ("answer",)
    history_relations = ("conditions",)

    question = models.CharField(
        max_length=200,
        help_text="The question as a patient would ask it, ending with '?'. An answer imported "
        "without one cannot be published until you write it.",
    )
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The question's address, /faq/<slug>/. Changing it breaks saved links.",
    )
    answer = models.TextField(help_text="A plain answer. Markdown is allowed.")
    order = models.PositiveIntegerField(
        default=0, help_text="Lower numbers are shown first on the FAQ page."
    )
    conditions = models.ManyToManyField(
        Condition,
        blank=True,
        related_name="faqs",
        help_text="Condition pages that show this question.",
    )
    tags = tag_field()

    class Meta:
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"
        permissions = editorial_permissions("faq", "FAQs")
        # The slug breaks ties, so that a question is always on the same page of the list.
        ordering = ["order", "question", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | ~Q(question=""),
                name="faq_published_has_question",
            )
        ]
        indexes = [
            # The home page's first questions and the FAQ page read published questions in order
            # off the index instead of sorting them all.
            models.Index(fields=["status", "order", "question"], name="faq_status_order"),
        ]

    def __str__(self):
        return self.question or f"Needs a question: {self.answer[:60]}…"

    @property
    def needs_question(self):
        return not self.question.strip()

    def publish_blocker(self):
        if self.needs_question:
            return "it needs a question. Write the question this answers first."
        return ""

    def get_absolute_url(self):
        return page_url("faq:question", self.slug)
