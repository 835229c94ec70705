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

On PostgreSQL that is one query over four GIN-indexed tables (search/migrations), giving a page
and the number of matches; it scores exactly only the matches that could be on the page
(SEARCH_SQL). Elsewhere the same sums run over an in-memory index built with search/analysis.py,
which reproduces PostgreSQL's stemming, stop words and trigram similarity.
"""

import heapq
import logging
import math
import sys
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F, TextField, Value

from conditions.models import Status
from kneeinfo.cache import current_generation
from search.analysis import (
    lexeme,
    strict_word_similarity,
    tokenize,
    trigram_set,
    words_trigrams,
)
from search.query import MAX_TERMS
from search.snippets import Marker, markdown_text
from search.sources import CONFIG, SOURCES, SOURCES_BY_KIND, VECTOR_COLUMN, WEIGHTS

logger = logging.getLogger(__name__)

NAME_WEIGHT = 2.0
# pg_trgm.strict_word_similarity_threshold's default, which the %>> operator applies.
NAME_THRESHOLD = 0.5
SCORE_PLACES = 4
# ts_rank divides each word's weighted, decaying sum of occurrences by pi²/6.
_RANK_DIVISOR = 1.64493406685
# PostgreSQL keeps at most this many positions of one word in a document.
_MAX_POSITIONS = 256
# Results on a page: the slice a search most likely reads first.
RESULTS_PER_PAGE = 20
# Counting an item's trigrams from its names costs about as much as looking up this many
# postings in a set (measured at 10,000 conditions).
_LOOKUPS_PER_NAME = 80
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


def content_search(query, window=None):
    """Published items matching `query`, best first, as a sequence a Paginator can page.

    `window`, a slice, is the part most likely read: PostgreSQL fetches it with the count.
    """
    if connection.vendor == "postgresql":
        return PostgresResults(query, window=window)
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

    One query gives a page and the number of matches (SEARCH_SQL explains how it ranks). Its SQL
    depends only on the number of words, so psycopg prepares it on the server once per
    connection and PostgreSQL reuses the plan: planning it took as long as running it.

    `window` is the slice the caller will most likely read: the first count() fetches it too.
    """

    def __init__(self, query, using=DEFAULT_DB_ALIAS, window=None):
        super().__init__(query)
        self.using = using
        self.window = window or slice(0, RESULTS_PER_PAGE)
        self.fetched = None

    def _get_count(self):
        self._fetch(self.window.start, self.window.stop)
        return self._count

    def _get_hits(self, index):
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        if stop <= start:
            return []
        fetched_start, fetched_stop, hits = self.fetched
        if not fetched_start <= start <= stop <= fetched_stop:
            self._fetch(start, stop)
            fetched_start, fetched_stop, hits = self.fetched
        return hits[start - fetched_start : stop - fetched_start]

    def _fetch(self, start, stop):
        """Run the query for results [start:stop]; keep them and the number of matches."""
        sql = search_sql(len(self.query.terms))
        atomic = transaction.atomic(using=self.using, savepoint=False)
        with atomic, connections[self.using].cursor() as cursor:
            cursor.execute(USE_THE_INDEXES)
            cursor.execute(sql, search_params(self.query, start, stop))
            rows = cursor.fetchall()
        self._count = rows[0][0]
        hits = [
            Hit(SOURCES[order].kind, pk, slug, title, aliases, summary, body, float(score))
            for _, order, pk, slug, title, aliases, summary, body, score in rows
            if order is not None
        ]
        self.fetched = (start, stop, hits)


# An item's score, from its name similarity and text rank, in SQL: a float8 weight times
# pg_trgm's real, plus ts_rank's real, rounded as numeric. Its upper bound takes a similarity of
# 1 (the weight times 1 is the weight, exactly), in the same arithmetic, so that no rounding
# puts a score above its bound.
_SCORE = (
    "ROUND((({weight}::float8 * GREATEST(STRICT_WORD_SIMILARITY(w.name, r_title),"
    " STRICT_WORD_SIMILARITY(w.name, r_aliases))) + r_rank)::numeric(1000, 15), {places})"
)
_BOUND = "ROUND(({weight}::float8 + {{rank}})::numeric(1000, 15), {places})"
_ORDER = "r_order, r_sort, r_pk"

