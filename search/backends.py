"""Find published content for a query: PostgreSQL full-text search, or an in-memory equivalent.

Both databases score an item the same way, so both give the same results in the same order:

    score = 2 × name similarity + text rank, rounded to 4 places

- *name similarity* is pg_trgm's strict_word_similarity between the query and the item's name or
  one of its alternate names (0 to 1). It forgives typos: "menicus tear" is 0.69 like
  "Meniscus Tear", and a name or alternate-name match outranks any mention in the text.
- *text rank* is ts_rank over a weighted tsvector (name and alternate names A, summary B, body
  C) for the query's words joined with OR, so an item that has more of them, and in weightier
  places, ranks higher.

An item is found when its text contains one of the words, or its name or an alternate name is
similar enough (the %>> operator's threshold, 0.5). Equal scores list conditions first, then
symptoms, treatments and questions, each A–Z.

On PostgreSQL that is SQL over four GIN-indexed tables (search/migrations): one query counts,
one fetches a page. Each is compiled once per number of words and then only executed, with the
words put into its parameters (as kneeinfo/prepared.py does for other pages). Elsewhere the same
sums run over an in-memory index built with search/analysis.py, which reproduces PostgreSQL's
stemming, stop words and trigram similarity.
"""

import heapq
import logging
import operator
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property, reduce

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramStrictWordSimilarity,
)
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import F, FloatField, Q, TextField, Value
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import Collate, Greatest, Lower, Round

from kneeinfo.cache import current_generation
from kneeinfo.prepared import compile_sql, fill
from search.analysis import lexeme, strict_word_similarity, tokenize, trigram_set, trigrams
from search.snippets import Marker, markdown_text
from search.sources import CONFIG, SOURCES, SOURCES_BY_KIND, WEIGHTS

logger = logging.getLogger(__name__)

NAME_WEIGHT = 2.0
# pg_trgm.strict_word_similarity_threshold's default, which the %>> operator applies.
NAME_THRESHOLD = 0.5
SCORE_PLACES = 4
# ts_rank divides each word's weighted, decaying sum of occurrences by pi²/6.
_RANK_DIVISOR = 1.64493406685
# PostgreSQL keeps at most this many positions of one word in a document.
_MAX_POSITIONS = 256
# Stand in for a query's words and its trigram text while compiling. Query.parse drops control
# characters, so no real query's words or text equal them.
_TERM_PLACEHOLDER = "\x1fterm {}\x1f"
_TRIGRAM_PLACEHOLDER = "\x1ftrigram text\x1f"
# Compiled SQL is kept for queries of up to this many words (nearly all); longer ones, rare and
# each several kilobytes of SQL, are compiled for the one search.
MAX_COMPILED_TERMS = 8
_COLUMNS = ("r_kind", "r_order", "r_pk", "r_slug", "r_title", "r_aliases", "r_summary", "r_body")


@dataclass
class Hit:
    """One search result: an item's fields as stored, and its score."""

    kind: str
    pk: int
    slug: str
    title: str
    aliases: str
    summary: str
    body: str
    score: float

    @property
    def source(self):
        return SOURCES_BY_KIND[self.kind]

    @property
    def label(self):
        return self.source.label

    def present(self, query):
        """Work out what the results page shows: link, marked title, aliases and snippet."""
        text = " ".join(filter(None, (markdown_text(self.summary), markdown_text(self.body))))
        aliases = [line.strip() for line in self.aliases.splitlines() if line.strip()]
        marker = Marker(query, [self.title, *aliases, text])
        self.url = self.source.url(self.pk, self.slug, self.title)
        self.title_html = marker.highlight(self.title)
        self.aliases_html = [
            marker.highlight(alias) for alias in aliases if marker.has_match(alias)
        ]
        self.snippet_html = marker.snippet(text)
        return self


def content_search(query):
    """Published items matching `query`, best first, as a sequence a Paginator can page."""
    if connection.vendor == "postgresql":
        return PostgresResults(query)
    return MemoryResults(query)


