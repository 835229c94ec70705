"""The public FAQ page: every published question, its answer and where to read more."""

import json
import re
from datetime import date

import pytest
from pytest_django.asserts import assertInHTML

from conditions.models import Status
from tests.factories import ConditionFactory, FAQFactory, TagFactory

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED]


def faq_page(client):
    response = client.get("/faq/")
    assert response.status_code == 200
    return response.content.decode()


def executable_scripts(html):
    """Every <script> tag a browser would run but the site's own "Was this page helpful?"
    script (JSON-LD data blocks are not run)."""
    own = r'(?! src="/static/js/feedback\.js" defer>)'
    return re.findall(rf'<script\b(?![^>]*type="application/ld\+json"){own}[^>]*>', html)


def entry(html, slug):
    """The <section> holding one question, found by its anchor."""
    match = re.search(rf'<section class="faq-entry" id="{slug}".*?</section>', html, re.S)
    assert match, f"no question with anchor #{slug}"
    return match.group(0)


def test_faq_page_shows_each_question_with_its_answer(client):
    FAQFactory(
        question="Can I still run?",
        slug="can-i-still-run",
        answer="Yes, if it does not hurt.\n\nStop if the pain gets **worse**.",
    )

    html = faq_page(client)

    question = entry(html, "can-i-still-run")
    assertInHTML('<h2 id="can-i-still-run-q">Can I still run?</h2>', question)
    assertInHTML("<p>Yes, if it does not hurt.</p>", question)
    assertInHTML("<p>Stop if the pain gets <strong>worse</strong>.</p>", question)
    assertInHTML("<h1>Frequently asked questions</h1>", html)


def test_faq_page_orders_questions_by_their_order_then_alphabetically(client):
    FAQFactory(question="Third?", order=20)
    FAQFactory(question="Second?", order=10)
    FAQFactory(question="First?", order=10)
    FAQFactory(question="Zeroth?", order=0)

    questions = re.findall(r'<h2 id="[^"]+-q">([^<]+)</h2>', faq_page(client))

    assert questions == ["Zeroth?", "First?", "Second?", "Third?"]


def test_each_question_has_an_anchor_and_the_home_page_links_to_its_own_page(client):
    faq = FAQFactory(question="Is it arthritis?", slug="is-it-arthritis")

    home = client.get("/").content.decode()
    html = faq_page(client)

    assert faq.get_absolute_url() == "/faq/is-it-arthritis/"
    assert 'href="/faq/is-it-arthritis/"' in home
    assert 'id="is-it-arthritis"' in html
    assert 'aria-labelledby="is-it-arthritis-q"' in entry(html, "is-it-arthritis")


def test_question_links_to_the_conditions_it_is_about(client):
    bakers = ConditionFactory(name="Baker's cyst", slug="bakers-cyst")
    arthritis = ConditionFactory(name="Arthritis", slug="arthritis")
    ConditionFactory(name="Unrelated condition")
    FAQFactory(slug="lump", conditions=[bakers, arthritis])

    question = entry(faq_page(client), "lump")

    assertInHTML(
        '<p class="see-also">Read more: <a href="/conditions/arthritis/">Arthritis</a>, '
        '<a href="/conditions/bakers-cyst/">Baker&#x27;s cyst</a></p>',
        question,
    )
    assert "Unrelated condition" not in question


def test_question_without_conditions_has_no_read_more_line(client):
    FAQFactory(slug="general")

    assert "Read more" not in entry(faq_page(client), "general")


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_question_is_not_on_the_faq_page(client, status):
    FAQFactory(question="Shown question?")
    FAQFactory(question="Hidden question?", slug="hidden-question", status=status)

    html = faq_page(client)

    assert "Shown question?" in html
    assert "Hidden question?" not in html
    assert 'id="hidden-question"' not in html


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_condition_is_not_linked_from_a_question(client, status):
    shown = ConditionFactory(name="Shown condition")
    hidden = ConditionFactory(name="Hidden condition", slug="hidden-condition", status=status)
    FAQFactory(slug="lump", conditions=[shown, hidden])

    question = entry(faq_page(client), "lump")

    assert "Shown condition" in question
    assert "Hidden condition" not in question
    assert "/conditions/hidden-condition/" not in question


def test_question_linked_only_to_unpublished_conditions_has_no_read_more_line(client):
    hidden = ConditionFactory(name="Hidden condition", status=Status.DRAFT)
    FAQFactory(slug="lump", conditions=[hidden])

    assert "Read more" not in entry(faq_page(client), "lump")


