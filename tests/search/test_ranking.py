"""The in-memory ranking's shortcuts: a bound never below the similarity it stands in for."""

import pytest

from search.backends import NAME_THRESHOLD, MemoryIndex
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


@pytest.fixture(scope="module")
def index():
    rows = [
        {
            "r_kind": "condition",
            "r_order": 0,
            "r_pk": pk,
            "r_slug": f"item-{pk}",
            "r_title": title,
            "r_aliases": aliases,
            "r_summary": "",
            "r_body": "",
        }
        for pk, (title, aliases) in enumerate(NAMES)
    ]
    return MemoryIndex(rows)


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
