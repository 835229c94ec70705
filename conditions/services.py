"""Work that spans several models: the editorial workflow (sign-off, publish, restore), tag
curation (rename, merge), and importing an article. Views, admin and commands call these
functions; none of them reads a request."""

import tomllib
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from conditions.article import parse_article
from conditions.models import (
    ClinicianProfile,
    Condition,
    KneeArea,
    RedFlagRule,
    Status,
    Symptom,
    Tag,
    TaggedItem,
    TagRedirect,
    Treatment,
)
from conditions.signals import snapshots_batched
from conditions.text import PhraseIndex, markdown_escape, phrase_key, tag_key
from faq.models import FAQ
from kneeinfo.cache import changes_batched

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SEED_ARTICLE = CONTENT_DIR / "pain-in-back-of-knee.txt"
VOCABULARY = CONTENT_DIR / "vocabulary.toml"


class WorkflowError(ValueError):
    """A workflow step that cannot be taken now; the message says what to do instead."""


def _require(user, action, item):
    permission = f"{item._meta.app_label}.{action}_{item._meta.model_name}"
    if not user.has_perm(permission):
        raise PermissionDenied(
            f"You do not have permission to {action} {item._meta.verbose_name}s."
        )


def _save_with_audit(item, user, message):
    """Save, recording `message` in the item's history and in the admin's log, with the user."""
    item._change_reason = message
    item._history_user = user
    item.save()
    LogEntry.objects.log_actions(
        user.pk, [item], CHANGE, change_message=message, single_object=True
    )


def content_sign_off(item, user, note=""):
    """Record that `user`, a registered clinician, has reviewed the item's current wording."""
    _require(user, "signoff", item)
    profile = ClinicianProfile.objects.filter(user=user).first()
    if profile is None or not profile.registration_number.strip():
        raise WorkflowError(
            "Add your professional registration number to your clinician profile before "
            "signing content off."
        )
    today = timezone.localdate()
    item.last_reviewed_on = today
    item.next_review_due = today + timedelta(days=settings.REVIEW_INTERVAL_DAYS)
    item.reviewed_by = user
    item.review_note = note.strip()
    item.reviewed_fingerprint = item.clinical_fingerprint()
    _save_with_audit(
        item, user, "Signed off as clinically reviewed" + (f": {note}" if note else "")
    )


def content_publish(item, user):
    """Publish an item whose current wording a clinician has signed off."""
    _require(user, "publish", item)
    if not item.is_signed_off:
        raise WorkflowError(
            f"'{item}' cannot be published: its current wording has not been signed off. "
            "Mark it as clinically reviewed first."
        )
    item.status = Status.PUBLISHED
    _save_with_audit(item, user, "Published")


def content_unpublish(item, user):
    """Take an item off the public site; it keeps its text and history."""
    _require(user, "publish", item)
    item.status = Status.UNPUBLISHED
    _save_with_audit(item, user, "Unpublished")


def content_submit_for_review(item, user):
    """Ask a clinician to review a draft or unpublished item."""
    _require(user, "change", item)
    if item.status == Status.PUBLISHED:
        raise WorkflowError(f"'{item}' is published; unpublish it first to send it to review.")
    item.status = Status.IN_REVIEW
    _save_with_audit(item, user, "Submitted for review")


# Fields a restore leaves alone: identity, timestamps, publication state and sign-off.
_NOT_RESTORED = {
    "id", "created_at", "updated_at", "status", "last_reviewed_on", "next_review_due",
    "reviewed_by", "review_note", "reviewed_fingerprint",
}  # fmt: skip


def content_restore(item, record, user):
    """Put back an earlier version's text, links and tags. Clinicians only.

    A published item whose clinical text changes this way goes back to review (see the model).
    """
    _require(user, "signoff", item)
    if record.instance.pk != item.pk:
        raise WorkflowError("That version belongs to a different item.")
    for model_field in item._meta.concrete_fields:
        if model_field.name not in _NOT_RESTORED:
            setattr(item, model_field.attname, getattr(record, model_field.attname))
    when = timezone.localtime(record.history_date).strftime("%d %b %Y %H:%M")
    with transaction.atomic():
        _save_with_audit(item, user, f"Restored the version of {when}")
        for name, entries in record.relations.items():
            wanted = [pk for pk, _label in entries]
            if name == "tags":
                item.tags.set(list(Tag.objects.filter(pk__in=wanted)))
            elif name in item.history_relations:
                manager = getattr(item, name)
                manager.set(manager.model.objects.filter(pk__in=wanted))


@contextmanager
def many_changes():
    """One transaction for many rows: the page cache's generation is bumped once, and each
    item's newest history record gets its links and tags once, instead of at every row."""
    with transaction.atomic(), changes_batched(), snapshots_batched():
        yield


def tag_merge(tags, into):
    """Move every item tagged with any of `tags` onto `into`, delete them, redirect their URLs."""
    with many_changes():
        for tag in tags:
            if tag.pk == into.pk:
                continue
            for tagged in TaggedItem.objects.filter(tag=tag):
                TaggedItem.objects.get_or_create(
                    tag=into, content_type_id=tagged.content_type_id, object_id=tagged.object_id
                )
            TagRedirect.objects.filter(tag=tag).update(tag=into)
            TagRedirect.objects.update_or_create(old_slug=tag.slug, defaults={"tag": into})
            tag.delete()
        TagRedirect.objects.filter(old_slug=into.slug).delete()


def tag_finder():
    """A function giving the existing tag that a typed name stands for, or None. One query.

    The tag of that very name in any case if there is one; else one whose name differs only in
    plural or apostrophes (tag_key), the oldest where several do.
    """
    by_name, by_key = {}, {}
    for tag in Tag.objects.order_by("pk"):
        by_name.setdefault(tag.name.casefold(), tag)
        by_key.setdefault(tag_key(tag.name), tag)
    return lambda name: by_name.get(name.casefold()) or by_key.get(tag_key(name))


