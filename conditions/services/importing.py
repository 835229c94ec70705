"""Import an article and the shipped vocabulary: conditions, symptoms, treatments, FAQs, tags and
the symptom checker's red-flag rules.

All or nothing, in one batch of changes; items are keyed by slug (rules by name), so a second
run of the same files changes nothing. New items are published: the seed is the operator's
content, imported without a clinician's sign-off. An existing item keeps its state.
"""

from collections import Counter
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from conditions.article import parse_article
from conditions.models import Condition, KneeArea, RedFlagRule, Status, Symptom, Tag, Treatment
from conditions.services import many_changes
from conditions.services.tags import tag_finder
from conditions.text import PhraseIndex, phrase_key
from conditions.vocabulary import VOCABULARY, VocabularyError, vocabulary_load
from faq.models import FAQ

SEED_ARTICLE = Path(__file__).resolve().parent.parent / "content" / "pain-in-back-of-knee.txt"


def article_import(data, *, vocabulary_path=VOCABULARY, dry_run=False):
    """Import an article's bytes; all or nothing. Raise ArticleError or VocabularyError if bad."""
    article = parse_article(data)
    vocabulary = vocabulary_load(vocabulary_path)
    run = _Import(vocabulary)
    run.check_knee_areas(article.sections, vocabulary_path)
    with many_changes():
        run.keyword_tags(article.keywords)
        symptoms = run.terms(Symptom, vocabulary.symptoms)
        treatments = run.terms(Treatment, vocabulary.treatments, extra_fields=["kind"])
        conditions = [run.condition(section, symptoms, treatments) for section in article.sections]
        run.cross_links(conditions)
        faqs = [
            run.faq(order, entry, conditions, article.title)
            for order, entry in enumerate(article.faqs, 1)
        ]
        run.red_flag_rules(vocabulary.red_flags, symptoms)
        for label, items in [
            ("symptoms", symptoms),
            ("treatments", treatments),
            ("conditions", conditions),
            ("FAQs", faqs),
        ]:
            for item in items:
                run.report.record(label, item.import_outcome)
        if dry_run:
            transaction.set_rollback(True)
    return run.report


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


