"""Work that spans several models: importing an article into conditions, symptoms, treatments,
FAQs and tags. Views, admin and commands call these functions; none of them reads a request."""

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from conditions.article import parse_article
from conditions.models import Condition, KneeArea, Status, Symptom, Tag, Treatment
from conditions.text import PhraseIndex, markdown_escape, phrase_key
from faq.models import FAQ

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SEED_ARTICLE = CONTENT_DIR / "pain-in-back-of-knee.txt"
VOCABULARY = CONTENT_DIR / "vocabulary.toml"


class VocabularyError(ValueError):
    """The vocabulary file is missing, not TOML, or holds a value the models cannot take."""


@dataclass
class ConditionExtras:
    alternate_names: list = field(default_factory=list)
    mentions: list = field(default_factory=list)
    knee_areas: list = field(default_factory=list)
    urgency: str = ""
    urgent_help: str = ""
    related: list = field(default_factory=list)


@dataclass
class Term:
    """A symptom or treatment from the vocabulary, matched in article text by name or alias."""

    name: str
    aliases: list
    description: str
    kind: str = ""

    @property
    def phrases(self):
        return [self.name, *self.aliases]


@dataclass
class Vocabulary:
    conditions: dict
    symptoms: list
    treatments: list

    def extras_for(self, heading):
        return self.conditions.get(phrase_key(heading), ConditionExtras())


