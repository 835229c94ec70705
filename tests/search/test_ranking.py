"""The in-memory ranking's shortcuts: a bound never below the similarity it stands in for, and
pages read lazily that are the pages of a ranking that scores every item in full."""

import pytest

from search import backends
from search.analysis import strict_word_similarity
from search.backends import NAME_THRESHOLD, NAME_WEIGHT, SCORE_PLACES, MemoryIndex
from search.query import Query

NAMES = [
    ("Meniscus Tear", "Torn meniscus\nCartilage tear"),
    ("Meniscal cyst", ""),
    ("Medial meniscus tear 12", "Lateral menisci tears"),
    ("Baker’s Cyst", "Popliteal cyst"),
    ("Patellar tendinopathy", "Jumper’s knee\nPatellar tendonitis"),
    ("Pain behind the knee", "Posterior knee pain"),
    ("Plica syndrome", "Synovial plica"),
    ("Swelling", "Swollen knee\nWater on the knee"),
    ("Lateral medial swelling 7", ""),
    ("Gastrocnemius tendonitis", "Calf tendon pain"),
    ("Knee", "Knees knee knee-cap kneecap"),
    ("A b c", "x y z 1 22 333"),
]
QUERIES = [
    "menicus", "meniscus tear", "menisc", "tear", "bakers cist", "popliteal", "tendinitis",
    "patellar tendonitis", "pain", "knee pain", "swelling", "swolen", "gastrocnemeus", "knee",
    "kne", "plica", "synovial plica syndrome", "a", "x 22", "jumpers knee", "water knee",
]  # fmt: skip


def row(pk, title, aliases="", summary=""):
    return {
        "r_kind": "condition",
        "r_order": 0,
        "r_pk": pk,
        "r_slug": f"item-{pk}",
        "r_title": title,
        "r_aliases": aliases,
        "r_summary": summary,
        "r_body": "",
    }


@pytest.fixture(scope="module")
def index():
    return MemoryIndex([row(pk, title, aliases) for pk, (title, aliases) in enumerate(NAMES)])


# Names that share the query's common trigrams ("ing", "  s") in many ways, some named for the
# query word and some only mentioning it, many with equal text ranks: the cases where a cheap
# bound must not decide the order.
CROWD = [
    *NAMES,
    *[(f"Swelling {i:02}", "") for i in range(30)],
    *[(f"Something sore {i}", "Sitting") for i in range(30)],
    *[(f"Swellings and stiffness {i}", "") for i in range(10)],
    *[(f"Swell {i}", "Wellington") for i in range(10)],
]
CROWD_QUERIES = ["swelling", "swelling stiffness", "something", "sitting swell", "wellington 7"]


@pytest.fixture(scope="module")
def crowd():
    return MemoryIndex(
        [
            row(pk, title, aliases, summary="Swelling and stiffness. " * (pk % 4))
            for pk, (title, aliases) in enumerate(CROWD)
        ]
    )


def scored_in_full(index, text):
    """(pk, score) of every match, each scored from scratch, best first and ties in item order."""
    query = Query.parse(text)
    ranks = index.search(query).ranks
    needle = query.trigram_text
    matches = []
    for item, fields in enumerate(index.rows):
        # As PostgreSQL compares them: the name, and the alternate names as one text.
        names = (fields["r_title"], fields["r_aliases"])
        similarity = max(strict_word_similarity(needle, name) for name in names)
        if item in ranks or similarity >= NAME_THRESHOLD:
            rank = ranks.get(item, 0.0) / len(query.lexemes)
            score = round(NAME_WEIGHT * similarity + rank, SCORE_PLACES)
            matches.append((-score, item, fields["r_pk"]))
    return [(pk, -negative) for negative, _, pk in sorted(matches)]


# How much counting one item's trigrams costs decides whether they are counted one by one
# (never, for 0), all at once from the start (for a huge cost), or once one by one has cost
# enough; the ranking must not depend on it.
@pytest.mark.parametrize(
    "cost", [0, backends._LOOKUPS_PER_NAME, 10**9], ids=["one-by-one", "measured", "at-once"]
)
@pytest.mark.parametrize("text", CROWD_QUERIES + [text for text in QUERIES if text != "a"])
def test_pages_read_lazily_are_the_full_rankings(crowd, text, cost, monkeypatch):
    monkeypatch.setattr(backends, "_LOOKUPS_PER_NAME", cost)
    expected = scored_in_full(crowd, text)
    assert expected, "every query here finds something"
    for size in (1, 3, 20, len(expected)):
        ranking = crowd.search(Query.parse(text))
        assert len(ranking) == len(expected)
        pages = [ranking[start : start + size] for start in range(0, len(expected), size)]
        assert [(hit.pk, hit.score) for page in pages for hit in page] == expected, size


@pytest.mark.parametrize("text", QUERIES)
def test_the_word_bound_is_never_below_the_name_similarity(index, text):
    ranking = index.search(Query.parse(text))
    for item in range(len(NAMES)):
        assert ranking._similarity_bound(item) >= ranking._similarity(item), NAMES[item]


@pytest.mark.parametrize("text", QUERIES)
def test_every_name_similar_enough_is_found(index, text):
    ranking = index.search(Query.parse(text))
    found = {hit.pk for hit in ranking}
    similar = {
        index.rows[item]["r_pk"]
        for item in range(len(NAMES))
        if ranking._similarity(item) >= NAME_THRESHOLD
    }
    assert similar <= found
