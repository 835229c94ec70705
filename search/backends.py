"""Find published content for a query: PostgreSQL full-text search, or an in-memory equivalent.

Both databases score an item with score() (below), so both give the same results in the same
order. An item is found when its text contains one of the query's words, or its name or an
alternate name is similar enough (the %>> operator's threshold, 0.5). Equal scores list
conditions first, then symptoms, treatments and questions, each A–Z.

On PostgreSQL that is one query over four GIN-indexed tables (search/migrations), giving a page
and the number of matches (SEARCH_SQL). Elsewhere the same sums run over an in-memory index built
with search/analysis.py, which reproduces PostgreSQL's stemming, stop words and trigram
similarity.
"""

import heapq
import logging
import math
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F, TextField, Value

from conditions.models import Status
from conditions.text import markdown_text
from kneeinfo.cache import current_generation
from search.analysis import ENGLISH, strict_word_similarity, tokenize, trigram_set, trigrams
from search.query import MAX_TERMS
from search.snippets import Marker
from search.sources import CONFIG, SOURCES, SOURCES_BY_KIND, VECTOR_COLUMN, WEIGHTS
from translations.services import live_wording

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
_COLUMNS = ("r_kind", "r_order", "r_pk", "r_slug", "r_title", "r_aliases", "r_summary", "r_body")


