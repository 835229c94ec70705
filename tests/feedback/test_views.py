""" "Was this page helpful?" on content pages: the answer and comment forms, without JavaScript
(a page) and for the widget's script (a fragment), and what guards them without a CSRF token."""

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from pytest_django.asserts import assertInHTML

from conditions.models import Status
from feedback.forms import COMMENT_MAX_LENGTH
from feedback.models import Feedback
from feedback.redaction import EMAIL_REMOVED, PHONE_REMOVED
from tests.appointments.test_request_form import any_cache  # noqa: F401 (a fixture)
from tests.factories import (
    ConditionFactory,
    FAQFactory,
    FeedbackFactory,
    SymptomFactory,
    TagFactory,
    TreatmentFactory,
)
from tests.test_cache import page_cache  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
FROM_SITE = {"HTTP_ORIGIN": SITE}
FRAGMENT = {"HTTP_X_REQUESTED_WITH": "fetch"}


def ref(item):
    return f"{item._meta.label_lower}:{item.pk}"


@pytest.fixture
def bakers_cyst(db):
    return ConditionFactory(name="Baker's cyst", slug="bakers-cyst")


@pytest.fixture
def answer(client):
    """POST an answer as the page's form does, from this site unless other headers are given."""

    def post(item=None, helpful="no", page=None, address="203.0.113.7", **headers):
        data = {"page": page if page is not None else ref(item), "helpful": helpful}
        headers = headers or FROM_SITE
        return client.post("/feedback/", data, REMOTE_ADDR=address, **headers)

    return post


def token_in(response):
    return re.search(r'name="token" value="([^"]+)"', response.text).group(1)


def send_comment(client, token, text, **headers):
    data = {"token": token, "comment": text}
    return client.post("/feedback/comment/", data, **(headers or FROM_SITE))


def assert_sets_no_cookie(response):
    assert not response.cookies
    assert "Set-Cookie" not in response


# The form on content pages ---------------------------------------------------------------------


WIDGET = re.compile(
    r'<form method="post" action="/feedback/" class="feedback-answer">\s*'
    r'<input type="hidden" name="page" value="([a-z_.]+:\d+)">'
)


@pytest.mark.parametrize(
    ("make", "url"),
    [
        (lambda: ConditionFactory(slug="page"), "/conditions/page/"),
        (lambda: SymptomFactory(slug="page"), "/symptoms/page/"),
        (lambda: TreatmentFactory(slug="page"), "/treatments/page/"),
        (lambda: FAQFactory(slug="page"), "/faq/page/"),
    ],
    ids=["condition", "symptom", "treatment", "question"],
)
def test_every_content_page_asks_whether_it_was_helpful(client, make, url):
    item = make()
    html = client.get(url).text

    assert WIDGET.findall(html) == [ref(item)]
    assert "Was this page helpful?" in html
    assertInHTML(
        '<button type="submit" name="helpful" value="yes" class="button">Yes</button>', html
    )
    assertInHTML('<button type="submit" name="helpful" value="no" class="button">No</button>', html)
    assert '<script src="/static/js/feedback.js" defer></script>' in html
    # Nothing of this visitor's: the page is the same for everyone, cacheable.
    assert "csrfmiddlewaretoken" not in html and "token" not in html


def test_the_faq_list_asks_about_each_answer(client):
    faqs = FAQFactory.create_batch(3)
    html = client.get("/faq/").text
    assert WIDGET.findall(html) == [ref(faq) for faq in faqs]
    assert html.count("Was this answer helpful?") == 3
    assert len(set(re.findall(r'id="(feedback-faq-\d+)"', html))) == 3


def test_topic_pages_are_navigation_and_ask_nothing(client):
    ConditionFactory(tags=[TagFactory(name="swelling")])
    html = client.get("/tags/swelling/").text
    assert "Was this page helpful?" not in html
    assert "feedback.js" not in html


def test_staff_previewing_a_draft_get_no_form(staff_client):
    ConditionFactory(slug="draft", status=Status.DRAFT)
    html = staff_client.get("/conditions/draft/").text
    assert "Draft — not public." in html
    assert "Was this page helpful?" not in html


