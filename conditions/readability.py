"""How hard a page is to read: grade levels by textstat, long sentences and unexplained jargon.

Patient-education guidance (NIH, AMA) asks for a US grade 6–8 reading level. Each item's
patient-facing text (its `readability_fields`) is measured as the patient sees it: Markdown
rendered and cleaned, then split into sentences. A sentence ends at `.`, `!` or `?` followed by
a space, and at the end of a paragraph, heading, list item or table cell, so a list of short
points reads as short sentences rather than one long run.

- **Grade**: the Flesch–Kincaid grade level of the whole text, by textstat; SMOG as a second
  opinion (it needs three sentences or more). textstat is pinned at 0.7.4, which counts
  syllables with pyphen's shipped dictionaries: releases after 0.7.8 fetch NLTK data at run
  time (which fails offline), 0.7.7 and 0.7.8 install a top-level `tests` package beside ours,
  0.7.6's wheel lacks a module it imports, and 0.7.5 loads the whole CMU pronouncing
  dictionary at import and fails on any word missing from the current one.
- **Long sentences**: over LONG_SENTENCE_WORDS words.
- **Jargon**: a term of the jargon list (`JargonTerm`, edited by clinicians in the admin) that
  the page does not explain where it first uses it. It is explained when it is followed right
  away by a bracket of two words or more ("effusion (fluid in the knee)", not "(PCL)"), a dash
  or a colon, or by "means", "meaning" or "which means"; when a sentence starts with it and
  goes on with "is", "are" or "means" ("Proprioception is your sense of ..."); or when it
  follows "called" or "known as" ("a swelling called a Baker's cyst"). Otherwise every use of
  it is marked.
"""

import re
import warnings
from dataclasses import dataclass
from functools import cache
from html import unescape

from django.utils.html import escape

from conditions.text import render_markdown

LONG_SENTENCE_WORDS = 25


@cache
def _textstat():
    """textstat, loaded on first use: its hyphenation dictionary takes a moment to load, and
    most processes (a page server, a command) never grade a text.

    An instance of our own, unrounded: textstat's shared one rounds the average sentence length
    and syllables per word to a tenth before the formula, which moves a grade by up to half a
    point.
    """
    with warnings.catch_warnings():
        # textstat 0.7.4 imports setuptools' pkg_resources, which warns that it is deprecated.
        warnings.simplefilter("ignore", UserWarning)
        from textstat.textstat import textstatistics
    stats = textstatistics()
    stats.set_rounding(False)
    return stats


_TAG = re.compile(r"(<[^>]+>)")
# Elements a sentence never runs across.
_BLOCK_TAG = re.compile(
    r"^</?(p|li|ul|ol|h[1-6]|blockquote|pre|table|thead|tbody|tr|td|th|hr|br|div)\b", re.I
)
_OPENING = re.compile(r"^<(?!/)")
_SELF_CLOSING = re.compile(r"/>$")
# The end of a sentence inside a paragraph: . ! or ?, maybe a closing quote or bracket, a space.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]\u201d\u2019]*\s+")
_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019-][A-Za-z0-9\u00c0-\u024f]+)*")


@dataclass(frozen=True)
class Figures:
    """What the measures say of a text; a grade is None where the text is too short for it."""

    grade: float | None
    smog: float | None
    sentences: int
    words: int
    long_sentences: int


def text_html(text, markdown):
    """Text as its page shows it: Markdown rendered and cleaned, plain text escaped."""
    return render_markdown(text or "") if markdown else str(escape(text or ""))


def field_html(item, name, value=None):
    """A field of `item`, or `value` for it, as its page shows it."""
    return text_html(getattr(item, name) if value is None else value, name in item.markdown_fields)


def _pieces(html):
    """The HTML in sentences: a list of sentences, each a list of its tags and texts."""
    sentences, current, depth = [], [], 0
    for part in _TAG.split(html):
        if not part:
            continue
        if part.startswith("<"):
            if _BLOCK_TAG.match(part):
                sentences.append(current)
                sentences.append([part])
                current, depth = [], 0
                continue
            if not _SELF_CLOSING.search(part):
                depth += 1 if _OPENING.match(part) else -1
            current.append(part)
            continue
        # A sentence ends only outside inline elements, so that marking it keeps tags balanced.
        position = 0
        for end in _SENTENCE_END.finditer(part) if depth == 0 else ():
            current.append(part[position : end.end()])
            sentences.append(current)
            current, position = [], end.end()
        current.append(part[position:])
    sentences.append(current)
    return [sentence for sentence in sentences if sentence]


def _plain(sentence):
    return " ".join(unescape("".join(p for p in sentence if not p.startswith("<"))).split())


def word_count(text):
    return len(_WORD.findall(text))


def sentences_of(html):
    """The plain text of each sentence of `html` that has words."""
    return [text for sentence in _pieces(html) if word_count(text := _plain(sentence))]


