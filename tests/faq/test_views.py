"""The public FAQ page: every published question, its answer and where to read more."""

import re
from datetime import date

import pytest
from pytest_django.asserts import assertInHTML

from conditions.models import Status
from faq.views import FAQ_PAGE_SIZE
from tests.factories import ConditionFactory, FAQFactory

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED]


def faq_page(client):
    response = client.get("/faq/")
    assert response.status_code == 200
    return response.content.decode()


def executable_scripts(html):
    """Every <script> tag a browser would run (JSON-LD data blocks are not run)."""
    return re.findall(r'<script\b(?![^>]*type="application/ld\+json")[^>]*>', html)


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


def test_each_question_has_an_anchor_the_home_page_links_to(client):
    faq = FAQFactory(question="Is it arthritis?", slug="is-it-arthritis")

    home = client.get("/").content.decode()
    html = faq_page(client)

    assert faq.get_absolute_url() == "/faq/is-it-arthritis/"
    assert 'href="/faq/is-it-arthritis/"' in home
    assert client.get("/faq/is-it-arthritis/")["Location"] == "/faq/#is-it-arthritis"
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

    assert '<time datetime="2025-01-31">31 January 2025</time>' in question
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


def test_a_questions_link_leads_to_the_page_of_the_list_that_holds_it(client):
    # Equal order and question are told apart by the slug, as the list sorts them.
    faqs = [FAQFactory(question=f"Q {i:03}?", slug=f"q-{i:03}", order=0) for i in range(120)]
    twins = [FAQFactory(question="Twin?", order=0, slug=slug) for slug in ("twin-b", "twin-a")]
    FAQFactory(question="Draft?", slug="draft", status=Status.DRAFT)

    for faq in [*faqs, *twins]:
        response = client.get(faq.get_absolute_url())
        assert response.status_code == 302
        page = response["Location"].split("#")[0]
        assert response["Location"].endswith(f"#{faq.slug}")
        assert f'id="{faq.slug}"' in client.get(page).content.decode(), faq.slug
    assert client.get(faqs[0].get_absolute_url())["Location"] == "/faq/#q-000"
    last_page = 119 // FAQ_PAGE_SIZE + 1
    assert client.get(faqs[-1].get_absolute_url())["Location"] == f"/faq/?page={last_page}#q-119"
    twin_page = 121 // FAQ_PAGE_SIZE + 1  # after the 120 others; twin-a before twin-b
    assert client.get("/faq/twin-b/")["Location"] == f"/faq/?page={twin_page}#twin-b"
    assert client.get("/faq/draft/").status_code == 404
    assert client.get("/faq/no-such-question/").status_code == 404
