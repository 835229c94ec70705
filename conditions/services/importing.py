"""Import an article and the shipped vocabulary: conditions, symptoms, treatments, FAQs, tags and
the symptom checker's red-flag rules.

All or nothing, in one batch of changes. Items are found by slug or by name (an FAQ by its
question), so a second run of the same file changes nothing. What an import may do to a site
(docs/design.md, Importing):

- New items arrive in review; only the operator's first import into an empty site
  (`publish_into_empty_site`, as `seed_site` runs it) publishes them, marked not yet reviewed.
- Text for an item that already exists becomes its working draft (services/drafts.py): the live
  page keeps its text until a clinician publishes. An item keeps its name, and the advice the
  vocabulary does not give it.
- Links and tags are added, never removed, and alternate names joined to the item's own: what
  editors have curated stays.
- Red-flag rules are created where missing; existing ones are clinicians' to change.
"""

import difflib
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from conditions.article import FORMATS, parse_article
from conditions.models import (
    Condition,
    KneeArea,
    RedFlagRule,
    Status,
    Symptom,
    Tag,
    Treatment,
    content_models,
)
from conditions.services import many_changes
from conditions.services.drafts import save_draft, with_draft
from conditions.services.tags import tag_finder
from conditions.text import PhraseIndex, phrase_key
from conditions.vocabulary import VOCABULARY, VocabularyError, vocabulary_load
from faq.models import FAQ

SEED_ARTICLE = Path(__file__).resolve().parent.parent / "content" / "pain-in-back-of-knee.txt"


def article_import(
    data,
    *,
    user=None,
    vocabulary_path=VOCABULARY,
    dry_run=False,
    publish_into_empty_site=False,
    expected=None,
):
    """Import an article's bytes; all or nothing. Raise ArticleError or VocabularyError if bad.

    With `dry_run`, or where `expected` (the fingerprint of a preview's report) differs from
    what this import did, everything is rolled back: `report.written` says whether it was kept.
    """
    article = parse_article(data)
    vocabulary = vocabulary_load(vocabulary_path)
    with many_changes():
        site_is_empty = not any(model.objects.exists() for model in content_models())
        publish = publish_into_empty_site and site_is_empty
        run = _Import(vocabulary, article, user, Status.PUBLISHED if publish else Status.IN_REVIEW)
        run.check_knee_areas(article.sections, vocabulary_path)
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
                run.report.add(label, item.import_change)
        report = run.report
        report.written = not dry_run and expected in (None, report.fingerprint())
        if not report.written:
            transaction.set_rollback(True)
    return report


@dataclass
class ItemChange:
    """What an import does to one item: creates it, changes it, or leaves it as it is."""

    kind: str
    name: str
    outcome: str = "unchanged"
    status: str = ""  # a new item's state; for a changed one, where its new text goes
    fields: list = field(default_factory=list)  # (label, old, new) of changed text
    links: list = field(default_factory=list)  # (label, [names added])
    item: object = None

    def as_data(self):
        return [self.kind, self.name, self.outcome, self.status, self.fields, self.links]


class ImportReport:
    """What an import did, per kind of content (created, updated or unchanged), item by item:
    what the preview shows and the command prints."""

    OUTCOMES = ("created", "updated", "unchanged")

    def __init__(self, article):
        self.title = article.title
        self.format = FORMATS[article.format]
        self.warnings = list(article.warnings)
        self.counts = {}
        self.items = []
        self.new_tags = []
        self.folded_keywords = []  # (keyword, the existing tag it joins)
        self.written = False

    def record(self, label, outcome):
        self.counts.setdefault(label, Counter())[outcome] += 1

    def add(self, label, change):
        self.record(label, change.outcome)
        if change.outcome != "unchanged":
            self.items.append(change)

    @property
    def created(self):
        return [change for change in self.items if change.outcome == "created"]

    @property
    def updated(self):
        return [change for change in self.items if change.outcome == "updated"]

    @property
    def changed(self):
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def fingerprint(self):
        """A hash of everything the report says the import does: a confirmation must do what
        its preview showed."""
        data = [
            self.title,
            sorted(self.counts.items()),
            [change.as_data() for change in self.items],
            self.new_tags,
            self.folded_keywords,
        ]
        return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()

    def lines(self):
        return [
            f"{label}: " + ", ".join(f"{counts[o]} {o}" for o in self.OUTCOMES)
            for label, counts in self.counts.items()
        ]

    def preview_lines(self):
        """The report item by item, as text: what would be created and changed, with diffs."""
        lines = [f"Read as {self.format}: {self.title}"]
        if self.created:
            lines.append("To be created:")
            lines += [f"  {c.kind}: {c.name} ({c.status})" for c in self.created]
        if self.updated:
            lines.append("Changes to existing items:")
        for change in self.updated:
            where = f" ({change.status})" if change.fields and change.status else ""
            lines.append(f"  {change.kind}: {change.name}{where}")
            for label, old, new in change.fields:
                lines.append(f"    {label}:")
                lines += [f"      {line}" for line in _text_diff(old, new)]
            for label, names in change.links:
                lines.append(f"    {label} added: {', '.join(names)}")
        if self.new_tags:
            lines.append("New tags: " + ", ".join(self.new_tags))
        if self.folded_keywords:
            joined = [f"{keyword} → {tag}" for keyword, tag in self.folded_keywords]
            lines.append("Keywords joining existing tags: " + ", ".join(joined))
        lines += [f"Warning: {warning}" for warning in self.warnings]
        return lines


