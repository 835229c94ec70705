"""Every public page costs a fixed number of queries, whether it shows one item or thirty.

Each test builds the page's content with `n` related rows, then counts the queries one anonymous
GET makes. The count is the same for n=1 and n=30; if it grows, a template is fetching per row.
"""

import re

import pytest

from faq.views import FAQ_PAGE_SIZE
from tests.factories import (
    ConditionFactory,
    FAQFactory,
    KneeAreaFactory,
    SymptomFactory,
    TagFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db

ONE_AND_MANY = pytest.mark.parametrize("n", [1, 30], ids=["1-item", "30-items"])


def get_html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def has_feedback_form(html, item):
    """Whether the page asks "Was this page helpful?" about `item`: the form costs no query."""
    return f'name="page" value="{item._meta.label_lower}:{item.pk}"' in html


@ONE_AND_MANY
def test_home_page_query_count(client, django_assert_num_queries, n):
    tags = TagFactory.create_batch(n)
    conditions = [ConditionFactory(tags=[tag]) for tag in tags]
    FAQFactory.create_batch(n)

    # 1. published conditions for the A–Z list
    # 2. the content generation, which keys what the local-memory cache keeps (kneeinfo/cache.py)
    # 3. every visible tag with how many published items use each, for the most used (then
    #    cached until content changes; the test's saves have just changed it)
    # 4. the first three published FAQs
    # + the clinic's profile and its locations, for the header and footer (then
    #   cached until content changes)
    with django_assert_num_queries(6):
        html = get_html(client, "/")

    assert conditions[-1].name in html
    assert len(re.findall(r'href="/tags/[^"]+/"', html)) == min(n, 20)


@ONE_AND_MANY
def test_condition_list_query_count(client, django_assert_num_queries, n):
    conditions = [ConditionFactory(name=f"{chr(65 + i % 26)} condition {i}") for i in range(n)]

    # 1. the content generation, which keys what the local-memory cache keeps (kneeinfo/cache.py)
    # 2. the first letters of published conditions, for the letter links (then cached until
    #    content changes; the test's saves have just changed it)
    # 3. COUNT of published conditions, for the pages (then cached until content changes)
    # 4. this page of them (name, slug, summary), grouped by letter in the template
    # + the clinic's profile and its locations, for the header and footer (then
    #   cached until content changes)
    with django_assert_num_queries(6):
        html = get_html(client, "/conditions/")

    assert all(condition.name in html for condition in conditions)
    with django_assert_num_queries(2):
        get_html(client, "/conditions/?page=1")


@ONE_AND_MANY
def test_condition_page_query_count(client, django_assert_num_queries, n):
    areas = [KneeAreaFactory() for _ in range(n)]
    tags = TagFactory.create_batch(n)
    condition = ConditionFactory(
        slug="busy",
        symptoms=SymptomFactory.create_batch(n),
        treatments=TreatmentFactory.create_batch(n),
        related=ConditionFactory.create_batch(n),
        knee_areas=[area.slug for area in areas],
        tags=tags,
    )
    faqs = FAQFactory.create_batch(n, conditions=[condition])

    # 1. the content generation, which keys what the local-memory cache keeps (kneeinfo/cache.py)
    # 2. the published condition, with its reviewer
    # 3-9. its published symptoms, treatments, related conditions, published conditions sharing
    #    its tags ("more on similar topics"), published FAQs, knee areas and visible tags
    # 10. every published condition's names, for linking mentions in the body
    # 11-12. the clinic's profile and its locations, for the header and footer
    # 13. its live Spanish translation, if any, for the page's hreflang links
    # All of them are kept until content changes (the test's saves have just changed it), so
    # every later request makes only the first.
    with django_assert_num_queries(13):
        html = get_html(client, "/conditions/busy/")
    with django_assert_num_queries(1):
        assert get_html(client, "/conditions/busy/") == html

    assert has_feedback_form(html, condition)
    assert condition.symptoms.last().name in html
    assert condition.treatments.last().name in html
    assert condition.related.last().name in html
    assert faqs[-1].question in html
    assert areas[-1].name.lower() in html
    assert tags[-1].name in html


@ONE_AND_MANY
def test_symptom_list_query_count(client, django_assert_num_queries, n):
    symptoms = SymptomFactory.create_batch(n)

    # 1. the content generation, which keys what the local-memory cache keeps
    # 2. COUNT of published symptoms, for the pages (then cached until content changes)
    # 3. this page of them (name, slug, description)
    # + the clinic's profile and its locations, for the header and footer (then
    #   cached until content changes)
    with django_assert_num_queries(5):
        html = get_html(client, "/symptoms/")

    assert symptoms[-1].name in html
    with django_assert_num_queries(2):
        get_html(client, "/symptoms/?page=1")


@ONE_AND_MANY
def test_symptom_page_query_count(client, django_assert_num_queries, n):
    tags = TagFactory.create_batch(n)
    symptom = SymptomFactory(slug="busy", tags=tags)
    conditions = ConditionFactory.create_batch(n, symptoms=[symptom])

    # 1. the symptom
    # 2. its tags
    # 3. the content generation, which keys what the local-memory cache keeps
    # 4. COUNT of the published conditions that show it (then cached until content changes)
    # 5. this page of them
    # 6. its live Spanish translation, if any, for the page's hreflang links
    # + the clinic's profile and its locations, for the header and footer (then
    #   cached until content changes, as the translation is)
    with django_assert_num_queries(8):
        html = get_html(client, "/symptoms/busy/")

    assert has_feedback_form(html, symptom)
    assert conditions[-1].name in html
    assert tags[-1].name in html
    with django_assert_num_queries(4):
        get_html(client, "/symptoms/busy/?page=1")


@ONE_AND_MANY
def test_treatment_list_query_count(client, django_assert_num_queries, n):
    kinds = ["self_care", "medication", "therapy", "injection", "support", "surgery"]
    treatments = [TreatmentFactory(kind=kinds[i % len(kinds)]) for i in range(n)]

    # 1. the content generation, which keys what the local-memory cache keeps
    # 2. COUNT of published treatments, for the pages (then cached until content changes)
    # 3. this page of them (name, slug, kind, description), grouped by kind in the template
    # + the clinic's profile and its locations, for the header and footer (then
    #   cached until content changes)
    with django_assert_num_queries(5):
        html = get_html(client, "/treatments/")

    assert treatments[-1].name in html
    with django_assert_num_queries(2):
        get_html(client, "/treatments/?page=1")


@ONE_AND_MANY
def test_treatment_page_query_count(client, django_assert_num_queries, n):
    tags = TagFactory.create_batch(n)
    treatment = TreatmentFactory(slug="busy", tags=tags)
    conditions = ConditionFactory.create_batch(n, treatments=[treatment])

    # 1. the treatment
    # 2. its tags
    # 3. the content generation, which keys what the local-memory cache keeps
    # 4. COUNT of the published conditions it treats (then cached until content changes)
    # 5. this page of them
    # 6. its live Spanish translation, if any, for the page's hreflang links
    # + the clinic's profile and its locations, for the header and footer (then
    #   cached until content changes, as the translation is)
    with django_assert_num_queries(8):
        html = get_html(client, "/treatments/busy/")

    assert has_feedback_form(html, treatment)
    assert conditions[-1].name in html
    assert tags[-1].name in html
    with django_assert_num_queries(4):
        get_html(client, "/treatments/busy/?page=1")


@ONE_AND_MANY
def test_tag_list_query_count(client, django_assert_num_queries, n):
    tags = TagFactory.create_batch(n)
    ConditionFactory(tags=tags)
    SymptomFactory(tags=tags)
    TreatmentFactory(tags=tags)
    FAQFactory(tags=tags)

    # 1. the content generation, which keys what the local-memory cache keeps
    # 2. every visible tag with its published use count (then cached until content changes;
    #    the test's saves have just changed it); the page is cut from that list
    # + the clinic's profile and its locations, for the header and footer (then
    #   cached until content changes)
    with django_assert_num_queries(4):
        html = get_html(client, "/tags/")

    assert f"{tags[-1].name} <span" in html
    # Until content changes, every page of topics is cut from the cached counts.
    with django_assert_num_queries(1):
        get_html(client, "/tags/?page=1")


@ONE_AND_MANY
def test_tag_page_query_count(client, django_assert_num_queries, n):
    tag = TagFactory(name="swelling")
    conditions = ConditionFactory.create_batch(n, tags=[tag])
    symptoms = SymptomFactory.create_batch(n, tags=[tag])
    treatments = TreatmentFactory.create_batch(n, tags=[tag])
    faqs = FAQFactory.create_batch(n, tags=[tag])

    # 1. the tag
    # 2. the content generation, which keys what the local-memory cache keeps
    # 3-6. how many published conditions, symptoms, treatments and FAQs have it
    # 7-10. this page of each
    # 11-12. the clinic's profile and its locations, for the header and footer
    # All but the tag are kept until content changes (the test's saves have just changed it),
    # so every later request makes only the first two.
    with django_assert_num_queries(12):
        html = get_html(client, "/tags/swelling/")
    with django_assert_num_queries(2):
        assert get_html(client, "/tags/swelling/") == html

    for items in [conditions, symptoms, treatments]:
        assert items[-1].name in html
    assert faqs[-1].question in html


@ONE_AND_MANY
def test_faq_page_query_count(client, django_assert_num_queries, n):
    conditions = ConditionFactory.create_batch(n)
    faqs = FAQFactory.create_batch(n, conditions=conditions)

    # 1. the content generation, which keys what the local-memory cache keeps
    # 2. COUNT of published FAQs, for the pages (then cached until content changes)
    # 3. this page of them, with who reviewed each
    # 4. the published conditions each one links to
    # + the clinic's profile and its locations, for the header and footer (then
    #   cached until content changes)
    with django_assert_num_queries(6):
        html = get_html(client, "/faq/")

    assert len(re.findall(r'<section class="faq-entry"', html)) == min(n, FAQ_PAGE_SIZE)
    assert all(has_feedback_form(html, faq) for faq in faqs[:FAQ_PAGE_SIZE])
    assert faqs[0].question in html  # first in order
    assert conditions[-1].name in html
    with django_assert_num_queries(3):
        get_html(client, "/faq/?page=1")


@ONE_AND_MANY
def test_faq_question_page_query_count(client, django_assert_num_queries, n):
    conditions = ConditionFactory.create_batch(n)
    tags = TagFactory.create_batch(n)
    faq = FAQFactory(conditions=conditions, tags=tags)

    # 1. the published question, with who reviewed it
    # 2. the published conditions it links to
    # 3. its tags
    # 4. its live Spanish translation, if any, for the page's hreflang links
    # + the content generation, the clinic's profile and its locations, for the header and
    #   footer (then cached until content changes, as the translation is)
    with django_assert_num_queries(7):
        html = get_html(client, faq.get_absolute_url())

    assert has_feedback_form(html, faq)
    assert conditions[-1].name in html
    assert tags[-1].name in html


@ONE_AND_MANY
def test_sitemap_query_count(client, django_assert_num_queries, n):
    for tag in TagFactory.create_batch(n):  # n topics, each with a published page
        ConditionFactory(tags=[tag])
    SymptomFactory.create_batch(n)
    treatments = TreatmentFactory.create_batch(n)

    # The index: the home page and the lists cost nothing; 1-4. COUNT of published conditions,
    # symptoms, treatments and FAQs, for their sections' pages; 5. the content generation and
    # 6. every topic with published items (then cached until content changes); 7-10. COUNT of
    # those that have a live Spanish translation, for the Spanish sections' pages.
    with django_assert_num_queries(10):
        index = client.get("/sitemap.xml")
    # A section's page: 1. COUNT of published items, 2. the page of them (slug, updated_at).
    with django_assert_num_queries(2):
        section = client.get("/sitemap-treatments.xml")

    assert index.status_code == section.status_code == 200
    assert b"/sitemap-treatments.xml" in index.content
    assert treatments[-1].get_absolute_url().encode() in section.content


def test_robots_txt_query_count(client, django_assert_num_queries):
    # No queries: the text is built from settings and the URL map.
    with django_assert_num_queries(0):
        assert client.get("/robots.txt").status_code == 200


def test_healthz_query_count(client, django_assert_num_queries):
    # 1. SELECT 1, to prove the database answers
    with django_assert_num_queries(1):
        assert client.get("/healthz").status_code == 200