def test_a_page_served_from_the_page_cache_carries_the_form_and_sets_no_cookie(
    page_cache,  # noqa: F811
    bakers_cyst,
    client,
    django_assert_num_queries,
):
    client.get("/conditions/bakers-cyst/")
    # Without Redis the content generation is read from the database.
    with django_assert_num_queries(0 if page_cache == "redis" else 1):
        response = client.get("/conditions/bakers-cyst/")

    assert response["X-Page-Cache"] == "hit"
    assert WIDGET.findall(response.text) == [ref(bakers_cyst)]
    assert_sets_no_cookie(response)


def test_an_answer_does_not_make_cached_pages_stale(page_cache, bakers_cyst, client, answer):  # noqa: F811
    client.get("/conditions/bakers-cyst/")
    assert answer(bakers_cyst).status_code == 200
    assert answer(bakers_cyst, helpful="yes", address="198.51.100.1").status_code == 200
    assert client.get("/conditions/bakers-cyst/")["X-Page-Cache"] == "hit"


# Answering without JavaScript ------------------------------------------------------------------


def test_an_answer_is_stored_and_thanked_for_with_the_comment_step(bakers_cyst, answer):
    response = answer(bakers_cyst, helpful="no")

    assert response.status_code == 200
    stored = Feedback.objects.get()
    assert (stored.page, stored.helpful, stored.comment) == (bakers_cyst, False, "")
    html = response.text
    assert "<h1>Thank you for your answer</h1>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "What was missing or unclear?" in html
    assert "Do not include personal or medical details." in html
    assert 'action="/feedback/comment/"' in html
    assertInHTML('<a href="/conditions/bakers-cyst/">Back to “Baker&#x27;s cyst”</a>', html)
    # Never kept by the page cache, a browser or a proxy: the token is this answer's own.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "X-Page-Cache" not in response
    assert_sets_no_cookie(response)


def test_a_yes_asks_what_helped(bakers_cyst, answer):
    response = answer(bakers_cyst, helpful="yes")
    assert Feedback.objects.get().helpful is True
    assert "What helped you?" in response.text


def test_a_comment_is_stored_without_personal_details(bakers_cyst, answer, client):
    token = token_in(answer(bakers_cyst))

    response = send_comment(
        client,
        token,
        "It never says how long the swelling lasts.\r\nCall me: 212-555-0100, maria@example.net",
    )

    assert response.status_code == 200
    assert "<h1>Thank you: your comment has been sent</h1>" in response.text
    assert Feedback.objects.get().comment == (
        f"It never says how long the swelling lasts.\nCall me: {PHONE_REMOVED}, {EMAIL_REMOVED}"
    )
    assert "212-555-0100" not in response.text
    assert_sets_no_cookie(response)


def test_a_comment_too_long_is_refused_with_a_clear_message_keeping_what_was_typed(
    bakers_cyst, answer, client
):
    token = token_in(answer(bakers_cyst))
    typed = "The page is too long & confusing. " * 20  # 680 characters

    response = send_comment(client, token, typed)

    assert response.status_code == 400
    assert "<title>Error: Thank you for your answer" in response.text
    assert (
        "Your comment has 679 characters; it can have at most 500. Shorten it and send it again."
        in response.text
    )
    textarea = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", response.text, re.S).group(1)
    assert textarea == typed.replace("&", "&amp;")
    assert 'aria-invalid="true"' in response.text
    assert Feedback.objects.get().comment == ""
    # The same token still works once the comment is shortened.
    assert send_comment(client, token_in(response), typed[:COMMENT_MAX_LENGTH]).status_code == 200
    assert Feedback.objects.get().comment == typed[:COMMENT_MAX_LENGTH].strip()


def test_line_breaks_count_as_one_character_each_as_the_patient_typed_them(
    bakers_cyst, answer, client
):
    token = token_in(answer(bakers_cyst))
    typed = ("x" * 99 + "\r\n") * 5  # 500 characters as typed; 505 as a form sends them
    assert send_comment(client, token, typed).status_code == 200


