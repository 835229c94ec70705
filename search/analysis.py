"""Text analysis that gives the same answers as PostgreSQL's, so both databases rank alike.

PostgreSQL's `english` text-search configuration splits text into words, drops the stop words
below and reduces each word with the Snowball English (Porter2) stemmer; pg_trgm compares strings
by their sets of three-letter pieces. The SQLite fallback (search/backends.py) uses these
functions instead, and tests on PostgreSQL check that they agree with the database.

ENGLISH and SPANISH (at the end) are the languages search reads: how each reduces a word and
compares names. Spanish is searched in memory on both databases (search/backends.py).
"""

import re
import threading
from functools import lru_cache

import Stemmer

from conditions.text import fold, singular

# PostgreSQL's tsearch_data/english.stop: the words its `english` configuration ignores.
_STOPWORD_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# A word as PostgreSQL's parser sees it: letters of any script and digits; an apostrophe splits
# ("baker's" is "baker" and "s"). Not conditions.text's word, which serves the importer and tags.
_WORD = re.compile(r"[^\W_]+")


def tokenize(text):
    """Lower-case words of `text`, split at anything that is not a letter or digit."""
    return list(map(str.lower, _WORD.findall(text)))


def word_spans(text):
    """(start, end, lower-case word) for each word of `text`, for marking words in place."""
    return [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]


@lru_cache(maxsize=65536)
def lexeme(word):
    """The form PostgreSQL indexes a lower-case word under, or None for a stop word."""
    if word in STOPWORDS:
        return None
    if any(char.isdigit() for char in word):
        return word  # numbers and words with digits go through PostgreSQL's `simple` dictionary
    return stem(word)


# PostgreSQL 15's english_stem is Snowball 2.2's English (Porter2) stemmer, and so is PyStemmer
# 2.2, pinned for that reason: Snowball 3 stems some words otherwise ("added" is "add" there, "ad"
# here). tests/search/test_analysis.py compares it with ts_lexize on a quarter of a million words.
# A Stemmer object must not be shared between threads.
_stemmers = threading.local()


def stem(word):
    """Reduce a lower-case word to its Porter2 stem: 'injuries' and 'injury' both give 'injuri'."""
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = Stemmer.Stemmer("english")
    return stemmer.stemWord(word)


# --- pg_trgm -------------------------------------------------------------------------------------


# Each indexed word's trigrams, and each (trigram, starts word, ends word), shared: an index of
# many names stays small, and quick to build.
_WORD_TRIGRAMS = {}
_TRIGRAMS = {}


def trigrams(text, share=False):
    """pg_trgm's trigrams of `text` in order, with for each whether it starts or ends a word.

    `share` reuses one copy of each word's trigrams across calls; only for indexed content,
    whose vocabulary is bounded (queries, which anyone can vary, would grow the shared copies).
    """
    if not share:
        return tuple(entry for word in tokenize(text) for entry in _word_trigrams(word))
    result = []
    for word in tokenize(text):
        found = _WORD_TRIGRAMS.get(word)
        if found is None:
            found = tuple(_TRIGRAMS.setdefault(entry, entry) for entry in _word_trigrams(word))
            _WORD_TRIGRAMS[word] = found
        result += found
    return tuple(result)


def _word_trigrams(word):
    padded = f"  {word} "
    last = len(padded) - 3
    return tuple((padded[i : i + 3], i == 0, i == last) for i in range(last + 1))


def trigram_set(text):
    return {piece for piece, _, _ in trigrams(text)}


