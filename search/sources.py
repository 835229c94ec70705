"""What search looks through: each content type, its fields and how much a match in each counts.

The name and alternate names (a question's wording, for an FAQ) weigh most (A), a summary next (B;
a symptom's or treatment's short description counts as its summary), the body least (C).
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.translation import gettext_lazy as _

from conditions.models import Condition, Symptom, Treatment
from faq.models import FAQ

# PostgreSQL text-search configuration; search/analysis.py mirrors it for SQLite.
CONFIG = "english"
# The generated tsvector column search/migrations/0002 adds to each table on PostgreSQL, from
# the fields weighted_fields() lists (tests/search/test_indexes.py checks that they agree). It is
# not a model field, so that Django's model state, forms and serializers never see it.
VECTOR_COLUMN = "search_vector"
# ts_rank's weights for D, C, B and A (its defaults, written out because both databases use them).
WEIGHTS = {"D": 0.1, "C": 0.2, "B": 0.4, "A": 1.0}


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    model: type
    title: str
    aliases: str | None = None
    summary: str | None = None
    body: str | None = None

    @property
    def name_fields(self):
        """Fields compared with the query by trigram similarity, to forgive typos."""
        return [field for field in (self.title, self.aliases) if field]

    def weighted_fields(self):
        """(weight, [field, ...]) in the order PostgreSQL concatenates them into one vector."""
        return [
            (weight, fields)
            for weight, fields in (
                ("A", self.name_fields),
                ("B", [self.summary] if self.summary else []),
                ("C", [self.body] if self.body else []),
            )
            if fields
        ]

    def url(self, pk, slug, title):
        """The item's address without a query: the model's get_absolute_url() for a stand-in
        with its fields (building a model instance costs more than the rest of a result)."""
        return self.model.get_absolute_url(SimpleNamespace(pk=pk, slug=slug, **{self.title: title}))


# In this order, equal scores list conditions first, then symptoms, treatments and questions.
SOURCES = (
    Source("condition", _("Condition"), Condition, "name", "alternate_names", "summary", "body"),
    Source("symptom", _("Symptom"), Symptom, "name", "alternate_names", "description"),
    Source("treatment", _("Treatment"), Treatment, "name", "alternate_names", "description"),
    Source("faq", _("Question"), FAQ, "question", body="answer"),
)
SOURCES_BY_KIND = {source.kind: source for source in SOURCES}