def _columns(source, order):
    """The same named columns from every content type, so their rows can be UNIONed."""
    blank = Value("", output_field=TextField())
    return {
        "r_kind": Value(source.kind),
        "r_order": Value(order),
        "r_pk": F("pk"),
        "r_slug": F("slug"),
        "r_title": F(source.title),
        "r_aliases": F(source.aliases) if source.aliases else blank,
        "r_summary": F(source.summary) if source.summary else blank,
        "r_body": F(source.body) if source.body else blank,
    }


def _hit(row, score=0.0):
    return Hit(
        kind=row["r_kind"],
        pk=row["r_pk"],
        slug=row["r_slug"],
        title=row["r_title"],
        aliases=row["r_aliases"],
        summary=row["r_summary"],
        body=row["r_body"],
        score=float(score),
    )


class Results:
    """Count and slice like a QuerySet; a slice is a list of presented Hits."""

    def __init__(self, query):
        self.query = query
        self._count = None

    def count(self):
        if not self.query:
            return 0
        if self._count is None:
            self._count = self._get_count()
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        if self.count() == 0:
            return []
        return [hit.present(self.query) for hit in self._get_hits(index)]


class PostgresResults(Results):
    """Full-text search with weighted vectors and ts_rank, plus pg_trgm for names.

    Two queries whatever the number of results: one counts the matches, one fetches a page.
    Building and compiling them costs Django several milliseconds of Python, far more than
    PostgreSQL needs to answer them at the seed content's size, so each is compiled once per
    number of words (the SQL depends on nothing else) and kept in `compiled`.
    """

    compiled = {}

    def __init__(self, query, using=DEFAULT_DB_ALIAS):
        super().__init__(query)
        self.using = using

    def tsquery(self):
        return reduce(operator.or_, (SearchQuery(t, config=CONFIG) for t in self.query.terms))

    def matches(self, source):
        """What makes an item match, as conditions that no two items meet together.

        An item matches when its text has a query word, or its name or an alternate name is
        similar to the query. Each test becomes a condition that leaves out what the earlier tests
        found, so each is answered from its own GIN index (the stored vector's, a trigram one per
        name field) and nothing needs de-duplicating. Joined with OR in one WHERE, the tests often
        make PostgreSQL scan the whole table and compute the trigram similarity of every row's
        names: several times slower at 10,000 conditions. Refers to the alias `document`, the
        item's stored vector.
        """
        tests = [Q(document=self.tsquery())] + [
            Q(**{f"{field}__trigram_strict_word_similar": self.query.trigram_text})
            for field in source.name_fields
        ]
        return [Q(test, *(~earlier for earlier in tests[:n])) for n, test in enumerate(tests)]

    def found(self, source):
        """Published items that match, one queryset per condition of `matches()`."""
        published = source.model.objects.published().alias(document=source.vector())
        return [published.filter(condition) for condition in self.matches(source)]

    def matching(self):
        """The primary key of every match, from the four tables, in one UNION ALL."""
        parts = [part.order_by().values("pk") for source in SOURCES for part in self.found(source)]
        return parts[0].union(*parts[1:], all=True)

    def queryset(self):
        """Every match from the four tables in one UNION ALL, best first."""
        parts = []
        for order, source in enumerate(SOURCES):
            similarities = [
                TrigramStrictWordSimilarity(self.query.trigram_text, field)
                for field in source.name_fields
            ]
            name_similarity = Greatest(*similarities) if len(similarities) > 1 else similarities[0]
            rank = SearchRank(
                source.vector(), self.tsquery(), weights=[WEIGHTS[w] for w in ("D", "C", "B", "A")]
            )
            score = ExpressionWrapper(
                Value(NAME_WEIGHT) * name_similarity + rank, output_field=FloatField()
            )
            parts.extend(
                part.annotate(
                    **_columns(source, order),
                    r_sort=Collate(Lower(source.title), "C"),
                    r_score=Round(score, SCORE_PLACES),
                )
                .order_by()
                .values(*_COLUMNS, "r_sort", "r_score")
                for part in self.found(source)
            )
        return (
            parts[0].union(*parts[1:], all=True).order_by("-r_score", "r_order", "r_sort", "r_pk")
        )

    def sql(self, form):
        """The compiled SQL of the "count" or "page" query, and its parameters for this query."""
        key = (form, len(self.query.terms), self.using)
        found = self.compiled.get(key)
        if found is None:
            found = CompiledSearch.compile(form, len(self.query.terms), self.using)
            if len(self.query.terms) <= MAX_COMPILED_TERMS:
                self.compiled[key] = found
        return found.sql, found.params_for(self.query)

    def _get_count(self):
        # Counting needs neither scores nor order, which cost most (the names' trigram similarity).
        sql, params = self.sql("count")
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def _get_hits(self, index):
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        if stop <= start:
            return []
        sql, params = self.sql("page")
        # LIMIT, OFFSET: the compiled page SQL ends with them.
        params += [stop - start, start]
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            names = [column.name for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return [_hit(row, row["r_score"]) for row in rows]


@dataclass(frozen=True)
class _Words:
    """What PostgresResults reads of a Query: its words and the text compared with names."""

    terms: list
    trigram_text: str


@dataclass(frozen=True)
class CompiledSearch:
    """One search query's SQL, compiled for any query with the same number of words.

    `slots[i]` lists where the i-th word goes in the parameters, and the last entry where the
    trigram text goes.
    """

    sql: str
    params: list
    slots: list

    @classmethod
    def compile(cls, form, terms, using):
        words = _Words([_TERM_PLACEHOLDER.format(n) for n in range(terms)], _TRIGRAM_PLACEHOLDER)
        results = PostgresResults(words, using)
        queryset = results.matching() if form == "count" else results.queryset()
        sql, params, slots = compile_sql(
            queryset.using(using), [*words.terms, words.trigram_text], form, using
        )
        return cls(sql, params, slots)

    def params_for(self, query):
        """The parameters with `query`'s words and trigram text in their places."""
        return fill(self.params, self.slots, [*query.terms, query.trigram_text])


class MemoryResults(Results):
    """The same search over an in-memory index of published content (SQLite and the like)."""

    @cached_property
    def ranking(self):
        return memory_index().search(self.query)

    def _get_count(self):
        return len(self.ranking)

    def _get_hits(self, index):
        return self.ranking[index]


class MemoryIndex:
    """Published items with, per word, what it adds to ts_rank, and their names' trigrams.

    Items are numbered in the order that lists equal scores, so an item's number breaks ties.
    """

    def __init__(self, rows):
        self.rows = sorted(
            rows, key=lambda row: (row["r_order"], row["r_title"].lower(), row["r_pk"])
        )
        self.names = []
        # Compact arrays: a 10,000-condition catalogue has about a million (word, item) pairs.
        postings = defaultdict(lambda: (array("I"), array("d")))
        trigram_items = defaultdict(lambda: array("I"))
        for item, row in enumerate(self.rows):
            for word, contribution in self._contributions(row).items():
                items, contributions = postings[word]
                items.append(item)
                contributions.append(contribution)
            names = tuple(trigrams(row[column], share=True) for column in ("r_title", "r_aliases"))
            self.names.append(names)
            for piece in {piece for name in names for piece, _, _ in name}:
                trigram_items[piece].append(item)
        self.postings = dict(postings)
        self.trigram_items = dict(trigram_items)

    @staticmethod
    def _contributions(row):
        """What each word adds to ts_rank before dividing by the number of query words.

        The tsvector concatenates the A, B and C fields in that order, so a word's occurrences
        run A first, then B, then C; ts_rank adds weight / n² for the n-th occurrence.
        """
        source = SOURCES_BY_KIND[row["r_kind"]]
        columns = {"A": ("r_title", "r_aliases"), "B": ("r_summary",), "C": ("r_body",)}
        occurrences = defaultdict(list)
        for weight, fields in source.weighted_fields():
            text = " ".join(row[column] for column in columns[weight][: len(fields)])
            for word in tokenize(text):
                found = lexeme(word)
                if found and len(occurrences[found]) < _MAX_POSITIONS:
                    occurrences[found].append(WEIGHTS[weight])
        return {
            word: sum(w / (n * n) for n, w in enumerate(weights, 1)) / _RANK_DIVISOR
            for word, weights in occurrences.items()
        }

    def search(self, query):
        """Every match for `query`, ranked as PostgresResults ranks them."""
        return Ranking(self, query)


class Ranking:
    """The matches for one query: counted at once, scored and ordered only as far as is read.

    An item's name similarity (pure Python, tens of microseconds) is the costly part of its
    score, and a common word matches thousands of items. So each match waits in a heap under a
    cheap upper bound of its score, and only an item that reaches the top of the heap gets its
    exact score: the first N results cost about N exact scores, however many items match.
    """

    def __init__(self, index, query):
        self.index = index
        self.wanted = trigram_set(query.trigram_text)
        self.ranks = self._ranks(index, query)
        self.terms = len(query.lexemes)
        self.shared = Counter()
        for piece in self.wanted:
            self.shared.update(index.trigram_items.get(piece, ()))
        need = len(self.wanted)
        # Entries are (-score, item, exact), so the heap gives the best first, equal scores in
        # the items' order. A name can be no more similar than the share of the query's trigrams
        # it has, which bounds the score of an item not yet scored exactly.
        self.heap = [
            (-self._score(self.shared[item] / need, rank), item, False)
            for item, rank in self.ranks.items()
        ]
        # An item whose text has none of the query's words matches if a name is similar enough.
        for item, shared in self.shared.items():
            if shared >= NAME_THRESHOLD * need and item not in self.ranks:
                similarity = self._similarity(item)
                if similarity >= NAME_THRESHOLD:
                    self.heap.append((-self._score(similarity, 0.0), item, True))
        heapq.heapify(self.heap)
        self.count = len(self.heap)
        self.ranked = []

    @staticmethod
    def _ranks(index, query):
        """Item -> summed ts_rank contributions of the query's words, added in query order."""
        ranks = {}
        for word in query.lexemes:
            items, contributions = index.postings.get(word, ((), ()))
            if not ranks:
                ranks = dict(zip(items, contributions, strict=True))
                continue
            for item, contribution in zip(items, contributions, strict=True):
                ranks[item] = ranks.get(item, 0.0) + contribution
        return ranks

    def _score(self, similarity, rank):
        """PostgreSQL's score, from a name similarity and summed rank contributions."""
        return round(NAME_WEIGHT * similarity + rank / self.terms, SCORE_PLACES)

    def _similarity(self, item):
        if not self.shared[item]:
            return 0.0
        return max(
            strict_word_similarity("", "", self.wanted, name) for name in self.index.names[item]
        )

    def _rank_to(self, stop):
        """Move items from the heap to `ranked` until it holds the first `stop` results."""
        heap, ranked = self.heap, self.ranked
        while heap and len(ranked) < stop:
            bound, item, exact = heap[0]
            if exact:
                # Nothing left in the heap can score higher, or as high and list earlier.
                heapq.heappop(heap)
                ranked.append(_hit(self.index.rows[item], -bound))
                continue
            score = self._score(self._similarity(item), self.ranks[item])
            heapq.heapreplace(heap, (-score, item, True))

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        self._rank_to(self.count if index.stop is None else index.stop)
        return self.ranked[index]

    def __iter__(self):
        return iter(self[:])


# (content version, index) of this process; replaced whole, so threads never see a mix.
_memory = (None, None)


def content_version():
    """A value that changes whenever searchable content does: the content generation.

    The generation (kneeinfo/cache.py) moves on every save, delete or bulk write, in every
    process, whether it is kept in Redis or, with a private cache, in the database.
    """
    try:
        return current_generation()
    except Exception:
        logger.exception("Content generation unavailable: rebuilding the search index")
        return object()  # equal to no earlier version, so the index is rebuilt


def memory_index():
    """The in-memory index, rebuilt when content has changed. One query, two when rebuilt."""
    global _memory
    version = content_version()
    cached_version, index = _memory
    if cached_version != version:
        parts = [
            source.model.objects.published()
            .annotate(**_columns(source, order))
            .order_by()
            .values(*_COLUMNS)
            for order, source in enumerate(SOURCES)
        ]
        index = MemoryIndex(list(parts[0].union(*parts[1:], all=True)))
        _memory = (version, index)
    return index


def forget_memory_index():
    """Drop the cached index (tests use this to start cold)."""
    global _memory
    _memory = (None, None)