def tag_names_fold(names):
    """`names` as typed into a tag field, each that stands for an existing tag replaced by that
    tag's name, repeats dropped: "Knees" joins the tag "knee" instead of starting a new one."""
    find = tag_finder()
    chosen = {}
    for name in names:
        tag = find(name)
        chosen.setdefault(tag.pk if tag else tag_key(name), tag.name if tag else name)
    return list(chosen.values())


def tag_rename(tag, name, slug=None):
    """Rename a tag; its old address keeps working."""
    old_slug = tag.slug
    with transaction.atomic():
        tag.name = name
        tag.slug = slug or tag.slugify(name)
        tag.save()
        if tag.slug != old_slug:
            TagRedirect.objects.update_or_create(old_slug=old_slug, defaults={"tag": tag})
            TagRedirect.objects.filter(old_slug=tag.slug).delete()


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
    onset: str = ""


@dataclass
class Term:
    """A symptom or treatment from the vocabulary, matched in article text by name or alias."""

    name: str
    aliases: list
    description: str
    kind: str = ""
    # Condition headings to link even when their text does not mention the term.
    conditions: list = field(default_factory=list)

    @property
    def phrases(self):
        return [self.name, *self.aliases]


@dataclass
class RedFlag:
    name: str
    symptoms: list
    urgency: str
    advice: str


@dataclass
class Vocabulary:
    conditions: dict
    symptoms: list
    treatments: list
    red_flags: list

    def extras_for(self, heading):
        return self.conditions.get(phrase_key(heading), ConditionExtras())


def _check_conditions(raw):
    conditions = {}
    for heading, values in raw.get("conditions", {}).items():
        extras = ConditionExtras(**values)
        if extras.urgency not in Condition.Urgency.values:
            raise ValueError(f"condition '{heading}': unknown urgency {extras.urgency!r}")
        if extras.urgency and not extras.urgent_help.strip():
            raise ValueError(f"condition '{heading}': urgency needs urgent_help text")
        if extras.onset not in Condition.Onset.values:
            raise ValueError(f"condition '{heading}': unknown onset {extras.onset!r}")
        conditions[phrase_key(heading)] = extras
    return conditions


def _check_terms(raw, kind_of_term, kinds=None):
    found = []
    for number, values in enumerate(raw.get(kind_of_term, []), start=1):
        term = Term(**values)
        if not term.name.strip():
            raise ValueError(f"{kind_of_term} entry {number} has no name")
        if kinds is not None and term.kind not in kinds:
            raise ValueError(f"'{term.name}': unknown kind {term.kind!r}")
        found.append(term)
    return found


def _check_red_flags(raw, symptoms):
    names = {phrase_key(term.name) for term in symptoms}
    flags = []
    for values in raw.get("red_flags", []):
        flag = RedFlag(**values)
        unknown = [s for s in flag.symptoms if phrase_key(s) not in names]
        if unknown or not flag.symptoms:
            raise ValueError(f"red flag '{flag.name}': unknown or no symptoms {unknown}")
        if flag.urgency not in {"urgent", "immediate"}:
            raise ValueError(f"red flag '{flag.name}': urgency must be urgent or immediate")
        flags.append(flag)
    return flags


def vocabulary_load(path=VOCABULARY):
    """Read and check the vocabulary file."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise VocabularyError(f"{path}: {error}") from None
    try:
        symptoms = _check_terms(raw, "symptoms")
        return Vocabulary(
            conditions=_check_conditions(raw),
            symptoms=symptoms,
            treatments=_check_terms(raw, "treatments", Treatment.Kind.values),
            red_flags=_check_red_flags(raw, symptoms),
        )
    except (TypeError, ValueError) as error:
        raise VocabularyError(f"{path}: {error}") from None


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
    find = tag_finder()
    tags = []
    for keyword in keywords:
        tag = find(keyword)
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
        item = importer.upsert(model, slugify(term.name), text_index, tags, **fields)
        item.linked_headings = {phrase_key(heading) for heading in term.conditions}
        items.append(item)
    return items


def _red_flag_rules(flags, symptoms, report):
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
        linked = _Importer.set_relation(
            rule.symptoms, [by_key[phrase_key(name)] for name in flag.symptoms]
        )
        outcome = "created" if created else "updated" if changed or linked else "unchanged"
        report.record("red-flag rules", outcome)


def article_import(data, *, vocabulary_path=VOCABULARY, dry_run=False):
    """Import an article's bytes; all or nothing. Raise ArticleError or VocabularyError if bad."""
    article = parse_article(data)
    vocabulary = vocabulary_load(vocabulary_path)
    areas = {area.slug: area for area in KneeArea.objects.all()}
    report = ImportReport()
    importer = _Importer(report)

    with many_changes():
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
                onset=extras.onset,
            )
            section_index = PhraseIndex(section_text)
            importer.link(
                condition,
                symptoms=[
                    s
                    for s in symptoms
                    if section_index.mentions_any(s.all_names)
                    or phrase_key(section.name) in s.linked_headings
                ],
                treatments=[
                    t
                    for t in treatments
                    if section_index.mentions_any(t.all_names)
                    or phrase_key(section.name) in t.linked_headings
                ],
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

        _red_flag_rules(vocabulary.red_flags, symptoms, report)
        importer.done("symptoms", symptoms)
        importer.done("treatments", treatments)
        importer.done("conditions", conditions)
        importer.done("FAQs", faqs)
        if dry_run:
            transaction.set_rollback(True)
    return report