# Ranking every match exactly costs two trigram similarities a match, and a common word matches
# thousands of items at scale. So the page is first looked for among the matches that lead by
# the upper bound of their score (`pool` of them): if the page's last result, ranked exactly
# among them, beats the bound of every match left out (`settled`), they hold the page; otherwise
# every match is scored. Leading matches of equal rank come in the results' order, so when
# many items score their bound (a word that is in many names) the first few settle the page.
# The bound grows with the text rank alone, so the pool is the matches that lead by text rank
# (a float, compared as it is) and only the pool's bounds are worked out as numeric (at 10,000
# conditions, rounding a thousand matches' bounds was a quarter of "swelling"'s 2 ms). A match
# left out with the last one's rank comes after it in the results' order; one with a lower rank
# may still round to the same bound, so when the page's last result scores just that bound, the
# few such matches (ranks within a unit of rounding) must all come after it, or every match is
# scored (matches whose ranks differ by less than the rounding are rare but for long texts).
# The words and numbers come in through `w`, so the planner sees the same query whatever they
# are and PostgreSQL keeps one generic plan for it (searching the %>> operator's statistics
# for the words took as long as the search). The count comes with the page: one query.
SEARCH_SQL = """WITH w AS MATERIALIZED (SELECT {tsquery} AS query, %s::text AS name,
 %s::int AS pool, %s::int AS nth, %s::int AS size, %s::int AS start),
found AS MATERIALIZED ({found}),
first AS MATERIALIZED (SELECT f.*, {bound_rank} AS r_bound, {score} AS r_score FROM (SELECT *
 FROM found ORDER BY r_rank DESC, {order} LIMIT (SELECT pool FROM w)) f, w),
last AS (SELECT * FROM first ORDER BY r_rank, r_order DESC, r_sort DESC, r_pk DESC LIMIT 1),
nth AS (SELECT * FROM first ORDER BY r_score DESC, {order} OFFSET (SELECT nth FROM w) LIMIT 1),
settled AS (SELECT (SELECT COUNT(*) FROM found) <= (SELECT pool FROM w) OR EXISTS (SELECT
 FROM nth, last WHERE nth.r_score > last.r_bound OR nth.r_score = last.r_bound
 AND (nth.r_order, nth.r_sort, nth.r_pk) <= (last.r_order, last.r_sort, last.r_pk)
 AND NOT EXISTS (SELECT FROM found m WHERE m.r_rank < last.r_rank AND m.r_rank > nth.r_score
 - {near} AND {bound_m} = nth.r_score AND (m.r_order, m.r_sort, m.r_pk) < (nth.r_order,
 nth.r_sort, nth.r_pk))) AS yes),
page AS (SELECT * FROM first WHERE (SELECT yes FROM settled)
 UNION ALL SELECT found.*, NULL, {score} FROM found, w WHERE NOT (SELECT yes FROM settled)
 ORDER BY r_score DESC, {order} LIMIT (SELECT size FROM w) OFFSET (SELECT start FROM w))
SELECT total.n, page.r_order, page.r_pk, {slug}, page.r_title, page.r_aliases, {summary},
 {body}, page.r_score FROM (SELECT COUNT(*) AS n FROM found) total LEFT JOIN page ON TRUE
 {joins} ORDER BY page.r_score DESC, {page_order}"""

# The planner takes pg_trgm's similarity for as cheap as a comparison, so on a table of few pages
# (a thousand items whose long texts are stored apart, say) it would rather read every row and
# compute it for each than ask the GIN indexes: for the 5,000 symptoms at 10,000 conditions,
# 13 ms instead of 1. Set for the search's transaction only (the request's, if it has one).
USE_THE_INDEXES = "SET LOCAL enable_seqscan = off"

# Matches beyond the page's results that are ranked exactly too, to settle it (see SEARCH_SQL).
POOL_SLACK = RESULTS_PER_PAGE


def _column(source, field):
    """A field's column, quoted for SQL."""
    return connection.ops.quote_name(source.model._meta.get_field(field).column)