def strict_word_similarity(needle, haystack, needle_set=None, haystack_trigrams=None):
    """pg_trgm's strict_word_similarity(needle, haystack): how well `needle` matches whole words.

    The greatest similarity between the needle's trigrams and those of a run of whole words in
    the haystack, found the way pg_trgm's iterate_word_similarity() finds it (its search is
    greedy, so this follows it step by step rather than trying every run).
    """
    wanted = trigram_set(needle) if needle_set is None else needle_set
    sequence = trigrams(haystack) if haystack_trigrams is None else haystack_trigrams
    if not wanted or not sequence:
        return 0.0
    need = len(wanted)
    last_seen = {}
    run_unique = count = 0
    lower = 0
    best = 0.0
    for i, (piece, _, ends_word) in enumerate(sequence):
        if last_seen.get(piece, -1) < 0:
            run_unique += 1
            if piece in wanted:
                count += 1
        last_seen[piece] = i
        if not ends_word:
            continue
        current = count / (need + run_unique - count)
        # Try moving the start of the run to a later word if that matches better.
        trial_unique, trial_count, previous_lower = run_unique, count, lower
        for start in range(lower, i + 1):
            start_piece, starts_word, _ = sequence[start]
            if starts_word:
                trial = trial_count / (need + trial_unique - trial_count)
                if trial > current:
                    current, run_unique, lower, count = trial, trial_unique, start, trial_count
            if last_seen[start_piece] == start:
                trial_unique -= 1
                if start_piece in wanted:
                    trial_count -= 1
        best = max(best, current)
        for start in range(previous_lower, lower):
            start_piece = sequence[start][0]
            if last_seen[start_piece] == start:
                last_seen[start_piece] = -1
    return best


# --- Languages -----------------------------------------------------------------------------------


class English:
    """How search reads English: PostgreSQL's `english` configuration (above)."""

    code = "en"

    @staticmethod
    def lexeme(word):
        return lexeme(word)

    @staticmethod
    def name_text(text):
        """A name or query as trigram similarity compares it."""
        return text

    @staticmethod
    def trigram_word(term):
        """A query word as it is compared with names: singular, so 'bakers' meets 'Baker's'."""
        return singular(term)


ENGLISH = English()

# Snowball's Spanish stop words (PostgreSQL's tsearch_data/spanish.stop) that carry no meaning in a
# search, without accents: words are folded before they are looked up.
_SPANISH_STOPWORD_TEXT = """
    de la que el en y a los del se las por un para con no una su al lo como mas pero sus le ya o
    este si porque esta entre cuando muy sin sobre tambien me hasta hay donde quien desde todo nos
    durante todos uno les ni contra otros ese eso ante ellos e esto mi antes algunos unos yo otro
    otras otra tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo
    nosotros mis tu te ti tus ellas nosotras os mio mia mios mias tuyo tuya tuyos tuyas suyo suya
    suyos suyas nuestro nuestra nuestros nuestras esos esas estoy estamos estan es son fue ser
    era soy he ha han hemos haber hay tiene tengo tienen u cuales cuanto cuanta
"""
SPANISH_STOPWORDS = frozenset(_SPANISH_STOPWORD_TEXT.split())


class Spanish:
    """How search reads Spanish: accents folded, Spanish stop words left out, words reduced by
    Snowball's Spanish stemmer ('rodillas' and 'rodilla' both give 'rodill')."""

    code = "es"

    @staticmethod
    @lru_cache(maxsize=65536)
    def lexeme(word):
        word = fold(word)
        if word in SPANISH_STOPWORDS:
            return None
        if any(char.isdigit() for char in word):
            return word
        stemmer = getattr(_stemmers, "spanish", None)
        if stemmer is None:
            stemmer = _stemmers.spanish = Stemmer.Stemmer("spanish")
        return stemmer.stemWord(word)

    @staticmethod
    def name_text(text):
        return fold(text)

    @staticmethod
    def trigram_word(term):
        return fold(term)


SPANISH = Spanish()
ANALYZERS = {analyzer.code: analyzer for analyzer in (ENGLISH, SPANISH)}


def analyzer_for(language):
    """How search reads a language code ("en-us", "es"): English for any it does not know."""
    return ANALYZERS.get(language.split("-")[0], ENGLISH)
