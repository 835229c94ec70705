"""Query cleaning, snippets, and the text analysis that lets SQLite rank as PostgreSQL does."""

import random
import re

import pytest
from django.db import connection
from english_words import get_english_words_set

from conditions.services.importing import SEED_ARTICLE
from conditions.text import singular
from conditions.vocabulary import VOCABULARY
from search.analysis import STOPWORDS, lexeme, stem, strict_word_similarity, tokenize
from search.query import MAX_QUERY_LENGTH, MAX_TERMS, Query, clean
from search.snippets import Marker, edit_distance, is_near_miss

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compares with PostgreSQL's own functions"
)


def seed_words():
    text = SEED_ARTICLE.read_text(encoding="utf-8") + VOCABULARY.read_text(encoding="utf-8")
    return sorted(set(tokenize(text)))


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("  Baker’s \t cyst \n", "Baker’s cyst"),
        ("knee\x00cyst", "kneecyst"),
        ("\u202eknee\u202c \u200bcyst\u200d\ufeff", "knee cyst"),
        ("ｋｎｅｅ　ＰＣＬ", "knee PCL"),
        ("knee\u00a0pain", "knee pain"),
        ("🦵 knee", "🦵 knee"),
    ],
)
def test_queries_lose_invisible_and_control_characters(raw, text):
    assert clean(raw) == (text, False)


def test_long_queries_are_cut_at_a_word_boundary():
    text, truncated = clean("popliteal " * 1000)
    assert truncated
    assert len(text) <= MAX_QUERY_LENGTH
    assert text.split() == ["popliteal"] * len(text.split())


def test_query_terms_are_distinct_words_without_stop_words():
    query = Query.parse("The knees, the KNEE and Baker’s cysts")
    assert query.terms == ["knees", "baker", "cysts"]
    assert query.lexemes == ["knee", "baker", "cyst"]
    assert query.trigram_text == "knee baker cyst"


def test_a_pasted_paragraph_is_searched_by_its_first_words_only():
    query = Query.parse(" ".join(f"word{i}" for i in range(100)))
    assert len(query.terms) == MAX_TERMS


@pytest.mark.parametrize("raw", ["", "   ", "the of and", "!!! ???", "\x00\u200b"])
def test_queries_without_searchable_words_are_empty(raw):
    assert not Query.parse(raw)


def test_snippet_marks_matched_words_and_escapes_everything_else():
    marker = Marker(Query.parse("knee"), [])
    html = marker.snippet("A <b>knee</b> & a <script>knees</script>")
    assert html == (
        "A &lt;b&gt;<mark>knee</mark>&lt;/b&gt; &amp; a &lt;script&gt;<mark>knees</mark>"
        "&lt;/script&gt;"
    )


def test_snippet_is_a_window_around_the_matches():
    text = " ".join(f"word{i}" for i in range(200)) + " hamstring strain " + "tail " * 50
    html = Marker(Query.parse("hamstring"), [text]).snippet(text)
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>hamstring</mark>" in html
    assert len(html.split()) < 40


def test_snippet_marks_the_word_a_typo_meant():
    text = "A meniscus tear can cause pain."
    html = Marker(Query.parse("menicus tear"), [text]).snippet(text)
    assert html == "A <mark>meniscus</mark> <mark>tear</mark> can cause pain."


def test_edit_distance():
    assert edit_distance("cist", "cyst", 2) == 1
    assert edit_distance("menicus", "meniscus", 2) == 1
    assert edit_distance("knee", "kneecap", 2) == 3  # stops counting above the limit


def test_near_misses_are_the_words_within_one_or_two_edits():
    # is_near_miss rules most pairs out by their letters before counting edits: it must agree.
    near = set()
    for typed in ["menicus", "cist", "tendonitus", "gastrocnemeus", "sweling", "kne", "ligamnt"]:
        limit = 1 if len(singular(typed)) < 7 else 2
        for word in seed_words():
            expected = len(singular(typed)) >= 4 and (
                edit_distance(singular(word), singular(typed), limit) <= limit
            )
            assert is_near_miss(word, typed) == expected, (word, typed)
            if expected:
                near.add(word)
    assert {"meniscus", "cyst", "tendonitis", "gastrocnemius", "swelling"} <= near


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("injuries", "injuri"),
        ("injury", "injuri"),
        ("swelling", "swell"),
        ("tendonitis", "tendon"),
        ("hamstrings", "hamstr"),
        ("the", None),
        ("24", "24"),
        ("covid19", "covid19"),
    ],
)
def test_lexemes_are_stems_as_postgresql_indexes_them(word, expected):
    assert lexeme(word) == expected


def test_trigram_similarity_forgives_one_or_two_wrong_letters():
    assert strict_word_similarity("menicus tear", "Meniscus Tear") > 0.6
    assert strict_word_similarity("tendinitis", "Gastrocnemius Tendonitis") > 0.5
    assert strict_word_similarity("pcl", "PCL injury\nPCL tear\nTorn PCL") == 1.0
    assert strict_word_similarity("knee", "Elbow") == 0.0


def dictionary_words():
    """Every third word of Webster's Second (as english-words ships it): 78,000 words."""
    return sorted(get_english_words_set(["web2"], lower=True, alpha=True))[::3]


@on_postgresql
@pytest.mark.django_db
def test_stems_and_stop_words_match_postgresql_for_the_seed_and_a_dictionary():
    words = sorted(set(seed_words() + dictionary_words()) - STOPWORDS)
    words = [word for word in words if not any(char.isdigit() for char in word)]
    assert len(words) > 75_000
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, ts_lexize('english_stem', w), stem FROM unnest(%s::text[], %s::text[])"
            " AS t(w, stem) WHERE ts_lexize('english_stem', w) IS DISTINCT FROM ARRAY[stem]",
            [words, [lexeme(word) for word in words]],
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w WHERE ts_lexize('english_stem', w) <> '{}'",
            [sorted(STOPWORDS)],
        )
        assert cursor.fetchall() == []


@on_postgresql
@pytest.mark.django_db
def test_trigram_similarity_matches_pg_trgm():
    words = re.findall(r"\S+", SEED_ARTICLE.read_text(encoding="utf-8"))
    chooser = random.Random(4)
    pairs = []
    for _ in range(500):
        needle = " ".join(chooser.sample(words, chooser.randint(1, 3)))
        needle = "".join(char for char in needle if chooser.random() > 0.1)  # typos
        start = chooser.randrange(len(words) - 12)
        pairs.append((needle, " ".join(words[start : start + chooser.randint(1, 12)])))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT strict_word_similarity(a, b) FROM unnest(%s::text[], %s::text[]) AS t(a, b)",
            [[a for a, _ in pairs], [b for _, b in pairs]],
        )
        expected = [row[0] for row in cursor.fetchall()]
    got = [strict_word_similarity(a, b) for a, b in pairs]
    assert got == pytest.approx(expected, abs=1e-6)


def test_stemmer_is_the_snowball_version_postgresql_15_stems_with():
    # Porter2's special cases, and words Snowball 3 stems otherwise ("add", "anesthesiolog").
    words = ["skies", "dying", "news", "generously", "hopping", "added", "anesthesiologist"]
    assert [stem(word) for word in words] == [
        "sky",
        "die",
        "news",
        "generous",
        "hop",
        "ad",
        "anesthesiologist",
    ]


def test_snippet_of_a_very_long_text_stays_short():
    text = "knee " + "filler " * 10_000 + "end."
    html = Marker(Query.parse("knee"), [text]).snippet(text)
    assert html.startswith("<mark>knee</mark> filler") and html.endswith(" …")
    assert len(html) < 400
