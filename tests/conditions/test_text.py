"""Word matching used by the importer, and the Markdown renderer used by every page."""

import pytest

from conditions.text import (
    PhraseIndex,
    markdown_escape,
    phrase_key,
    render_markdown,
    singular,
    tag_key,
    word_diff,
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("injuries", "injury"),
        ("tears", "tear"),
        ("muscles", "muscle"),
        ("meniscus", "meniscus"),
        ("arthritis", "arthritis"),
        ("stress", "stress"),
        ("its", "its"),
    ],
)
def test_singular(word, expected):
    assert singular(word) == expected


def test_phrase_key_folds_case_plural_and_typographic_apostrophes():
    assert phrase_key("Baker’s Cysts") == phrase_key("baker's cyst") == "baker cyst"
    assert phrase_key("Knee Injuries") == phrase_key("knee injury")


def test_phrase_index_matches_whole_words_only():
    index = PhraseIndex("The kneecap hurts when kneeling.")
    assert index.mentions("kneecap")
    assert not index.mentions("knee")


def test_phrase_index_does_not_match_across_sentences():
    index = PhraseIndex("It hurts behind the knee. Pain comes and goes.")
    assert index.mentions("behind the knee")
    assert not index.mentions("knee pain")


def test_phrase_index_ignores_empty_phrases():
    assert not PhraseIndex("anything").mentions("  ")


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        "<svg><script>alert(1)</script></svg>",
        '<iframe src="https://example.com"></iframe>',
        "<style>body{display:none}</style>",
    ],
)
def test_rendered_markdown_carries_no_script(hostile):
    html = render_markdown(hostile).lower()
    for marker in ("<script", "onerror", "javascript:", "data:text", "<svg", "<iframe", "<style"):
        assert marker not in html


def test_markdown_keeps_safe_formatting_and_links():
    html = render_markdown("## Rest\n\n**Stop** running. See [the NHS](https://www.nhs.uk/).")
    assert "<h2>Rest</h2>" in html
    assert "<strong>Stop</strong>" in html
    assert '<a href="https://www.nhs.uk/" rel="noopener noreferrer">the NHS</a>' in html


def test_markdown_escape_keeps_plain_text_word_for_word():
    plain = "1. Not a list * or emphasis_here_ <b>nor a tag</b> # nor a heading"
    html = render_markdown(markdown_escape(plain))
    assert "<ol>" not in html and "<em>" not in html and "<b>" not in html
    assert "1. Not a list * or emphasis_here_ &lt;b&gt;nor a tag&lt;/b&gt; # nor a heading" in html


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("Knees", "knee", True),
        ("Baker’s cyst", "bakers cysts", True),
        ("knee injuries", "Knee Injury", True),
        ("ACLs", "ACL", True),
        ("ITBS", "ITB", False),
        ("Ödem", "dem", False),
        ("Бедро 1", "Колено 1", False),
        ("膝", "膝", True),
    ],
)
def test_tag_key_folds_case_plurals_and_apostrophes_only(one, other, same):
    assert (tag_key(one) == tag_key(other)) is same


def test_word_diff_marks_added_and_removed_words_and_escapes_them():
    assert word_diff("Rest the knee.", "Rest the <b>sore</b> knee.") == (
        "Rest the <ins>&lt;b&gt;sore&lt;/b&gt; </ins>knee."
    )
    assert word_diff("Ice it twice a day.", "Ice it three times a day.") == (
        "Ice it <del>twice</del><ins>three times</ins> a day."
    )


def test_word_diff_marks_a_rewritten_text_as_a_whole():
    old = "It is caused by too much synovial fluid in the knee joint."
    new = "It can feel tight and stiff, especially when you bend the knee fully."
    assert word_diff(old, new) == f"<ins>{new}</ins>"
