"""Show why an item matched: its text, escaped, with the words searched for inside <mark>."""

from bisect import bisect_left
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

from conditions.text import singular
from search.analysis import word_spans

SNIPPET_WORDS = 32
# Bounds on the work of marking near misses: typed words tried, and words of text looked at.
MAX_MISSPELT = 4
MAX_TEXT_WORDS = 3000
# Words shown before the first marked word, so the reader sees it in context.
LEAD_WORDS = 6


def edit_distance(a, b, limit):
    """Levenshtein distance between `a` and `b`, or limit + 1 once it is certainly above limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


# A page's texts share most of their words, and popular queries come back: judge each pair once.
@lru_cache(maxsize=8192)
def is_near_miss(word, typed):
    """Whether a text word is a likely meaning of a typed word with a letter or two wrong."""
    word, typed = singular(word), singular(typed)
    if len(typed) < 4:
        return False
    limit = 1 if len(typed) < 7 else 2
    # Each letter of one word that the other lacks costs an edit: a quick test that rules out
    # most pairs before the slower exact count.
    letters, typed_letters = set(word), set(typed)
    if len(letters - typed_letters) > limit or len(typed_letters - letters) > limit:
        return False
    return edit_distance(word, typed, limit) <= limit


@lru_cache(maxsize=1024)
def _words(text, analyzer):
    """A text's words, analysed once however many searches show it.

    (spans of its first MAX_TEXT_WORDS words, lexemes of all its words in the `analyzer`'s
    language, and for each distinct word the positions in those spans where it occurs.)
    """
    spans = word_spans(text)
    positions = {}
    for i, (_, _, word) in enumerate(spans[:MAX_TEXT_WORDS]):
        positions.setdefault(word, []).append(i)
    lexemes = frozenset(analyzer.lexeme(word) for _, _, word in spans)
    return spans[:MAX_TEXT_WORDS], lexemes, positions


class Marker:
    """Decides which words of an item's text to mark for one query."""

    def __init__(self, query, texts):
        self.lexemes = set(query.lexemes)
        self.analyzer = query.analyzer
        present = frozenset().union(*(_words(text, self.analyzer)[1] for text in texts))
        # Typed words the item does not contain as such were probably misspelt: mark near misses.
        self.misspelt = [
            term for term, lex in zip(query.terms, query.lexemes, strict=True) if lex not in present
        ][:MAX_MISSPELT]
        self._decided = {}

    def marks(self, word):
        if word not in self._decided:
            self._decided[word] = self.analyzer.lexeme(word) in self.lexemes or any(
                is_near_miss(word, typed) for typed in self.misspelt
            )
        return self._decided[word]

    def spans(self, text):
        return [
            (start, end, self.marks(word)) for start, end, word in _words(text, self.analyzer)[0]
        ]

    def highlight(self, text):
        """All of `text`, escaped, with the matched words marked."""
        return _render(text, self.spans(text), 0, len(text))

    def has_match(self, text):
        return any(self.marks(word) for word in _words(text, self.analyzer)[2])

    def snippet(self, text, words=SNIPPET_WORDS):
        """About `words` words of `text` around its best cluster of matches, escaped and marked."""
        spans, _, positions = _words(text, self.analyzer)
        if not spans:
            return mark_safe("")
        start = 0
        # Only the distinct words are judged: a long text repeats most of its words many times.
        marked = sorted(i for word, at in positions.items() if self.marks(word) for i in at)
        if marked:
            # The window holding the most marked words wins; the earliest among equals.
            reach = words - LEAD_WORDS
            best = max(
                enumerate(marked),
                key=lambda pair: (bisect_left(marked, pair[1] + reach) - pair[0], -pair[1]),
            )[1]
            start = max(0, min(best - LEAD_WORDS, len(spans) - words))
        end = min(len(spans), start + words)
        begin_at = 0 if start == 0 else spans[start][0]
        reaches_end = end == len(spans) and len(spans) < MAX_TEXT_WORDS
        end_at = len(text) if reaches_end else spans[end - 1][1]
        window = [(first, last, self.marks(word)) for first, last, word in spans[start:end]]
        body = _render(text, window, begin_at, end_at)
        before = "" if begin_at == 0 else "… "
        after = "" if end_at == len(text) else " …"
        return mark_safe(f"{before}{body}{after}")


def _render(text, spans, begin_at, end_at):
    pieces = []
    position = begin_at
    for start, end, marked in spans:
        if not marked:
            continue
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:end_at]))
    return mark_safe("".join(pieces))