class _Import:
    """The steps of one import, in the order article_import takes them; each item it writes
    carries `import_outcome` (created, updated or unchanged) for the report."""

    def __init__(self, vocabulary):
        self.vocabulary = vocabulary
        self.report = ImportReport()
        self.areas = {area.slug: area for area in KneeArea.objects.all()}
        self.tags = []  # (keyword, tag) for every keyword of the article

    def check_knee_areas(self, sections, vocabulary_path):
        for section in sections:
            unknown = set(self.vocabulary.extras_for(section.name).knee_areas) - set(self.areas)
            if unknown:
                raise VocabularyError(
                    f"{vocabulary_path}: condition '{section.name}': unknown knee area(s) "
                    f"{', '.join(sorted(unknown))}; use {', '.join(sorted(self.areas))}"
                )

    def keyword_tags(self, keywords):
        """The tag of each keyword: an existing one it stands for, or a new one."""
        find = tag_finder()
        for keyword in keywords:
            tag = find(keyword)
            if tag is None:
                tag = Tag.objects.create(name=keyword)
                self.report.record("tags", "created")
            else:
                self.report.record("tags", "unchanged")
            self.tags.append((keyword, tag))

    def upsert(self, model, slug, text, status=Status.PUBLISHED, **fields):
        """Create (in `status`) or update one item keyed by slug, tagged with the keywords
        `text` (a PhraseIndex) mentions."""
        item = model.objects.filter(slug=slug).first()
        if item is None:
            item = model.objects.create(slug=slug, status=status, **fields)
            item.import_outcome = "created"
        else:
            changed = [name for name, value in fields.items() if getattr(item, name) != value]
            for name in changed:
                setattr(item, name, fields[name])
            if changed:
                item.save(update_fields=[*changed, "updated_at"])
            item.import_outcome = "updated" if changed else "unchanged"
        self.link(item, tags=[tag for keyword, tag in self.tags if text.mentions(keyword)])
        return item

    def link(self, item, **relations):
        """Point each many-to-many relation at exactly the items given."""
        for name, wanted in relations.items():
            if _set_relation(getattr(item, name), wanted) and item.import_outcome == "unchanged":
                item.import_outcome = "updated"

    def terms(self, model, terms, extra_fields=()):
        """Create or update the symptoms or treatments of the vocabulary."""
        items = []
        for term in terms:
            item = self.upsert(
                model,
                slugify(term.name),
                PhraseIndex("\n".join([*term.phrases, term.description])),
                name=term.name,
                alternate_names="\n".join(term.aliases),
                description=term.description,
                **{name: getattr(term, name) for name in extra_fields},
            )
            item.linked_headings = {phrase_key(heading) for heading in term.conditions}
            items.append(item)
        return items

    def condition(self, section, symptoms, treatments):
        """Create or update one section's condition; link the symptoms and treatments its text
        mentions (or the vocabulary links to it) and its knee areas."""
        extras = self.vocabulary.extras_for(section.name)
        names = [section.name, *extras.alternate_names]
        section_text = "\n".join(section.paragraphs)
        condition = self.upsert(
            Condition,
            slugify(section.name),
            PhraseIndex("\n".join([*names, section_text])),
            name=section.name,
            alternate_names="\n".join(extras.alternate_names),
            summary=section.summary,
            body=section.body,
            urgency=extras.urgency,
            urgent_help=extras.urgent_help,
            onset=extras.onset,
        )
        mentioned = PhraseIndex(section_text)
        heading = phrase_key(section.name)
        self.link(
            condition,
            symptoms=[t for t in symptoms if _term_belongs(t, mentioned, heading)],
            treatments=[t for t in treatments if _term_belongs(t, mentioned, heading)],
            knee_areas=[self.areas[slug] for slug in extras.knee_areas],
        )
        # What an FAQ's text must mention to link to this condition.
        condition.phrases = [*names, *extras.mentions]
        return condition

    def cross_links(self, conditions):
        """Link the conditions the vocabulary relates, both ways."""
        by_key = {phrase_key(c.name): c for c in conditions}
        related = {c.pk: set() for c in conditions}
        for condition in conditions:
            for heading in self.vocabulary.extras_for(condition.name).related:
                other = by_key.get(phrase_key(heading))
                if other is not None:
                    related[condition.pk].add(other)
                    related[other.pk].add(condition)
        for condition in conditions:
            self.link(condition, related=list(related[condition.pk]))

    def faq(self, order, entry, conditions, title):
        """Create or update one question, linked to the conditions it mentions.

        An answer the article gives without a question takes the vocabulary's question for it;
        with none there, it becomes a draft that needs a question (keyed by its first words),
        and a question a clinician has written since is kept.
        """
        answer = entry.answer
        question = entry.question or self.vocabulary.question_for(title, answer)
        text = PhraseIndex(f"{question}\n" + "\n\n".join(entry.answer_paragraphs))
        if question:
            faq = self.upsert(
                FAQ, slugify(question), text, question=question, answer=answer, order=order * 10
            )
        else:
            slug = slugify(" ".join(answer.split()[:8]))[:200]
            faq = self.upsert(FAQ, slug, text, Status.DRAFT, answer=answer, order=order * 10)
        self.link(faq, conditions=[c for c in conditions if text.mentions_any(c.phrases)])
        return faq

    def red_flag_rules(self, flags, symptoms):
        """Create or update the symptom checker's red-flag rules, keyed by name."""
        by_key = {phrase_key(symptom.name): symptom for symptom in symptoms}
        for flag in flags:
            wanted = {"urgency": flag.urgency, "advice": flag.advice}
            rule, created = RedFlagRule.objects.get_or_create(name=flag.name, defaults=wanted)
            changed = [name for name, value in wanted.items() if getattr(rule, name) != value]
            for name in changed:
                setattr(rule, name, wanted[name])
            if changed:
                rule.save()
            linked = _set_relation(
                rule.symptoms, [by_key[phrase_key(name)] for name in flag.symptoms]
            )
            outcome = "created" if created else "updated" if changed or linked else "unchanged"
            self.report.record("red-flag rules", outcome)


def _set_relation(manager, wanted):
    """Point a many-to-many relation at exactly `wanted`; say whether that changed anything."""
    if {obj.pk for obj in manager.all()} == {obj.pk for obj in wanted}:
        return False
    manager.set(wanted)
    return True


def _term_belongs(term, mentioned, heading):
    """Whether a condition links a symptom or treatment: its section's text (`mentioned`, a
    PhraseIndex) names it, or the vocabulary links it to the condition's heading."""
    return mentioned.mentions_any(term.all_names) or heading in term.linked_headings