def _text_diff(old, new):
    """The sentences of `old` gone from `new` (-) and new in it (+)."""
    split = re.compile(r"(?<=[.!?])\s+|\n+")
    old_lines = [line for line in split.split(str(old)) if line]
    new_lines = [line for line in split.split(str(new)) if line]
    return [
        f"{line[0]} {line[1:]}"
        for line in difflib.unified_diff(old_lines, new_lines, n=0, lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


class _Import:
    """The steps of one import, in the order article_import takes them; each item it writes
    carries `import_change` (an ItemChange) for the report."""

    def __init__(self, vocabulary, article, user, new_status):
        self.vocabulary = vocabulary
        self.user = user
        self.new_status = new_status
        self.reason = f"Imported from the article “{article.title}”"
        self.report = ImportReport(article)
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
                self.report.new_tags.append(tag.name)
                self.report.record("tags", "created")
            else:
                if tag.name != keyword:
                    self.report.folded_keywords.append((keyword, tag.name))
                self.report.record("tags", "unchanged")
            self.tags.append((keyword, tag))

    def upsert(self, model, slug, text, clinical, *, others=None, status=None, new_only=None):
        """Create, or find and update, one item, tagged with the keywords `text` (a
        PhraseIndex) mentions.

        An item is found by slug, else by its name (an FAQ's question). A new one is created in
        `status` (the import's, by default) with `clinical`, `others` and `new_only` fields. An
        existing one keeps its name; its other `clinical` fields become its working draft, and
        `others` (alternate names) are joined to its own.
        """
        key = "question" if model is FAQ else "name"
        item = model.objects.filter(slug=slug).first()
        if item is None and clinical.get(key):
            item = model.objects.filter(**{f"{key}__iexact": clinical[key]}).first()
        kind = model._meta.verbose_name
        if item is None:
            item = model(slug=slug, status=status or self.new_status)
            for name, value in {**clinical, **(others or {}), **(new_only or {})}.items():
                setattr(item, name, value)
            self._save(item)
            item.import_change = ItemChange(
                kind, str(item), "created", item.get_status_display().lower(), item=item
            )
        else:
            item.import_change = ItemChange(kind, str(item), item=item)
            self._join_alternate_names(item, (others or {}).get("alternate_names", ""))
            self._draft(item, {name: v for name, v in clinical.items() if name != key})
        self.link(item, tags=[tag for keyword, tag in self.tags if text.mentions(keyword)])
        return item

    def _save(self, item, **kwargs):
        item._change_reason = self.reason
        item._history_user = self.user
        item.save(**kwargs)

    def _join_alternate_names(self, item, names):
        """Add the names patients use that the item lacks: not clinical advice, so at once."""
        if not names:
            return
        have = {phrase_key(name) for name in item.alternate_name_list}
        new = [n for n in names.splitlines() if n.strip() and phrase_key(n) not in have]
        if new:
            old = item.alternate_names
            item.alternate_names = "\n".join([*item.alternate_name_list, *new])
            self._save(item, update_fields=["alternate_names", "updated_at"])
            label = item._meta.get_field("alternate_names").verbose_name
            item.import_change.fields.append((label, old, item.alternate_names))

    def _draft(self, item, values):
        """Put the article's clinical text into the item's working draft (its row, if it is not
        live), recording what changes against the text it has now."""
        with_draft(item)
        changes = [
            (item._meta.get_field(name).verbose_name, getattr(item, name), value)
            for name, value in values.items()
            if getattr(item, name) != value
        ]
        if not changes:
            return
        item._change_reason = self.reason
        save_draft(item, values, self.user)
        change = item.import_change
        change.fields += changes
        if item.status == Status.PUBLISHED:
            change.status = "a working draft: the live page keeps its text until it is published"
        else:
            change.status = f"{item.get_status_display().lower()}, not live"

    def link(self, item, **relations):
        """Add the items given to each many-to-many relation; none is taken away."""
        change = item.import_change
        for name, wanted in relations.items():
            manager = getattr(item, name)
            have = {obj.pk for obj in manager.all()}
            added = [obj for obj in wanted if obj.pk not in have]
            if added:
                manager.add(*added)
                if change.outcome != "created":
                    label = name.replace("_", " ")
                    change.links.append((label, sorted(str(obj) for obj in added)))
                    change.outcome = "updated"
        if change.fields and change.outcome == "unchanged":
            change.outcome = "updated"

    def terms(self, model, terms, extra_fields=()):
        """Create or update the symptoms or treatments of the vocabulary."""
        items = []
        for term in terms:
            item = self.upsert(
                model,
                slugify(term.name),
                PhraseIndex("\n".join([*term.phrases, term.description])),
                {
                    "name": term.name,
                    "description": term.description,
                    **{name: getattr(term, name) for name in extra_fields},
                },
                others={"alternate_names": "\n".join(term.aliases)},
            )
            item.linked_headings = {phrase_key(heading) for heading in term.conditions}
            items.append(item)
        return items

    def condition(self, section, symptoms, treatments):
        """Create or update one section's condition; link the symptoms and treatments its text
        mentions (or the vocabulary links to it) and its knee areas.

        The vocabulary's advice (urgency, warning signs, onset) goes to a new condition, and to
        an existing one only where the vocabulary has an entry for it: otherwise a clinician's
        advice would be drafted away.
        """
        extras = self.vocabulary.extras_for(section.name)
        names = [section.name, *extras.alternate_names]
        section_text = "\n".join(section.paragraphs)
        clinical = {"name": section.name, "summary": section.summary, "body": section.body}
        advice = {"urgency": extras.urgency, "urgent_help": extras.urgent_help}
        advice["onset"] = extras.onset
        known = self.vocabulary.has_extras(section.name)
        condition = self.upsert(
            Condition,
            slugify(section.name),
            PhraseIndex("\n".join([*names, section_text])),
            {**clinical, **(advice if known else {})},
            others={"alternate_names": "\n".join(extras.alternate_names)},
            new_only={} if known else advice,
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
        condition.phrases = [*names, *condition.alternate_name_list, *extras.mentions]
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
                FAQ,
                slugify(question)[:200],
                text,
                {"question": question, "answer": answer},
                new_only={"order": order * 10},
            )
        else:
            slug = slugify(" ".join(answer.split()[:8]))[:200]
            faq = self.upsert(
                FAQ,
                slug,
                text,
                {"answer": answer},
                status=Status.DRAFT,
                new_only={"order": order * 10},
            )
        self.link(faq, conditions=[c for c in conditions if text.mentions_any(c.phrases)])
        return faq

    def red_flag_rules(self, flags, symptoms):
        """Create the symptom checker's red-flag rules that are missing, keyed by name."""
        by_key = {phrase_key(symptom.name): symptom for symptom in symptoms}
        existing = set(RedFlagRule.objects.values_list("name", flat=True))
        for flag in flags:
            if flag.name in existing:
                self.report.record("red-flag rules", "unchanged")
                continue
            rule = RedFlagRule.objects.create(
                name=flag.name, urgency=flag.urgency, advice=flag.advice
            )
            rule.symptoms.set([by_key[phrase_key(name)] for name in flag.symptoms])
            self.report.record("red-flag rules", "created")


def _term_belongs(term, mentioned, heading):
    """Whether a condition links a symptom or treatment: its section's text (`mentioned`, a
    PhraseIndex) names it, or the vocabulary links it to the condition's heading."""
    return mentioned.mentions_any(term.all_names) or heading in term.linked_headings
