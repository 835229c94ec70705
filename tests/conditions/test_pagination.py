"""Every list is paginated: big content stays a page at a time, and bad page numbers are safe."""

import pytest

from conditions.models import Status
from conditions.views import LIST_PAGE_SIZE, SUBLIST_PAGE_SIZE
from faq.views import FAQ_PAGE_SIZE
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_a_to_z_comes_a_page_at_a_time(client):
    for n in range(LIST_PAGE_SIZE + 1):
        ConditionFactory(name=f"Condition {n:03d}")
    first = client.get("/conditions/").text
    assert "Condition 000" in first and f"Condition {LIST_PAGE_SIZE:03d}" not in first
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/conditions/?page=2").text
    assert f"Condition {LIST_PAGE_SIZE:03d}" in second and "Condition 000" not in second


def test_a_to_z_letter_shows_only_that_letter(client):
    ConditionFactory(name="Baker's cyst")
    ConditionFactory(name="bursitis")
    ConditionFactory(name="Arthritis")
    page = client.get("/conditions/?letter=b").text
    assert "Baker&#x27;s cyst" in page and "bursitis" in page and "Arthritis" not in page
    assert "<h1>Conditions A–Z: B</h1>" in page


def test_a_to_z_pages_follow_the_next_content_change(client):
    """The number of conditions is kept between requests, but never past a change."""
    conditions = [ConditionFactory(name=f"Condition {n:03d}") for n in range(LIST_PAGE_SIZE + 1)]
    assert "Page 1 of 2" in client.get("/conditions/").text
    assert client.get("/conditions/?page=2").status_code == 200
    # Each letter is counted apart from the whole list.
    assert "Page 1 of 2" in client.get("/conditions/?letter=C").text
    assert "No conditions start with A" in client.get("/conditions/?letter=A").text

    conditions[0].status = Status.UNPUBLISHED
    conditions[0].save()

    for url in ["/conditions/", "/conditions/?letter=C"]:
        page = client.get(url).text
        assert "Page 1 of" not in page and f"Condition {LIST_PAGE_SIZE:03d}" in page, url
    assert client.get("/conditions/?page=2").status_code == 404


def test_symptom_page_count_follows_its_conditions(client):
    swelling = SymptomFactory(slug="swelling")
    extra = [ConditionFactory(symptoms=[swelling]) for _ in range(SUBLIST_PAGE_SIZE)]
    assert "Page 1 of" not in client.get("/symptoms/swelling/").text

    ConditionFactory(symptoms=[swelling])

    assert "Page 1 of 2" in client.get("/symptoms/swelling/").text
    extra[0].symptoms.remove(swelling)
    assert "Page 1 of" not in client.get("/symptoms/swelling/").text


def test_faq_list_count_follows_deletes(client):
    faqs = FAQFactory.create_batch(FAQ_PAGE_SIZE + 1)
    assert "Page 1 of 2" in client.get("/faq/").text
    faqs[-1].delete()
    assert "Page 1 of" not in client.get("/faq/").text


@pytest.mark.parametrize("query", ["?page=abc", "?page=999", "?letter=%3Cscript%3E", "?page=-1"])
def test_odd_page_or_letter_is_a_404_or_a_friendly_page(client, query):
    ConditionFactory(name="Arthritis")
    response = client.get(f"/conditions/{query}")
    assert response.status_code in {200, 404}
    assert "<script>" not in response.text


def test_symptom_page_pages_its_conditions(client):
    swelling = SymptomFactory(slug="swelling")
    for n in range(SUBLIST_PAGE_SIZE + 1):
        ConditionFactory(name=f"Condition {n:03d}", symptoms=[swelling])
    first = client.get("/symptoms/swelling/").text
    assert f"Condition {SUBLIST_PAGE_SIZE - 1:03d}" in first
    assert f"Condition {SUBLIST_PAGE_SIZE:03d}" not in first
    assert f"Condition {SUBLIST_PAGE_SIZE:03d}" in client.get("/symptoms/swelling/?page=2").text


def test_tag_page_second_page_does_not_repeat_shorter_sections(client):
    tag = TagFactory(name="knee")
    for n in range(SUBLIST_PAGE_SIZE + 1):
        ConditionFactory(name=f"Condition {n:03d}", tags=[tag])
    SymptomFactory(name="Only symptom", tags=[tag])
    first = client.get("/tags/knee/").text
    second = client.get("/tags/knee/?page=2").text
    assert "Only symptom" in first and "Only symptom" not in second
    assert f"Condition {SUBLIST_PAGE_SIZE:03d}" in second
    assert "Page 2 of 2" in second