def score(similarity, rank):
    """An item's score: NAME_WEIGHT × name similarity + text rank, rounded to SCORE_PLACES.

    - *name similarity* is pg_trgm's strict_word_similarity between the query and the item's
      name or one of its alternate names (0 to 1). It forgives typos: "menicus tear" is 0.69 like
      "Meniscus Tear", and a name or alternate-name match outranks any mention in the text.
    - *text rank* is ts_rank over a weighted tsvector (name and alternate names A, summary B,
      body C) for the query's words joined with OR, so an item that has more of them, and in
      weightier places, ranks higher.

    Given numbers, the score; given SQL expressions (strings), the SQL that computes it as
    PostgreSQL does: a float8 weight times pg_trgm's real, plus ts_rank's real, rounded as
    numeric.
    """
    if isinstance(rank, str):
        return (
            f"ROUND(({NAME_WEIGHT}::float8 * {similarity} + {rank})::numeric(1000, 15),"
            f" {SCORE_PLACES})"
        )
    return round(NAME_WEIGHT * similarity + rank, SCORE_PLACES)


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

    `window`, a slice, is the part most likely read: PostgreSQL fetches it with the count. A
    query in another language than English is answered from memory on every database (its
    items' live translations, or their English where they have none).
    """
    if connection.vendor == "postgresql" and query.analyzer is ENGLISH:
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

    One query gives a page and the number of matches (SEARCH_SQL). Its SQL depends only on the
    number of words, so psycopg prepares it on the server once per connection and PostgreSQL
    plans it once, not on every search.

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
            Hit(SOURCES[kind].kind, pk, slug, title, aliases, summary, body, float(points))
            for _, kind, pk, slug, title, aliases, summary, body, points in rows
            if kind is not None
        ]
        self.fetched = (start, stop, hits)


# The SQL for a query of N words: one UNION ALL branch per content type (MATCHES), then the
# page and the count.
#
# A name similarity costs two trigram comparisons a match, and a common word matches thousands
# of items, so only the matches that can reach the page are scored. The `pool` matches of highest
# text rank are scored, and the `stop`-th of them in the results' order is the `cutoff`: at least
# `stop` results are it or come before it, so the page ends no later. A match scores at most its
# `bound`, its score with a name similarity of 1, so only the `candidates`, whose bound does not
# put them after the cutoff, can be on the page, and only they are scored. The pool takes equal
# ranks in the results' order, so that when a word is in many names (many matches scoring their
# bound) the first few of them make the cutoff and leave the others out.
#
# The words, the name and the numbers come in through the `q` row, so the planner sees the same
# statement whatever they are and keeps one generic plan for it per connection (estimating the
# %>> operator's selectivity for each query's words costs about as much as the search).
SEARCH_SQL = """
WITH q AS MATERIALIZED (
  SELECT {words} AS words, %(name)s::text AS name,
    %(start)s::int AS start, %(stop)s::int AS stop, %(pool)s::int AS pool
),
found AS MATERIALIZED ({matches}),
cutoff AS (
  SELECT {score} AS c_score, kind AS c_kind, sort AS c_sort, pk AS c_pk FROM (
    SELECT * FROM found ORDER BY rank DESC, kind, sort, pk LIMIT (SELECT pool FROM q)
  ) by_rank
  ORDER BY c_score DESC, kind, sort, pk OFFSET (SELECT stop - 1 FROM q) LIMIT 1
),
candidates AS (
  SELECT kind, pk, title, aliases, sort, rank
  FROM (SELECT *, {bound} AS bound FROM found) f LEFT JOIN cutoff ON TRUE
  WHERE c_score IS NULL OR bound > c_score
    OR bound = c_score AND (kind, sort, pk) <= (c_kind, c_sort, c_pk)
),
page AS (
  SELECT kind, pk, title, aliases, sort, {score} AS score FROM candidates
  ORDER BY score DESC, kind, sort, pk
  LIMIT (SELECT stop - start FROM q) OFFSET (SELECT start FROM q)
)
SELECT total.n, page.kind, page.pk, {slug}, page.title, page.aliases, {summary}, {body}, page.score
FROM (SELECT COUNT(*) AS n FROM found) total LEFT JOIN page ON TRUE
{joins}
ORDER BY page.score DESC, page.kind, page.sort, page.pk"""

# Matches scored beyond the page's end to find the cutoff (see SEARCH_SQL).
POOL_SLACK = RESULTS_PER_PAGE

# One content type's published matches. An item matches when its text has a query word, or its
# name or an alternate name is similar to the query. Joined with OR, the tests use the table's
# GIN indexes together (BitmapOr), and the cheap word test, first, spares most items the trigram
# similarity. The status goes through COALESCE so that its index is no way round them (see
# USE_THE_INDEXES): walking it would test nearly every row.
MATCHES = """
  SELECT {kind} AS kind, t.id AS pk, {title} AS title, {aliases} AS aliases,
    LOWER({title}) COLLATE "C" AS sort,
    ts_rank('{weights}'::float4[], t.{vector}, (SELECT words FROM q)) AS rank
  FROM {table} t
  WHERE COALESCE(t.status, '') = '{published}'
    AND (t.{vector} @@ (SELECT words FROM q) OR {similar})"""

# The planner takes pg_trgm's similarity for as cheap as a comparison, so on a table of few pages
# (a thousand items whose long texts are stored apart, say) it would rather read every row and
# compute it for each than ask the GIN indexes. Set for the search's transaction only (the
# request's, if it has one).
USE_THE_INDEXES = "SET LOCAL enable_seqscan = off"


def _column(source, field, table):
    """A field's column in `table` (an alias), quoted for SQL."""
    return f"{table}.{connection.ops.quote_name(source.model._meta.get_field(field).column)}"


def _matches_sql(kind, source):
    """MATCHES for one content type; `kind` is its place in SOURCES."""
    names = [_column(source, field, "t") for field in source.name_fields]
    return MATCHES.format(
        kind=kind,
        table=connection.ops.quote_name(source.model._meta.db_table),
        title=names[0],
        aliases=names[1] if source.aliases else "''",
        vector=connection.ops.quote_name(VECTOR_COLUMN),
        weights="{" + ",".join(str(WEIGHTS[weight]) for weight in "DCBA") + "}",
        published=Status.PUBLISHED,
        similar=" OR ".join(f"{name} %%>> (SELECT name FROM q)" for name in names),
    )


@lru_cache(maxsize=MAX_TERMS)
def search_sql(terms):
    """SEARCH_SQL for a query of `terms` words."""
    joins, slugs, summaries, bodies = [], [], [], []
    for kind, source in enumerate(SOURCES):
        table = f"s{kind}"
        joins.append(
            f"LEFT JOIN {connection.ops.quote_name(source.model._meta.db_table)} {table}"
            f" ON page.kind = {kind} AND {_column(source, 'id', table)} = page.pk"
        )
        slugs.append(_column(source, "slug", table))
        summaries += [_column(source, source.summary, table)] if source.summary else []
        bodies += [_column(source, source.body, table)] if source.body else []
    name = "(SELECT name FROM q)"
    similarity = (
        f"GREATEST(strict_word_similarity({name}, title), strict_word_similarity({name}, aliases))"
    )
    return SEARCH_SQL.format(
        words=" || ".join(f"plainto_tsquery('{CONFIG}', %(term{i})s)" for i in range(terms)),
        matches="\n  UNION ALL".join(
            _matches_sql(kind, source) for kind, source in enumerate(SOURCES)
        ),
        score=score(similarity, "rank"),
        bound=score("1", "rank"),
        slug=f"COALESCE({', '.join(slugs)})",
        summary=f"COALESCE({', '.join(summaries)}, '')",
        body=f"COALESCE({', '.join(bodies)}, '')",
        joins="\n".join(joins),
    )


def search_params(query, start, stop):
    """The parameters of search_sql() for results [start:stop] of `query`."""
    terms = {f"term{i}": term for i, term in enumerate(query.terms)}
    return {
        **terms,
        "name": query.trigram_text,
        "start": start,
        "stop": stop,
        "pool": stop + POOL_SLACK,
    }


class MemoryResults(Results):
    """The same search over an in-memory index of published content (SQLite and the like)."""

    @cached_property
    def ranking(self):
        return memory_index(self.query.analyzer).search(self.query)

    def _get_count(self):
        return len(self.ranking)

    def _get_hits(self, index):
        return self.ranking[index]


class MemoryIndex:
    """Published items with, per word, what it adds to ts_rank, and their names' trigrams.

    Items are numbered in the order that lists equal scores, so an item's number breaks ties.
    """

    def __init__(self, rows, analyzer=ENGLISH):
        self.analyzer = analyzer
        self.rows = sorted(
            rows, key=lambda row: (row["r_order"], row["r_title"].lower(), row["r_pk"])
        )
        self.names = []
        # Compact arrays: a 10,000-condition catalogue has about a million (word, item) pairs.
        postings = defaultdict(lambda: (array("I"), array("d")))
        trigram_items = defaultdict(list)
        for item, row in enumerate(self.rows):
            for word, contribution in self._contributions(row).items():
                items, contributions = postings[word]
                items.append(item)
                contributions.append(contribution)
            names = tuple(
                trigrams(analyzer.name_text(row[column]), share=True)
                for column in ("r_title", "r_aliases")
            )
            self.names.append(names)
            for piece in {piece for name in names for piece, _, _ in name}:
                trigram_items[piece].append(item)
        self.postings = dict(postings)
        # Tuples hold one shared int per item, so a search counts their items in C without
        # making a new int for each, as reading an array would.
        self.trigram_items = {piece: tuple(items) for piece, items in trigram_items.items()}

    def _contributions(self, row):
        """What each word adds to ts_rank before dividing by the number of query words.

        The tsvector concatenates the A, B and C fields in that order, so a word's occurrences
        run A first, then B, then C (see _rank_contribution()).
        """
        source = SOURCES_BY_KIND[row["r_kind"]]
        columns = {"A": ("r_title", "r_aliases"), "B": ("r_summary",), "C": ("r_body",)}
        runs = defaultdict(list)
        for weight, fields in source.weighted_fields():
            text = " ".join(row[column] for column in columns[weight][: len(fields)])
            for word, count in Counter(map(self.analyzer.lexeme, tokenize(text))).items():
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
    """The matches for one query: counted at once, scored exactly only as far as they are read.

    An item's name similarity (pure Python) is the costly part of its score, and a common word
    matches thousands of items. A name is no more similar than its share of the query's
    trigrams, so each text match waits in a heap under the score that share would give, and is
    scored exactly when it reaches the top: the first N results cost about N exact scores.
    """

    def __init__(self, index, query):
        self.index = index
        self.wanted = trigram_set(query.trigram_text)
        self.terms = len(query.lexemes)
        self.ranks = self._ranks(index, query)
        # How many of the query's trigrams each item's names have.
        self.shared = Counter()
        for piece in self.wanted:
            self.shared.update(index.trigram_items.get(piece, ()))
        need = len(self.wanted)
        # Entries are (-score, item, exact): the best first, equal scores in the items' order.
        self.heap = [
            (-score(self.shared[item] / need, rank / self.terms), item, False)
            for item, rank in self.ranks.items()
        ]
        # An item whose text has none of the query's words matches if a name is similar enough,
        # which takes at least `least` of the query's trigrams, and so one of any
        # (need - least + 1) of them: only the items of the rarest such can.
        least = math.ceil(NAME_THRESHOLD * need)
        postings = sorted((index.trigram_items.get(piece, ()) for piece in self.wanted), key=len)
        for item in set().union(*postings[: need - least + 1]) - self.ranks.keys():
            if self.shared[item] >= least:
                similarity = self.similarity(item)
                if similarity >= NAME_THRESHOLD:
                    self.heap.append((-score(similarity, 0.0), item, True))
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

    def similarity(self, item):
        """The item's name similarity: its best name's strict_word_similarity to the query."""
        if not self.shared[item]:
            return 0.0
        return max(
            strict_word_similarity("", "", self.wanted, name) for name in self.index.names[item]
        )

    def _rank_to(self, stop):
        """Move items from the heap to `ranked` until it holds the first `stop` results."""
        heap, ranked = self.heap, self.ranked
        while heap and len(ranked) < stop:
            key, item, exact = heap[0]
            if exact:
                # Nothing left in the heap can score higher, or as high and list earlier.
                heapq.heappop(heap)
                ranked.append(_hit(self.index.rows[item], -key))
            else:
                exact_score = score(self.similarity(item), self.ranks[item] / self.terms)
                heapq.heapreplace(heap, (-exact_score, item, True))

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        self._rank_to(self.count if index.stop is None else index.stop)
        return self.ranked[index]

    def __iter__(self):
        return iter(self[:])


# Language code -> (content version, index) of this process; each entry replaced whole, so
# threads never see a mix.
_memory = {}


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


def published_rows():
    """Every published item as search reads it (_COLUMNS). One query."""
    parts = [
        source.model.objects.published()
        .annotate(**_columns(source, order))
        .order_by()
        .values(*_COLUMNS)
        for order, source in enumerate(SOURCES)
    ]
    return list(parts[0].union(*parts[1:], all=True))


def translated_rows(rows, language):
    """`rows` with each item's live translation into `language` in place of its English wording
    and other names; an item with none keeps its English. One query."""
    found = live_wording([source.model for source in SOURCES], language)
    translated = []
    for row in rows:
        source = SOURCES_BY_KIND[row["r_kind"]]
        wording = found.get((source.model, row["r_pk"]))
        if wording is None:
            translated.append(row)
            continue
        values, alternate_names = wording
        translated.append(
            {
                **row,
                "r_title": values.get(source.title) or row["r_title"],
                "r_aliases": alternate_names,
                "r_summary": values.get(source.summary, "") if source.summary else "",
                "r_body": values.get(source.body, "") if source.body else "",
            }
        )
    return translated


def memory_index(analyzer=ENGLISH):
    """The in-memory index of the published items in `analyzer`'s language, rebuilt when content
    has changed. One query, two when an English index is rebuilt (three for another language)."""
    version = content_version()
    cached_version, index = _memory.get(analyzer.code, (None, None))
    if cached_version != version:
        rows = published_rows()
        if analyzer is not ENGLISH:
            rows = translated_rows(rows, analyzer.code)
        index = MemoryIndex(rows, analyzer)
        _memory[analyzer.code] = (version, index)
    return index


def warm_memory_index():
    """Build the in-memory index now if this database searches with it; say if it could not.

    gunicorn calls this in its master process, so that the workers it forks start with the index
    built and shared instead of each building it on its first search (README, "Search", gives
    the time it takes at scale). Content changes still rebuild it in each worker. The index of
    another language is built at its first search.
    """
    if connection.vendor == "postgresql":
        return
    try:
        memory_index()
    except Exception:
        logger.exception("Search index not built in advance: each worker builds its own")


def forget_memory_index():
    """Drop the cached indexes (tests use this to start cold)."""
    _memory.clear()