def test_faq_answer_cannot_run_script(client):
    FAQFactory(
        slug="hostile",
        answer='Fine.\n\n<script>window.stolen = 1</script>\n\n<a href="javascript:alert(1)">x</a>',
    )

    html = faq_page(client)

    assert "Fine." in entry(html, "hostile")
    assert executable_scripts(html) == []
    assert "window.stolen" not in html
    assert "javascript:" not in html


def test_each_question_shows_when_it_was_reviewed(client):
    FAQFactory(slug="reviewed", last_reviewed_on=date(2025, 1, 31), next_review_due=None)

    question = entry(faq_page(client), "reviewed")

    assert '<time datetime="2025-01-31">January 31, 2025</time>' in question
    assert "Next review due: to be set." in " ".join(question.split())


def test_faq_page_says_so_when_nothing_is_published(client):
    FAQFactory(question="Draft question?", status=Status.DRAFT)

    html = faq_page(client)

    assert "No questions have been published yet." in html
    assert "Draft question?" not in html
    assert "This is general information, not a diagnosis." in html


def test_faq_page_has_breadcrumbs_canonical_url_and_description(client):
    FAQFactory()

    html = faq_page(client)

    assertInHTML(
        '<nav aria-label="Breadcrumb" class="breadcrumbs"><ol><li><a href="/">Home</a></li>'
        '<li><span aria-current="page">Frequently asked questions</span></li></ol></nav>',
        html,
    )
    assert '<link rel="canonical" href="http://testserver/faq/">' in html
    assert '<meta name="description" content="Answers to common questions about knee pain' in html
    assert html.count("<h1") == 1


def question_page(client, faq):
    response = client.get(faq.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_question_has_a_page_of_its_own_with_its_answer_and_where_to_read_more(client):
    tag = TagFactory(name="sport")
    bursitis = ConditionFactory(name="Bursitis", slug="bursitis")
    faq = FAQFactory(
        question="Can I still run?",
        slug="can-i-still-run",
        answer="Yes, if it does not hurt.\n\nStop if the pain gets **worse**.",
        conditions=[bursitis, ConditionFactory(name="Hidden", status=Status.DRAFT)],
        tags=[tag],
        last_reviewed_on=date(2026, 3, 1),
    )

    html = question_page(client, faq)

    assert faq.get_absolute_url() == "/faq/can-i-still-run/"
    assertInHTML("<h1>Can I still run?</h1>", html)
    assert "<title>Can I still run? – " in html
    assertInHTML("<p>Stop if the pain gets <strong>worse</strong>.</p>", html)
    assert '<meta name="description" content="Yes, if it does not hurt. Stop if the pain' in html
    assert '<link rel="canonical" href="http://testserver/faq/can-i-still-run/">' in html
    assertInHTML('<a href="/conditions/bursitis/">Bursitis</a>', html)
    assert "Hidden" not in html
    assertInHTML('<a href="/tags/sport/">sport</a>', html)
    assert '<time datetime="2026-03-01">March 1, 2026</time>' in html
    assertInHTML(
        '<nav aria-label="Breadcrumb" class="breadcrumbs"><ol><li><a href="/">Home</a></li>'
        '<li><a href="/faq/">Frequently asked questions</a></li>'
        '<li><span aria-current="page">Can I still run?</span></li></ol></nav>',
        html,
    )
    assert "This is general information, not a diagnosis." in html


def test_a_question_page_describes_that_question_to_search_engines(client):
    faq = FAQFactory(question="Is it serious?", answer="Usually **not**.")

    data = json.loads(
        re.search(
            r'<script type="application/ld\+json">(.*?)</script>', question_page(client, faq), re.S
        ).group(1)
    )

    page, breadcrumbs = data["@graph"]
    assert page["@type"] == "FAQPage"
    assert page["mainEntity"] == [
        {
            "@type": "Question",
            "name": "Is it serious?",
            "acceptedAnswer": {"@type": "Answer", "text": "Usually not."},
        }
    ]
    assert breadcrumbs["itemListElement"][-1]["name"] == "Is it serious?"


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_an_unpublished_question_has_no_page(client, status):
    faq = FAQFactory(status=status)
    assert client.get(faq.get_absolute_url()).status_code == 404
    assert client.get("/faq/no-such-question/").status_code == 404


def test_a_question_page_answer_cannot_run_script(client):
    faq = FAQFactory(
        question="<script>alert(1)</script>?",
        answer='<script>alert(2)</script> [x](javascript:alert(3)) <img src=x onerror="alert(4)">',
    )

    html = question_page(client, faq)

    assert executable_scripts(html) == []
    assert "javascript:" not in html and "onerror" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;?" in html