def _found_sql(order, source):
    """One table's published matches, with what ranks them.

    An item matches when its text has a query word, or its name or an alternate name is
    similar to the query. Joined with OR, the tests use the table's GIN indexes together
    (BitmapOr), and the cheap word test, first, spares most items the trigram similarity. The
    status is compared through COALESCE so that its index is no way round them either (see
    USE_THE_INDEXES): walking it would test nearly every row.
    """
    quote = connection.ops.quote_name
    title = f"t.{_column(source, source.title)}"
    aliases = f"t.{_column(source, source.aliases)}" if source.aliases else "''"
    vector = f"t.{quote(VECTOR_COLUMN)}"
    words, name = "(SELECT query FROM w)", "(SELECT name FROM w)"
    similar = " OR ".join(f"t.{_column(source, field)} %%>> {name}" for field in source.name_fields)
    weights = ",".join(str(WEIGHTS[weight]) for weight in ("D", "C", "B", "A"))
    columns = {
        "r_order": str(order),
        "r_pk": f"t.{_column(source, 'id')}",
        "r_title": title,
        "r_aliases": aliases,
        "r_sort": f'LOWER({title}) COLLATE "C"',
        "r_rank": f"ts_rank('{{{weights}}}'::float4[], {vector}, {words})",
    }
    # A UNION takes its column names from its first branch: naming them there only keeps the
    # statement short enough for psycopg to convert it once (see test_compiled.py).
    named = [f"{sql} AS {name}" if order == 0 else sql for name, sql in columns.items()]
    return (
        f"SELECT {', '.join(named)}"
        f" FROM {quote(source.model._meta.db_table)} t"
        f" WHERE COALESCE(t.{_column(source, 'status')}, '') = '{Status.PUBLISHED}'"
        f" AND ({vector} @@ {words} OR {similar})"
    )


@lru_cache(maxsize=MAX_TERMS)
def search_sql(terms):
    """The SQL for a query of `terms` words: SEARCH_SQL for the four tables."""
    quote = connection.ops.quote_name
    joins, slugs, summaries, bodies = [], [], [], []
    for order, source in enumerate(SOURCES):
        alias = f"s{order}"
        joins.append(
            f"LEFT JOIN {quote(source.model._meta.db_table)} {alias}"
            f" ON page.r_order = {order} AND {alias}.{_column(source, 'id')} = page.r_pk"
        )
        slugs.append(f"{alias}.{_column(source, 'slug')}")
        summaries += [f"{alias}.{_column(source, source.summary)}"] if source.summary else []
        bodies += [f"{alias}.{_column(source, source.body)}"] if source.body else []
    bound = _BOUND.format(weight=NAME_WEIGHT, places=SCORE_PLACES)
    return SEARCH_SQL.format(
        tsquery=" || ".join([f"plainto_tsquery('{CONFIG}', %s)"] * terms),
        found=" UNION ALL ".join(_found_sql(order, source) for order, source in enumerate(SOURCES)),
        score=_SCORE.format(weight=NAME_WEIGHT, places=SCORE_PLACES),
        bound_rank=bound.format(rank="r_rank"),
        bound_m=bound.format(rank="m.r_rank"),
        # A rank below this cannot round to the score's bound (it is a unit of rounding short).
        near=NAME_WEIGHT + 10 * 10**-SCORE_PLACES,
        order=_ORDER,
        page_order=", ".join(f"page.{column}" for column in _ORDER.split(", ")),
        slug=f"COALESCE({', '.join(slugs)})",
        summary=f"COALESCE({', '.join(summaries)}, '')",
        body=f"COALESCE({', '.join(bodies)}, '')",
        joins=" ".join(joins),
    )


def search_params(query, start, stop):
    """The parameters of search_sql() for results [start:stop] of `query`."""
    return [*query.terms, query.trigram_text, stop + POOL_SLACK, stop - 1, stop - start, start]


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
        self.name_words = []
        # Compact arrays: a 10,000-condition catalogue has about a million (word, item) pairs.
        postings = defaultdict(lambda: (array("I"), array("d")))
        trigram_items = defaultdict(list)
        for item, row in enumerate(self.rows):
            for word, contribution in self._contributions(row).items():
                items, contributions = postings[word]
                items.append(item)
                contributions.append(contribution)
            words = tuple(
                tuple(map(sys.intern, tokenize(row[column]))) for column in ("r_title", "r_aliases")
            )
            names = tuple(words_trigrams(field_words, share=True) for field_words in words)
            self.names.append(names)
            self.name_words.append(words)
            for piece in {piece for name in names for piece, _, _ in name}:
                trigram_items[piece].append(item)
        self.postings = dict(postings)
        # Tuples of one shared int per item: a search counts and looks up their items in C
        # without making an int of each (an array's), which took as long again.
        self.trigram_items = {piece: tuple(items) for piece, items in trigram_items.items()}

    @staticmethod
    def _contributions(row):
        """What each word adds to ts_rank before dividing by the number of query words.

        The tsvector concatenates the A, B and C fields in that order, so a word's occurrences
        run A first, then B, then C (see _rank_contribution()).
        """
        source = SOURCES_BY_KIND[row["r_kind"]]
        columns = {"A": ("r_title", "r_aliases"), "B": ("r_summary",), "C": ("r_body",)}
        runs = defaultdict(list)
        for weight, fields in source.weighted_fields():
            text = " ".join(row[column] for column in columns[weight][: len(fields)])
            for word, count in Counter(map(lexeme, tokenize(text))).items():
                if word:
                    runs[word].append((WEIGHTS[weight], count))
        return {word: _rank_contribution(tuple(word_runs)) for word, word_runs in runs.items()}

    def search(self, query):
        """Every match for `query`, ranked as PostgresResults ranks them."""
        return Ranking(self, query)