def test_an_empty_comment_asks_for_one(bakers_cyst, answer, client):
    token = token_in(answer(bakers_cyst))
    response = send_comment(client, token, "  \r\n ")
    assert response.status_code == 400
    assert "Write your comment, or go back to the page." in response.text


def test_one_comment_per_answer(bakers_cyst, answer, client):
    token = token_in(answer(bakers_cyst))
    assert send_comment(client, token, "First thoughts").status_code == 200

    response = send_comment(client, token, "Second thoughts")

    assert response.status_code == 400
    assert "A comment was already sent with this answer" in response.text
    assert "Second thoughts" in response.text  # to copy
    assert Feedback.objects.get().comment == "First thoughts"


def test_a_forged_or_expired_token_adds_no_comment_and_keeps_what_was_typed(
    bakers_cyst, answer, client, monkeypatch
):
    token = token_in(answer(bakers_cyst))
    stored = Feedback.objects.get()
    forged = signing.dumps(stored.pk, salt="another purpose")
    two_days_ago = time.time() - timedelta(days=2).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: two_days_ago)
    expired = signing.dumps(stored.pk, salt="feedback.comment")
    monkeypatch.undo()

    for bad in [forged, expired, token[:-2], "", "<script>"]:
        response = send_comment(client, bad, "Lost words")
        assert response.status_code == 400
        assert "This comment form has expired" in response.text
        assert "Lost words" in response.text
    assert Feedback.objects.get().comment == ""


def test_answering_the_same_page_again_from_one_address_changes_the_answer(bakers_cyst, answer):
    answer(bakers_cyst, helpful="no")
    answer(bakers_cyst, helpful="yes")
    assert list(Feedback.objects.values_list("helpful", flat=True)) == [True]

    answer(bakers_cyst, helpful="no", address="198.51.100.20")
    answer(ConditionFactory(), helpful="no")
    assert Feedback.objects.count() == 3


def test_answering_again_after_a_comment_offers_no_second_comment(bakers_cyst, answer, client):
    send_comment(client, token_in(answer(bakers_cyst)), "Unclear")
    response = answer(bakers_cyst, helpful="yes")
    assert response.status_code == 200
    assert "You have already sent us a comment about this page." in response.text
    assert 'name="token"' not in response.text
    assert Feedback.objects.get().helpful is True


# For the widget's script -----------------------------------------------------------------------


def test_the_script_gets_the_comment_step_as_a_fragment_of_the_widget(bakers_cyst, answer, client):
    response = answer(bakers_cyst, helpful="no", **FROM_SITE, **FRAGMENT)

    assert response.status_code == 200
    html = response.text
    assert "<html" not in html and "<h1" not in html
    assert '<p class="feedback-heading" tabindex="-1" data-feedback-focus>' in html
    assert 'id="feedback-' in html and "What was missing or unclear?" in html

    done = send_comment(client, token_in(response), "Clearer, please", **FROM_SITE, **FRAGMENT)
    assert done.status_code == 200
    assert "Thank you: your comment has been sent" in done.text and "<html" not in done.text
    assert_sets_no_cookie(done)


def test_the_script_gets_a_mistake_as_a_fragment_with_the_status(bakers_cyst, answer, client):
    token = token_in(answer(bakers_cyst))
    response = send_comment(client, token, "x" * 501, **FROM_SITE, **FRAGMENT)
    assert response.status_code == 400
    assert "<html" not in response.text
    assert "it can have at most 500" in response.text


