"""What a patient typed, made safe to search with and to show back."""

import unicodedata
from dataclasses import dataclass, field

from search.analysis import ENGLISH, tokenize

MAX_QUERY_LENGTH = 200
# More words than this add nothing but work; the rest of a pasted paragraph is ignored.
MAX_TERMS = 16
# Unicode categories dropped from a query: controls (NUL included, which PostgreSQL refuses),
# format characters (zero-width spaces and joiners, right-to-left marks), surrogates, private
# use and unassigned code points.
_DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn"}


def clean(text):
    """Normalise, drop invisible and control characters, collapse spaces; say if it was cut."""
    # Bound the work before looking at every character of a very long query.
    cut_early = len(text) > MAX_QUERY_LENGTH * 4
    text = unicodedata.normalize("NFKC", text[: MAX_QUERY_LENGTH * 4])
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] == "Z" or char in "\t\n\r":
            kept.append(" ")
        elif category not in _DROPPED:
            kept.append(char)
    text = " ".join("".join(kept).split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, cut_early
    cut = text[:MAX_QUERY_LENGTH]
    if not text[MAX_QUERY_LENGTH].isspace() and " " in cut[-30:]:
        cut = cut.rsplit(" ", 1)[0]  # do not leave half a word at the end
    return cut.rstrip(), True


@dataclass
class Query:
    """A cleaned query and the words search looks for.

    `terms` are the words as typed (PostgreSQL stems them itself), one per distinct `lexeme`;
    `trigram_text` is what pg_trgm compares with names, singular so 'bakers' meets 'Baker's'.
    `analyzer` is the language the query is read in (search/analysis.py): English by default.
    """

    text: str
    truncated: bool = False
    terms: list = field(default_factory=list)
    lexemes: list = field(default_factory=list)
    analyzer: object = ENGLISH

    @classmethod
    def parse(cls, raw, analyzer=ENGLISH):
        text, truncated = clean(raw or "")
        query = cls(text, truncated, analyzer=analyzer)
        for word in tokenize(text):
            found = analyzer.lexeme(word)
            if found and found not in query.lexemes and len(query.terms) < MAX_TERMS:
                query.terms.append(word)
                query.lexemes.append(found)
        return query

    @property
    def trigram_text(self):
        return " ".join(self.analyzer.trigram_word(term) for term in self.terms)

    def __bool__(self):
        return bool(self.terms)