# Most words of a catalogue occur in a few ways (once in a body, twice in a summary...): each way
# is summed once.
@lru_cache(maxsize=4096)
def _rank_contribution(runs):
    """What a word with `runs` of occurrences, (weight, count) in the order PostgreSQL keeps them,
    adds to ts_rank: weight / n² for its n-th occurrence, over its first _MAX_POSITIONS."""
    weights = [weight for weight, count in runs for _ in range(count)][:_MAX_POSITIONS]
    return sum(w / (n * n) for n, w in enumerate(weights, 1)) / _RANK_DIVISOR


class Ranking:
    """The matches for one query: counted at once, scored and ordered only as far as is read.

    An item's name similarity (pure Python, tens of microseconds) is the costly part of its
    score, and a common word matches thousands of items. So each match waits in a heap under an
    upper bound of its score, and is worked on only when it reaches the top, in stages of
    growing cost: a loose bound from the query's rarest trigrams, narrowed by counting all the
    trigrams its names share, then by what each of its names' words shares, then the exact
    score. The first N results cost about N exact scores, however many items match.
    """

    # Heap entries are (-score or -bound, item, stage): the best come first, equal scores in the
    # items' order, and an item's stage says how far its score has been worked out.
    LOOSE, SHARED, WORDS, EXACT = 0, 1, 2, 3

    def __init__(self, index, query):
        self.index = index
        self.wanted = trigram_set(query.trigram_text)
        self.ranks = self._ranks(index, query)
        self.terms = len(query.lexemes)
        self.word_shares = {}
        need = len(self.wanted)
        # A name is similar enough only if it has at least `least` of the query's trigrams, so
        # it has one of any (need - least + 1) of them: the items of the rarest such are the
        # only candidates, and a common trigram's thousands of items need not be counted.
        least = math.ceil(NAME_THRESHOLD * need)
        postings = sorted((index.trigram_items.get(piece, ()) for piece in self.wanted), key=len)
        self.common_postings = postings[need - least + 1 :]
        self.rare_shares = Counter()
        for items in postings[: need - least + 1]:
            self.rare_shares.update(items)
        # Shares of the query's trigrams are counted item by item from the names (`shares`),
        # or for every item at once from all the postings (`counted`, in C): at once if the
        # candidates without a text match, which all need counting, would cost more one by
        # one, or once counting one by one has cost a quarter as much (_rank_to()).
        self.shares, self.counted = {}, None
        self.spent, self.bulk_cost = 0, sum(map(len, self.common_postings))
        unmatched = self.rare_shares.keys() - self.ranks.keys()
        if len(unmatched) * _LOOKUPS_PER_NAME > self.bulk_cost:
            self._count_all()
        self.heap = self._bounded(self.ranks)
        # An item whose text has none of the query's words matches if a name is similar enough;
        # its words rule most candidates out before the costly similarity.
        shares = (
            self.counted
            if self.counted is not None
            else {item: self._shared(item) for item in unmatched}
        )
        for item in [item for item in unmatched if shares[item] >= least]:
            if (
                self._similarity_bound(item) >= NAME_THRESHOLD
                and (similarity := self._similarity(item)) >= NAME_THRESHOLD
            ):
                self.heap.append((-self._score(similarity, 0.0), item, self.EXACT))
        heapq.heapify(self.heap)
        self.count = len(self.heap)
        self.ranked = []

    def _bounded(self, items):
        """Heap entries of text matches under the bounds of their scores (_score() written out:
        this runs for every match).

        A name similarity is at most the name's share of the query's trigrams. Until every
        share is counted, that share is at most what it has of the rarest ones, plus all of the
        others.
        """
        if not items:
            return []  # nor any trigram to divide by, if the query has no words
        need, terms, ranks = len(self.wanted), self.terms, self.ranks
        if self.counted is not None:
            counted = self.counted
            return [
                (
                    -round(
                        NAME_WEIGHT * (counted[item] / need) + ranks[item] / terms, SCORE_PLACES
                    ),
                    item,
                    self.SHARED,
                )
                for item in items
            ]
        common = len(self.common_postings)
        most = [NAME_WEIGHT * (min(need, rare + common) / need) for rare in range(need + 1)]
        rare_shares = self.rare_shares
        return [
            (
                -round(most[rare_shares.get(item, 0)] + ranks[item] / terms, SCORE_PLACES),
                item,
                self.LOOSE,
            )
            for item in items
        ]

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

    def _similarity_bound(self, item):
        """An upper bound of the item's name similarity, from what each word of a name shares.

        strict_word_similarity() is shared / (need + not shared) for some run of whole words. A
        run shares no more than its words together, nor more than the query has, and it has all
        that each of its words does not share. So a run whose sharing words each leave at most
        u unshared is no more similar than all such words of the name together would be, over
        need + u.
        """
        need, word_shares = len(self.wanted), self.word_shares
        bound = 0.0
        for words in self.index.name_words[item]:
            sharing = []
            for word in words:
                share = word_shares.get(word)
                if share is None:
                    share = self._word_share(word)
                if share:
                    sharing.append(share)
            sharing.sort()
            total = 0
            for unshared, common in sharing:
                total += common
                bound = max(bound, min(total, need) / (need + unshared))
        return bound

    def _word_share(self, word):
        """(trigrams not shared, shared) of a word that shares any of the query's; else ()."""
        pieces = {piece for piece, _, _ in words_trigrams([word], share=True)}
        common = len(pieces & self.wanted)
        share = self.word_shares[word] = (len(pieces) - common, common) if common else ()
        return share

    def _shared(self, item):
        """How many of the query's trigrams the item's names have."""
        if self.counted is not None:
            return self.counted[item]
        shared = self.shares.get(item)
        if shared is None:
            self.spent += _LOOKUPS_PER_NAME
            pieces = {piece for name in self.index.names[item] for piece, _, _ in name}
            shared = self.shares[item] = len(pieces & self.wanted)
        return shared

    def _count_all(self):
        self.counted = self.rare_shares.copy()
        for items in self.common_postings:
            self.counted.update(items)

    def _tighten(self):
        """Count every share at once, and narrow every loose bound in the heap."""
        self._count_all()
        loose = [item for _, item, stage in self.heap if stage == self.LOOSE]
        self.heap[:] = [entry for entry in self.heap if entry[2] != self.LOOSE]
        self.heap += self._bounded(loose)
        heapq.heapify(self.heap)

    def _similarity(self, item):
        if not self._shared(item):
            return 0.0
        return max(
            strict_word_similarity("", "", self.wanted, name) for name in self.index.names[item]
        )

    def _rank_to(self, stop):
        """Move items from the heap to `ranked` until it holds the first `stop` results."""
        heap, ranked = self.heap, self.ranked
        while heap and len(ranked) < stop:
            key, item, stage = heap[0]
            if stage == self.EXACT:
                # Nothing left in the heap can score higher, or as high and list earlier.
                heapq.heappop(heap)
                ranked.append(_hit(self.index.rows[item], -key))
            elif stage == self.LOOSE:
                if item not in self.shares and self.spent * 4 > self.bulk_cost:
                    self._tighten()
                    continue
                bound = self._score(self._shared(item) / len(self.wanted), self.ranks[item])
                heapq.heapreplace(heap, (-bound, item, self.SHARED))
            elif stage == self.SHARED:
                most = min(self._shared(item) / len(self.wanted), self._similarity_bound(item))
                heapq.heapreplace(heap, (-self._score(most, self.ranks[item]), item, self.WORDS))
            else:
                score = self._score(self._similarity(item), self.ranks[item])
                heapq.heapreplace(heap, (-score, item, self.EXACT))

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


def warm_memory_index():
    """Build the in-memory index now if this database searches with it; say if it could not.

    gunicorn calls this in its master process, so that the workers it forks start with the index
    built and shared instead of each building it on its first search (1.5 s at 10,000
    conditions). Content changes still rebuild it in each worker.
    """
    if connection.vendor == "postgresql":
        return
    try:
        memory_index()
    except Exception:
        logger.exception("Search index not built in advance: each worker builds its own")


def forget_memory_index():
    """Drop the cached index (tests use this to start cold)."""
    global _memory
    _memory = (None, None)