# What guards the forms without a CSRF token ----------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://testserver"},  # another scheme is another origin
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
        {"HTTP_REFERER": "https://evil.example/conditions/bakers-cyst/"},
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_REFERER": f"{SITE}/conditions/x/"},
        {"HTTP_USER_AGENT": "neither Origin nor Referer"},
    ],
    ids=["other-site", "null", "other-scheme", "lookalike", "referer", "origin-wins", "none"],
)
def test_an_answer_from_another_site_is_refused(bakers_cyst, answer, client, headers):
    response = answer(bakers_cyst, **headers)

    assert response.status_code == 403
    assert "We could not accept this form" in response.text
    assert not Feedback.objects.exists()
    assert_sets_no_cookie(response)

    token = signing.dumps(FeedbackFactory(page=bakers_cyst).pk, salt="feedback.comment")
    refused = send_comment(client, token, "Kept words", **headers)
    assert refused.status_code == 403
    assert "Kept words" in refused.text
    assert Feedback.objects.get().comment == ""


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": SITE},
        {"HTTP_REFERER": f"{SITE}/conditions/bakers-cyst/"},
        {"HTTP_ORIGIN": "https://www.clinic.example"},  # in CSRF_TRUSTED_ORIGINS
    ],
    ids=["origin", "referer-without-origin", "trusted-origin"],
)
def test_an_answer_from_this_site_is_taken(bakers_cyst, answer, settings, headers):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.clinic.example"]
    assert answer(bakers_cyst, **headers).status_code == 200
    assert Feedback.objects.count() == 1


def test_the_csrf_check_of_the_rest_of_the_site_is_untouched(bakers_cyst):
    browser = Client(enforce_csrf_checks=True)
    data = {"page": ref(bakers_cyst), "helpful": "no"}
    assert browser.post("/feedback/", data, **FROM_SITE).status_code == 200
    assert browser.post("/appointments/", {"name": "x"}, **FROM_SITE).status_code == 403


def test_after_the_hours_limit_an_address_gets_a_friendly_429(
    any_cache,  # noqa: F811
    answer,
    settings,
):
    settings.FEEDBACK_PER_HOUR = 3
    pages = ConditionFactory.create_batch(4)
    for page in pages[:3]:
        assert answer(page).status_code == 200

    response = answer(pages[3])

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "<h1>Too many answers from your connection</h1>" in response.text
    assert "3 answers from your internet connection in the last hour" in response.text
    assert_sets_no_cookie(response)
    assert Feedback.objects.count() == 3
    # Another address is not held back.
    assert answer(pages[3], address="198.51.100.20").status_code == 200


def test_answers_about_pages_that_do_not_exist_count_against_the_limit(answer, settings):
    settings.FEEDBACK_PER_HOUR = 2
    assert answer(page="conditions.condition:999999").status_code == 404
    assert answer(page="conditions.condition:999998").status_code == 404
    assert answer(page="conditions.condition:999997").status_code == 429


@pytest.mark.parametrize(
    ("page", "status"),
    [
        ("conditions.condition:999999", 404),
        ("auth.user:1", 404),
        ("taggit.tag:1", 404),
        ("conditions.tag:1", 404),
        ("conditions.condition:0", 400),
        ("conditions.condition:abc", 400),
        ("conditions.condition:1:2", 400),
        ("conditions.condition:99999999999999999999999", 400),
        ("../../etc/passwd", 400),
        ("", 400),
        ("x" * 200, 400),
    ],
)
def test_an_answer_about_no_published_page_gets_400_or_404_and_stores_nothing(answer, page, status):
    response = answer(page=page)
    assert response.status_code == status
    assert "<h1>" in response.text
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("state", [Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED])
def test_an_answer_about_an_unpublished_page_gets_404(answer, state):
    draft = ConditionFactory(status=state)
    response = answer(draft)
    assert response.status_code == 404
    assert "That page is not available" in response.text
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("helpful", ["maybe", "", "YES", "1"])
def test_an_answer_that_is_neither_yes_nor_no_gets_400(bakers_cyst, answer, helpful):
    assert answer(bakers_cyst, helpful=helpful).status_code == 400
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("url", ["/feedback/", "/feedback/comment/"])
def test_visiting_the_form_addresses_gets_a_page_saying_what_they_are_for(client, url):
    response = client.get(url)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Was this page helpful?" in response.text
    assert_sets_no_cookie(response)


def test_deleting_a_page_deletes_its_answers(bakers_cyst):
    FeedbackFactory(page=bakers_cyst, comment="Unclear")
    other = FeedbackFactory()
    bakers_cyst.delete()
    assert list(Feedback.objects.all()) == [other]