def measure(*htmls):
    """Figures for texts read one after the other (HTML as the page shows them)."""
    sentences = [sentence for html in htmls for sentence in sentences_of(html)]
    words = sum(word_count(sentence) for sentence in sentences)
    if not words:
        return Figures(None, None, 0, 0, 0)
    # Each sentence ends with a stop, so that textstat counts headings and list items as ours.
    text = " ".join(s if s[-1] in ".!?" else f"{s}." for s in sentences)
    stats = _textstat()
    smog = stats.smog_index(text) if stats.sentence_count(text) >= 3 else None
    return Figures(
        # The formula goes below 0 for the plainest texts; a grade below the first reads as 0.
        grade=max(0.0, round(stats.flesch_kincaid_grade(text), 1)),
        smog=round(smog, 1) if smog else None,
        sentences=len(sentences),
        words=words,
        long_sentences=sum(word_count(s) > LONG_SENTENCE_WORDS for s in sentences),
    )


def graded_html(item, values=None):
    """{field name: HTML} of the item's graded text; `values` ({name: text}) overrides its own."""
    values = values or {}
    return {name: field_html(item, name, values.get(name)) for name in item.readability_fields}


def item_figures(item):
    """{field label: Figures} for each of the item's graded fields, and the whole page's."""
    htmls = graded_html(item)
    figures = {
        item._meta.get_field(name).verbose_name.capitalize(): measure(html)
        for name, html in htmls.items()
    }
    if len(htmls) > 1:
        figures["Whole page"] = measure(*htmls.values())
    return figures


def reading_grade(item, values=None):
    """The Flesch–Kincaid grade of the item's graded text, as stored on it; None without words.

    `values` ({field name: text}) stands in for the item's own, as a form about to save them.
    """
    return measure(*graded_html(item, values).values()).grade


def grades_store(model, fields):
    """Measure and store the reading grade of every row of `model`, whose graded fields are
    `fields` ({name: whether it is Markdown}). For migrations, whose models lack our save()."""
    for item in model.objects.only("pk", *fields):
        htmls = [text_html(getattr(item, name), markdown) for name, markdown in fields.items()]
        model.objects.filter(pk=item.pk).update(reading_grade=measure(*htmls).grade)


# Jargon ----------------------------------------------------------------------------------------


def _term_regex(term):
    return r"\s+".join(re.escape(word) for word in term.split())


def _term_pattern(term):
    """A term as a whole word or phrase, any case, plural or not."""
    return re.compile(rf"(?<![\w-]){_term_regex(term)}(?:e?s)?(?![\w-])", re.I)


# A bracket of two words or more ("(fluid in the knee)", not "(PCL)"), a dash or colon, "means".
_EXPLAINED_AFTER = re.compile(
    r"\s*(?:\((?=[^)]*\w\s+\w)|[\u2013\u2014:]|-\s|,?\s*(?:which\s+)?mean(?:s|ing)\b)", re.I
)
_DEFINED_AFTER = re.compile(r"\s+(?:is|are|means)\b", re.I)
_CALLED_BEFORE = re.compile(
    r"\b(?:called|known\s+as)\s+(?:(?:a|an|the)\s+)?[\"'\u201c\u2018]?$", re.I
)
_ARTICLE_ONLY = re.compile(r"\s*(?:(?:a|an|the|your)\s+)?", re.I)


def _explained(sentence, match):
    before, after = sentence[: match.start()], sentence[match.end() :]
    return bool(
        _EXPLAINED_AFTER.match(after)
        or _CALLED_BEFORE.search(before)
        or (_ARTICLE_ONLY.fullmatch(before) and _DEFINED_AFTER.match(after))
    )


def unexplained_jargon(htmls, terms):
    """{term: plain words} of the jargon `terms` ({term: plain words}) that the texts use
    without explaining them where they first do (see the module's docstring)."""
    sentences = [sentence for html in htmls for sentence in sentences_of(html)]
    found = {}
    for term, plain_words in terms.items():
        pattern = _term_pattern(term)
        for sentence in sentences:
            match = pattern.search(sentence)
            if match:
                if not _explained(sentence, match):
                    found[term] = plain_words
                break
    return found


def mark(html, jargon):
    """`html` with each sentence over LONG_SENTENCE_WORDS words and each use of a `jargon` term
    ({term: plain words}) in <mark>, for the editor's preview (never a public page)."""
    terms = sorted(jargon, key=len, reverse=True)
    # One pattern for every term, longest first, so that a term inside a longer one is not
    # marked twice and no mark is made inside another's title.
    pattern = terms and re.compile(
        r"(?<![\w-])(?:" + "|".join(f"({_term_regex(t)})" for t in terms) + r")(?:e?s)?(?![\w-])",
        re.I,
    )

    def jargon_mark(match):
        term = terms[match.lastindex - 1]
        advice = f"Jargon: explain “{term}” where it first appears"
        if jargon[term]:
            advice += f", or say “{jargon[term]}”"
        return f'<mark class="jargon" title="{escape(advice)}">{match.group(0)}</mark>'

    out = []
    for sentence in _pieces(html):
        text = "".join(
            part if part.startswith("<") or not pattern else pattern.sub(jargon_mark, part)
            for part in sentence
        )
        words = word_count(_plain(sentence))
        if words > LONG_SENTENCE_WORDS:
            body = text.strip()
            lead = len(text) - len(text.lstrip())
            text = (
                f'{text[:lead]}<mark class="long-sentence" title="{words} words, over '
                f'{LONG_SENTENCE_WORDS}">{body}</mark>{text[lead + len(body) :]}'
            )
        out.append(text)
    return "".join(out)
