"""The in-memory ranking's shortcut: a bound never below the similarity it stands in for, and
pages read lazily that are the pages of a ranking that scores every item in full."""

import pytest

from search.analysis import strict_word_similarity
from search.backends import NAME_THRESHOLD, MemoryIndex, score
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
            matches.append((-score(similarity, rank), item, fields["r_pk"]))
    return [(pk, -negative) for negative, _, pk in sorted(matches)]


@pytest.mark.parametrize("text", CROWD_QUERIES + [text for text in QUERIES if text != "a"])
def test_pages_read_lazily_are_the_full_rankings(crowd, text):
    expected = scored_in_full(crowd, text)
    assert expected, "every query here finds something"
    for size in (1, 3, 20, len(expected)):
        ranking = crowd.search(Query.parse(text))
        assert len(ranking) == len(expected)
        pages = [ranking[start : start + size] for start in range(0, len(expected), size)]
        assert [(hit.pk, hit.score) for page in pages for hit in page] == expected, size


@pytest.mark.parametrize("text", QUERIES)
def test_the_shared_trigrams_bound_is_never_below_the_name_similarity(index, text):
    ranking = index.search(Query.parse(text))
    need = len(ranking.wanted)
    for item in range(len(NAMES)):
        assert ranking.shared[item] / max(need, 1) >= ranking.similarity(item), NAMES[item]


@pytest.mark.parametrize("text", QUERIES)
def test_every_name_similar_enough_is_found(index, text):
    ranking = index.search(Query.parse(text))
    found = {hit.pk for hit in ranking}
    similar = {
        index.rows[item]["r_pk"]
        for item in range(len(NAMES))
        if ranking.similarity(item) >= NAME_THRESHOLD
    }
    assert similar <= found
