"""Readability: grades by textstat (offline), sentences, long-sentence and jargon marks, and the
grade each item keeps for the admin's lists."""

import importlib.metadata
import socket
import sys
from pathlib import Path

import pytest
from django.utils.html import escape

from conditions import readability
from conditions.models import JargonTerm
from conditions.readability import mark, measure, sentences_of, unexplained_jargon
from conditions.text import render_markdown
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory

PLAIN = (
    "Your knee hurts. Rest it for a day. Put ice on it. Walk a bit when it feels better. "
    "Call your doctor if it swells."
)
HARD = (
    "Posterolateral corner injuries frequently accompany cruciate ligament disruption, "
    "necessitating comprehensive multidisciplinary evaluation. Conservative management "
    "incorporating physiotherapeutic rehabilitation demonstrates considerable effectiveness."
)
LONG = " ".join(["word"] * 26) + "."


def html(markdown):
    return render_markdown(markdown)


# Grades ---------------------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach the network fails, as it does on a machine that is offline."""

    def refuse(*args, **kwargs):
        raise OSError("the network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_a_grade_is_computed_with_no_network_from_a_fresh_textstat(no_network, monkeypatch):
    # Load textstat anew with the network off: a release that fetches data at import or on first
    # use (NLTK's, after 0.7.8) fails here.
    for name in [name for name in sys.modules if name.split(".")[0] == "textstat"]:
        monkeypatch.delitem(sys.modules, name)
    readability._textstat.cache_clear()
    figures = measure(html(HARD))
    readability._textstat.cache_clear()
    assert figures.grade > 15
    assert figures.words == 20


def test_the_textstat_release_installs_no_tests_package_beside_ours():
    files = importlib.metadata.files("textstat")
    assert not [f for f in files if f.parts[0] == "tests"]
    assert Path(sys.modules["tests"].__file__).resolve().parent == Path(__file__).parents[1]


def test_plain_text_grades_low_and_jargon_grades_high():
    plain, hard = measure(html(PLAIN)), measure(html(HARD))
    assert plain.grade < 3
    assert hard.grade > 15
    assert plain.sentences == 5


def test_smog_needs_three_sentences():
    assert measure(html("One sentence only here.")).smog is None
    assert measure(html(PLAIN)).smog is not None


def test_no_words_has_no_grade():
    assert measure(html(""), html("## \n\n- ")).grade is None


def test_the_plainest_text_reads_as_grade_zero_not_below():
    assert measure(html("Go. Sit. Rest.")).grade == 0


def test_headings_and_list_items_are_sentences_of_their_own():
    text = html("## What to do\n\n- Rest\n- Ice the knee\n\nThen walk. Slowly!")
    assert sentences_of(text) == ["What to do", "Rest", "Ice the knee", "Then walk.", "Slowly!"]


def test_a_sentence_does_not_end_inside_a_number_or_a_link():
    text = html("Take 2.5 mg. See [the page. It helps](/x/) now. Done.")
    assert sentences_of(text) == ["Take 2.5 mg.", "See the page. It helps now.", "Done."]


def test_a_list_of_short_points_is_not_one_long_sentence():
    points = "\n".join(f"- point number {n} of the list" for n in range(10))
    assert measure(html(points)).long_sentences == 0


# Long sentences -------------------------------------------------------------------------------


def test_a_sentence_over_25_words_is_marked_and_one_of_25_is_not():
    twenty_five = " ".join(["walk"] * 25) + "."
    marked = mark(html(f"{LONG} {twenty_five}"), {})
    assert marked.count('<mark class="long-sentence"') == 1
    assert 'title="26 words, over 25">word' in marked
    assert marked.index("</mark>") < marked.index(twenty_five)


def test_a_long_sentence_with_a_link_keeps_its_tags_balanced():
    words = " ".join(["word"] * 20)
    marked = mark(html(f"Short one. {words} [a link here](/x/) and more words. End."), {})
    start = marked.index('<mark class="long-sentence"')
    inside = marked[start : marked.index("</mark>", start)]
    assert '<a href="/x/"' in inside and "</a>" in inside
    assert marked.startswith("<p>Short one. <mark")


def test_marking_changes_no_word():
    source = html(f"{LONG}\n\n## Heading\n\n- {LONG}")
    marked = mark(source, {"word": ""})
    stripped = readability._TAG.sub("", marked)
    assert stripped == readability._TAG.sub("", source)


# Jargon ---------------------------------------------------------------------------------------

TERMS = {
    "posterolateral": "at the back and outer side",
    "proprioception": "your sense of where your knee is",
    "effusion": "fluid in the knee",
    "cruciate": "",
}


@pytest.mark.parametrize(
    "text",
    [
        "You may have an effusion (fluid in the knee). The effusion goes down.",
        "You may have an effusion – fluid in the knee.",
        "You may have an effusion: fluid in the knee.",
        "An effusion means fluid in the knee.",
        "Effusions are pockets of fluid in the knee.",
        "Fluid can build up in the knee, called an effusion.",
        "Fluid in the knee is known as effusion.",
    ],
)
def test_a_term_explained_where_it_first_appears_is_not_jargon(text):
    assert unexplained_jargon([html(text)], TERMS) == {}


@pytest.mark.parametrize(
    "text",
    [
        "The effusion goes down with rest.",
        "Rest helps an effusion (PCL).",
        "An effusion goes down. An effusion (fluid in the knee) is common.",
        "EFFUSIONS go down with rest.",
    ],
)
def test_a_term_not_explained_where_it_first_appears_is_jargon(text):
    assert unexplained_jargon([html(text)], TERMS) == {"effusion": "fluid in the knee"}


def test_an_explanation_in_the_summary_covers_the_body():
    summary = html("Proprioception is your sense of where your knee is.")
    body = html("Exercises improve proprioception.")
    assert unexplained_jargon([summary, body], TERMS) == {}
    assert unexplained_jargon([body, summary], TERMS) == {
        "proprioception": "your sense of where your knee is"
    }


def test_every_use_of_unexplained_jargon_is_marked_with_its_plain_words():
    text = html("The posterolateral corner hurts. Posterolateral pain eases.")
    marked = mark(text, unexplained_jargon([text], TERMS))
    assert marked.count('<mark class="jargon"') == 2
    assert "say “at the back and outer side”" in marked
    assert ">Posterolateral</mark> pain" in marked


def test_jargon_is_matched_as_whole_words_only():
    text = html("Anterocruciate and cruciateish are not the term; cruciates are.")
    assert mark(text, {"cruciate": ""}).count('<mark class="jargon"') == 1


def test_a_term_inside_a_longer_term_is_marked_once():
    text = html("The anterior cruciate ligament tore.")
    marked = mark(text, {"cruciate": "", "anterior cruciate ligament": "ACL"})
    assert marked.count('<mark class="jargon"') == 1
    assert ">anterior cruciate ligament</mark>" in marked


@pytest.mark.django_db
def test_the_shipped_jargon_list_is_in_the_database_for_clinicians_to_edit():
    terms = JargonTerm.as_dict()
    assert terms["posterolateral"] == "at the back and outer side"
    assert "proprioception" in terms
    assert len(terms) > 30


# The grade kept on each item ------------------------------------------------------------------


@pytest.mark.django_db
def test_each_content_type_keeps_the_grade_of_its_page_text():
    condition = ConditionFactory(summary=PLAIN, body=HARD)
    symptom = SymptomFactory(description=HARD)
    faq = FAQFactory(answer=PLAIN)
    # The summary is plain text on the page, the body Markdown.
    assert condition.reading_grade == measure(str(escape(PLAIN)), html(HARD)).grade
    assert symptom.reading_grade > 15
    assert faq.reading_grade < 3


@pytest.mark.django_db
def test_the_grade_follows_an_edit_saved_with_update_fields():
    condition = ConditionFactory(summary=PLAIN, body=PLAIN)
    condition.body = HARD
    condition.save(update_fields=["body"])
    condition.refresh_from_db()
    assert condition.reading_grade > 10


@pytest.mark.django_db
def test_a_save_of_other_fields_leaves_the_grade_alone():
    condition = ConditionFactory(summary=PLAIN, body=PLAIN)
    type(condition).objects.filter(pk=condition.pk).update(reading_grade=None)
    condition.refresh_from_db()
    condition.review_note = "Checked"
    condition.save(update_fields=["review_note"])
    condition.refresh_from_db()
    assert condition.reading_grade is None
