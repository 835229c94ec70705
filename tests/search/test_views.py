"""The search page as a patient uses it: the box on every page, results, odd input, paging."""

import re
from html import unescape

import pytest
from django.db import connection

from search.views import RESULTS_PER_PAGE
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory

pytestmark = pytest.mark.django_db


def get_page(client, params=None, url="/search/"):
    response = client.get(url, params)
    assert response.status_code == 200, f"{url} {params!r} answered {response.status_code}"
    return response.content.decode()


def result_titles(html):
    """The visible titles of the results, in order."""
    titles = re.findall(
        r'<li class="search-result">.*?<h2><a href="[^"]*">(.*?)</a></h2>', html, re.S
    )
    return [unescape(re.sub(r"<[^>]+>", "", title)) for title in titles]


@pytest.mark.parametrize("url", ["/", "/conditions/", "/symptoms/", "/faq/", "/search/"])
def test_every_page_has_a_labelled_search_box_that_works_without_javascript(client, url):
    html = get_page(client, url=url)
    form = re.search(r'<form class="site-search" role="search"[^>]*>.*?</form>', html, re.S)
    assert form, "no search form in the header"
    form = form.group()
    assert 'action="/search/"' in form and 'method="get"' in form
    assert '<label for="site-search-q"' in form
    assert 'id="site-search-q" name="q"' in form
    assert '<button type="submit">Search</button>' in form


def test_home_page_has_its_own_search_box(client):
    html = get_page(client, url="/")
    assert 'id="home-search-q" name="q"' in html
    assert '<label for="home-search-q">Search for a condition' in html


def test_search_landmarks_have_distinct_names(client):
    html = get_page(client, {"q": "knee"})
    labels = re.findall(r'role="search" aria-label="([^"]+)"', html)
    assert len(labels) == 2 and len(set(labels)) == 2


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "\u200b\u200f"}])
def test_empty_query_gives_a_friendly_page_with_ways_to_browse(client, params):
    html = get_page(client, params)

    assert "<h1>Search</h1>" in html
    assert 'class="search-results"' not in html
    assert '<a href="/conditions/">Conditions A–Z</a>' in html
    assert 'href="/symptoms/"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_query_of_only_common_words_says_so_kindly(client):
    html = get_page(client, {"q": "the and of"})
    assert "We could not find any words to search for" in html
    assert 'href="/conditions/"' in html


def test_no_results_suggests_what_to_do(client):
    ConditionFactory(name="Knee thing")
    html = get_page(client, {"q": "xylophone"})
    assert "Nothing matched “xylophone”" in html
    assert 'href="/conditions/"' in html


def test_query_and_content_markup_is_escaped_in_titles_and_snippets(client):
    ConditionFactory(
        name="<b>Bold</b> knee & <i>more</i>",
        summary="A knee <script>alert(1)</script> summary & so on.",
        body="Knee `code` <img src=x onerror=alert(1)>",
    )
    html = get_page(client, {"q": "knee <b>"})

    assert "<mark>knee</mark> &amp; &lt;i&gt;more&lt;/i&gt;" in html
    assert "<b>Bold</b>" not in html
    assert "<script>" not in html
    assert "onerror" not in html


def test_results_are_paginated_and_bad_page_numbers_give_a_real_page(client):
    for i in range(RESULTS_PER_PAGE * 2 + 5):
        SymptomFactory(name=f"Kangaroo {i:02}")

    first = get_page(client, {"q": "kangaroo"})
    assert len(result_titles(first)) == RESULTS_PER_PAGE
    assert "45 results, page 1 of 3" in first
    assert 'href="?q=kangaroo&amp;page=2" rel="next"' in first

    last = get_page(client, {"q": "kangaroo", "page": "3"})
    assert result_titles(last) == [f"Kangaroo {i:02}" for i in range(40, 45)]
    assert '<ol class="search-results" start="41">' in last

    for bad in ["0", "-1", "abc", "99999", "1e309", "9" * 5000, "2.5", "", "\x00"]:
        html = get_page(client, {"q": "kangaroo", "page": bad})
        assert len(result_titles(html)) in (RESULTS_PER_PAGE, 5)


def test_every_result_is_on_exactly_one_page_in_order(client, django_assert_max_num_queries):
    # Equal scores across a page boundary, in two content types: the pages must not repeat or
    # skip an item, whichever page is read first.
    for i in range(RESULTS_PER_PAGE + 3):
        SymptomFactory(name=f"Dingo {i:02}")
    ConditionFactory(name="Dingo knee", summary="Dingo. " * 5)
    FAQFactory(question="Is a dingo a knee?", answer="Dingo " * 30)

    client.get("/")  # the header's clinic facts, cached from then on: not the search's cost
    # On PostgreSQL, + the content generation the header's clinic facts are cached under.
    queries = 3 if connection.vendor == "postgresql" else 2
    pages = {}
    for number in (2, 1):
        with django_assert_max_num_queries(queries):
            pages[number] = result_titles(get_page(client, {"q": "dingo", "page": str(number)}))
    titles = pages[1] + pages[2]

    assert len(pages[1]) == RESULTS_PER_PAGE and len(titles) == RESULTS_PER_PAGE + 5
    assert sorted(titles) == sorted(
        [f"Dingo {i:02}" for i in range(RESULTS_PER_PAGE + 3)]
        + ["Dingo knee", "Is a dingo a knee?"]
    )
    assert titles[0] == "Dingo knee"


@pytest.mark.parametrize("n", [1, 30], ids=["1-result", "30-results"])
def test_search_page_query_count_does_not_grow_with_results(client, django_assert_num_queries, n):
    for i in range(n):
        ConditionFactory(name=f"Wallaby {i}", summary="A wallaby knee.", body="Wallaby. " * 20)
        FAQFactory(question=f"Wallaby question {i}?", answer="About a wallaby.")

    # PostgreSQL: 1. the planner told to use the indexes, for the search's transaction
    #             2. one page of matches, scored and ordered, with the fields the page shows
    #                and the number of matches in the four tables
    # SQLite:     1. the content version (row counts and latest changes of the four tables)
    #             2. every published item, to build the in-memory index (the test starts cold;
    #                while content is unchanged, later searches skip this query)
    # + the clinic's profile and its locations, for the header and footer, and on PostgreSQL
    #   the content generation they are cached under
    header = 3 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(2 + header):
        html = get_page(client, {"q": "wallaby knee"})

    assert len(result_titles(html)) == min(2 * n, RESULTS_PER_PAGE)


def test_sqlite_fallback_reuses_its_index_until_content_changes(client, django_assert_num_queries):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL searches its indexes directly")
    ConditionFactory(name="Koala knee")
    get_page(client, {"q": "koala"})

    # 1. the content version: unchanged, so the index is reused
    with django_assert_num_queries(1):
        assert result_titles(get_page(client, {"q": "koala"})) == ["Koala knee"]

    ConditionFactory(name="Koala elbow")
    # + the clinic's profile and its locations, for the header and footer (then
    #   cached until content changes)
    with django_assert_num_queries(4):
        assert result_titles(get_page(client, {"q": "koala"})) == ["Koala elbow", "Koala knee"]
