"""Text helpers shared by the importer, the templates, search and the admin: word matching,
Markdown and word diffs."""

import difflib
import re
from functools import lru_cache
from html import unescape

import markdown
import nh3
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
# A word as the importer, tags and cross-links see it: ASCII letters and digits, with an
# apostrophe's ending ("Baker's", "Baker’s"). Search splits text as PostgreSQL does instead
# (search/analysis.py).
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)?")
# Phrases never run across these: "…the knee. Pain…" must not match "knee pain".
_CLAUSE_BREAK = re.compile(r"[.!?;:()\[\]\u2013\u2014\n]+")
_MAX_PHRASE_WORDS = 6


def singular(word):
    """Reduce a lower-case English word to a crude singular, so 'injuries' matches 'injury'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text):
    """Lower-case singular words of `text`, with typographic apostrophes and possessives folded."""
    found = _WORD.findall(text.translate(_APOSTROPHES).lower())
    return [singular(word.removesuffix("'s").rstrip("'")) for word in found]


def phrase_key(phrase):
    """The comparable form of a phrase: 'Baker’s Cysts' and "baker's cyst" share one key."""
    return " ".join(words(phrase))


def tag_key(name):
    """What two tag names share when they are one topic: case, plurals and apostrophes aside
    ("Knees" is "knee", "bakers cyst" is "Baker’s cyst").

    Stricter than phrase_key(): an acronym keeps its last letter ("ITBS" is not "ITB"), and a
    name with letters beyond ASCII, which words() leaves out, is folded for case only.
    """
    plain = name.translate(_APOSTROPHES)
    case_only = " ".join(plain.casefold().split())
    if any(char.isalnum() and not char.isascii() for char in plain):
        return case_only
    keys = []
    for word in _WORD.findall(plain):
        lower = word.lower()
        acronym = len(word) > 1 and word.isupper()
        keys.append(lower if acronym else singular(lower.removesuffix("'s").rstrip("'")))
    return " ".join(keys) or case_only


class PhraseIndex:
    """Every run of up to six words in a text, for whole-word, plural-blind phrase lookups."""

    def __init__(self, text):
        self._phrases = set()
        for clause in _CLAUSE_BREAK.split(text):
            clause_words = words(clause)
            for start in range(len(clause_words)):
                stop = min(start + _MAX_PHRASE_WORDS, len(clause_words))
                for end in range(start + 1, stop + 1):
                    self._phrases.add(" ".join(clause_words[start:end]))

    def mentions(self, phrase):
        key = phrase_key(phrase)
        return bool(key) and key in self._phrases

    def mentions_any(self, phrases):
        return any(self.mentions(phrase) for phrase in phrases)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")
# What would start a heading, quote or list: the backslash goes before its mark ("1\." for a
# number, as a backslash before a digit would be shown).
_BLOCK_START = re.compile(r"^(\s*)(\d+(?=\.)|(?=[#>+\-]))(.)")


def markdown_escape_inline(plain):
    """Quote plain text that sits inside a line of Markdown, after its start."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain).replace("<", "&lt;")


def markdown_escape_start(markdown_line):
    """Quote a heading, quote or list mark at the start of a line of Markdown."""
    return _BLOCK_START.sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3), markdown_line)


def markdown_escape(plain):
    """Quote plain text so that Markdown renders it word for word."""
    return markdown_escape_start(markdown_escape_inline(plain))


ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "a", "code", "pre", "hr", "abbr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


@lru_cache(maxsize=2048)
def render_markdown(source):
    """Render clinician Markdown to HTML that carries no script, style or unsafe link."""
    html = markdown.markdown(source, extensions=["sane_lists", "tables"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


@lru_cache(maxsize=1024)
def markdown_text(source):
    """The words a reader sees of clinician Markdown, as plain text without markup.

    An ordinary string, not marked safe: a template escapes it for wherever it lands, including
    inside an attribute.
    """
    return " ".join(unescape(strip_tags(render_markdown(source or ""))).split())


_TAG = re.compile(r"(<[^>]+>)")
_NO_LINK_ELEMENTS = re.compile(r"^<(/?)(a|h[1-6])\b", re.IGNORECASE)


def autolink(html, targets, skip_url=""):
    """Link the first mention of each target phrase in `html` to its page.

    `targets` maps phrase_key(name) to a URL. Text inside links and headings is left alone, a
    phrase links at most once, and never to `skip_url` (the page itself). A phrase's words must
    be separated only by spaces, so "ACL) injury" is not taken for "ACL injury".
    """
    used = {skip_url}
    blocked = 0
    parts = _TAG.split(html)
    for index, part in enumerate(parts):
        if part.startswith("<"):
            element = _NO_LINK_ELEMENTS.match(part)
            if element:
                blocked += -1 if element.group(1) else 1
            continue
        if blocked or not part.strip():
            continue
        parts[index] = _link_text(part, targets, used)
    return "".join(parts)


def _link_text(text, targets, used):
    spans = list(_WORD.finditer(text))
    out, position, start = [], 0, 0
    while start < len(spans):
        found = None
        for end in range(min(start + _MAX_PHRASE_WORDS, len(spans)), start, -1):
            run = spans[start:end]
            if any(text[a.end() : b.start()].strip() for a, b in zip(run, run[1:], strict=False)):
                continue
            url = targets.get(phrase_key(" ".join(word.group() for word in run)))
            if url and url not in used:
                found = (end, url)
                break
        if found is None:
            start += 1
            continue
        end, url = found
        used.add(url)
        first, last = spans[start].start(), spans[end - 1].end()
        out.append(text[position:first])
        out.append(f'<a href="{escape(url)}">{text[first:last]}</a>')
        position, start = last, end
    out.append(text[position:])
    return "".join(out)


# Below this share of words in common, word_diff marks a text as rewritten as a whole.
REWRITE_RATIO = 0.3


def word_diff(old, new):
    """`new` as HTML, words not in `old` in <ins> and words gone from it in <del>, escaped;
    all of it in <ins> when it is mostly rewritten.

    How the admin shows what an edit changed, word by word, in a long Markdown text.
    """
    old_words, new_words = re.split(r"(\s+)", str(old)), re.split(r"(\s+)", str(new))
    parts = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    kept = difflib.SequenceMatcher(None, str(old).split(), str(new).split(), autojunk=False)
    if kept.ratio() < REWRITE_RATIO:
        # Mostly rewritten: words kept here and there would cut it into unreadable fragments.
        return mark_safe(f"<ins>{escape(new)}</ins>")
    for op, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if op in {"delete", "replace"}:
            parts.append(f"<del>{escape(''.join(old_words[old_start:old_end]))}</del>")
        if op in {"insert", "replace"}:
            parts.append(f"<ins>{escape(''.join(new_words[new_start:new_end]))}</ins>")
        if op == "equal":
            parts.append(escape("".join(new_words[new_start:new_end])))
    return mark_safe("".join(parts))