def vocabulary_load(path=VOCABULARY):
    """Read and check the vocabulary file."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise VocabularyError(f"{path}: {error}") from None

    conditions = {}
    for heading, values in raw.get("conditions", {}).items():
        extras = ConditionExtras(**values)
        if extras.urgency not in Condition.Urgency.values:
            raise VocabularyError(
                f"{path}: condition '{heading}': unknown urgency {extras.urgency!r}"
            )
        if extras.urgency and not extras.urgent_help.strip():
            raise VocabularyError(f"{path}: condition '{heading}': urgency needs urgent_help text")
        conditions[phrase_key(heading)] = extras

    def terms(kind_of_term, kinds=None):
        found = []
        for number, values in enumerate(raw.get(kind_of_term, []), start=1):
            term = Term(**values)
            if not term.name.strip():
                raise VocabularyError(f"{path}: {kind_of_term} entry {number} has no name")
            if kinds is not None and term.kind not in kinds:
                raise VocabularyError(f"{path}: '{term.name}': unknown kind {term.kind!r}")
            found.append(term)
        return found

    try:
        return Vocabulary(conditions, terms("symptoms"), terms("treatments", Treatment.Kind.values))
    except TypeError as error:
        raise VocabularyError(f"{path}: unexpected field: {error}") from None


class ImportReport:
    """What an import did, per kind of content: created, updated or unchanged."""

    OUTCOMES = ("created", "updated", "unchanged")

    def __init__(self):
        self.counts = {}

    def record(self, label, outcome):
        self.counts.setdefault(label, Counter())[outcome] += 1

    @property
    def changed(self):
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def lines(self):
        return [
            f"{label}: " + ", ".join(f"{counts[o]} {o}" for o in self.OUTCOMES)
            for label, counts in self.counts.items()
        ]


class _Importer:
    def __init__(self, report):
        self.report = report

    def upsert(self, model, slug, phrases_index, tags, **fields):
        """Create or update one item keyed by slug, then tag it; record what happened."""
        item = model.objects.filter(slug=slug).first()
        if item is None:
            item = model.objects.create(slug=slug, status=Status.PUBLISHED, **fields)
            outcome = "created"
        else:
            changed = [name for name, value in fields.items() if getattr(item, name) != value]
            for name in changed:
                setattr(item, name, fields[name])
            if changed:
                item.save(update_fields=[*changed, "updated_at"])
            outcome = "updated" if changed else "unchanged"
        wanted_tags = [tag for keyword, tag in tags if phrases_index.mentions(keyword)]
        if self.set_relation(item.tags, wanted_tags) and outcome == "unchanged":
            outcome = "updated"
        item.import_outcome = outcome
        return item

    @staticmethod
    def set_relation(manager, wanted):
        """Point a many-to-many relation at exactly `wanted`; say whether that changed anything."""
        if {obj.pk for obj in manager.all()} == {obj.pk for obj in wanted}:
            return False
        manager.set(wanted)
        return True

    def link(self, item, **relations):
        for name, wanted in relations.items():
            changed = self.set_relation(getattr(item, name), wanted)
            if changed and item.import_outcome == "unchanged":
                item.import_outcome = "updated"

    def done(self, label, items):
        for item in items:
            self.report.record(label, item.import_outcome)


def _tags_for(keywords, report):
    tags = []
    for keyword in keywords:
        tag = Tag.objects.filter(name__iexact=keyword).first()
        if tag is None:
            tag = Tag.objects.create(name=keyword)
            report.record("tags", "created")
        else:
            report.record("tags", "unchanged")
        tags.append((keyword, tag))
    return tags


def _term_items(importer, model, terms, tags, **extra_fields):
    items = []
    for term in terms:
        fields = {
            "name": term.name,
            "alternate_names": "\n".join(term.aliases),
            "description": term.description,
        }
        fields.update({name: getattr(term, name) for name in extra_fields})
        text_index = PhraseIndex("\n".join([*term.phrases, term.description]))
        items.append(importer.upsert(model, slugify(term.name), text_index, tags, **fields))
    return items


def article_import(data, *, vocabulary_path=VOCABULARY, dry_run=False):
    """Import an article's bytes; all or nothing. Raise ArticleError or VocabularyError if bad."""
    article = parse_article(data)
    vocabulary = vocabulary_load(vocabulary_path)
    areas = {area.slug: area for area in KneeArea.objects.all()}
    report = ImportReport()
    importer = _Importer(report)

    with transaction.atomic():
        tags = _tags_for(article.keywords, report)
        symptoms = _term_items(importer, Symptom, vocabulary.symptoms, tags)
        treatments = _term_items(importer, Treatment, vocabulary.treatments, tags, kind=True)

        conditions = []
        condition_phrases = {}
        for section in article.sections:
            extras = vocabulary.extras_for(section.name)
            unknown_areas = set(extras.knee_areas) - set(areas)
            if unknown_areas:
                raise VocabularyError(
                    f"{vocabulary_path}: condition '{section.name}': unknown knee area(s) "
                    f"{', '.join(sorted(unknown_areas))}; use {', '.join(sorted(areas))}"
                )
            names = [section.name, *extras.alternate_names]
            section_text = "\n".join(section.paragraphs)
            text_index = PhraseIndex("\n".join([*names, section_text]))
            condition = importer.upsert(
                Condition,
                slugify(section.name),
                text_index,
                tags,
                name=section.name,
                alternate_names="\n".join(extras.alternate_names),
                summary=section.summary,
                body="\n\n".join(markdown_escape(p) for p in section.body_paragraphs),
                urgency=extras.urgency,
                urgent_help=extras.urgent_help,
            )
            section_index = PhraseIndex(section_text)
            importer.link(
                condition,
                symptoms=[s for s in symptoms if section_index.mentions_any(s.all_names)],
                treatments=[t for t in treatments if section_index.mentions_any(t.all_names)],
                knee_areas=[areas[slug] for slug in extras.knee_areas],
            )
            conditions.append(condition)
            condition_phrases[condition.pk] = [*names, *extras.mentions]

        by_key = {phrase_key(c.name): c for c in conditions}
        related = {c.pk: set() for c in conditions}
        for condition in conditions:
            for heading in vocabulary.extras_for(condition.name).related:
                other = by_key.get(phrase_key(heading))
                if other is not None:
                    related[condition.pk].add(other)
                    related[other.pk].add(condition)
        for condition in conditions:
            importer.link(condition, related=list(related[condition.pk]))

        faqs = []
        for order, entry in enumerate(article.faqs, start=1):
            answer = "\n\n".join(entry.answer_paragraphs)
            text_index = PhraseIndex(f"{entry.question}\n{answer}")
            faq = importer.upsert(
                FAQ,
                slugify(entry.question),
                text_index,
                tags,
                question=entry.question,
                answer="\n\n".join(markdown_escape(p) for p in entry.answer_paragraphs),
                order=order * 10,
            )
            importer.link(
                faq,
                conditions=[
                    c for c in conditions if text_index.mentions_any(condition_phrases[c.pk])
                ],
            )
            faqs.append(faq)

        importer.done("symptoms", symptoms)
        importer.done("treatments", treatments)
        importer.done("conditions", conditions)
        importer.done("FAQs", faqs)
        if dry_run:
            transaction.set_rollback(True)
    return report
