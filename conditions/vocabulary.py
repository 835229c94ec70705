"""Read and check the shipped vocabulary (`content/vocabulary.toml`): the symptoms and treatments
matched in an article's text, with their aliases; each condition's alternate names, knee areas,
urgent-help advice, onset and cross-links; the symptom checker's red-flag rules; per article,
the questions for FAQ answers it gives without one. Parsing is
pure, as in conditions/article.py: nothing here touches the database.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from conditions.models import Condition, Treatment
from conditions.text import phrase_key

VOCABULARY = Path(__file__).resolve().parent / "content" / "vocabulary.toml"


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
    # {article title key: [(answer's first words, question), ...]}
    faq_questions: dict = field(default_factory=dict)

    def extras_for(self, heading):
        return self.conditions.get(phrase_key(heading), ConditionExtras())

    def has_extras(self, heading):
        """Whether the vocabulary says anything of the condition under `heading`."""
        return phrase_key(heading) in self.conditions

    def question_for(self, title, answer):
        """The question the vocabulary gives an answer of the article `title`, or ''."""
        answer = " ".join(answer.split()).casefold()
        for start, question in self.faq_questions.get(phrase_key(title), []):
            if answer.startswith(start):
                return question
        return ""


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


def _check_articles(raw):
    questions = {}
    for title, values in raw.get("articles", {}).items():
        unknown = set(values) - {"faq_questions"}
        if unknown:
            raise ValueError(f"article '{title}': unknown key(s) {', '.join(sorted(unknown))}")
        pairs = []
        for start, question in values.get("faq_questions", {}).items():
            if not question.strip().endswith("?"):
                raise ValueError(f"article '{title}': the question {question!r} needs a '?'")
            pairs.append((" ".join(start.split()).casefold(), question.strip()))
        questions[phrase_key(title)] = pairs
    return questions


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
            faq_questions=_check_articles(raw),
        )
    except (TypeError, ValueError) as error:
        raise VocabularyError(f"{path}: {error}") from None
