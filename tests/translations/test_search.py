"""Search in Spanish: Spanish stemming, accents ignored, Spanish other names, English for what is
not translated; the same on SQLite and PostgreSQL (issue 18, item 5)."""

import pytest

from conditions.models import Condition, Status
from conditions.services import workflow
from search.analysis import SPANISH
from search.backends import content_search, forget_memory_index
from search.query import Query
from tests.factories import ConditionFactory
from translations.services import translation_of, translation_start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cold_search_index():
    forget_memory_index()
    yield
    forget_memory_index()


def spanish(text):
    return content_search(Query.parse(text, SPANISH))


def top(text, n=3):
    return [hit.title for hit in spanish(text)[0:n]]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("quiste de Baker", "Quiste de Baker"),
        ("menisco roto", "Desgarro de menisco"),
        ("tendinitis rotuliana", "Rodilla de saltador"),
        # Accents and tildes, typed or not, and plurals.
        ("quiste popliteo", "Quiste de Baker"),
        ("QUISTE POPLÍTEO", "Quiste de Baker"),
        ("meniscos rotos", "Desgarro de menisco"),
        ("calambres en las piernas", "Calambres en las piernas"),
        ("LCA", "Lesión del ligamento cruzado anterior"),
        ("hinchazon", "Hinchazón"),
    ],
)
def test_spanish_queries_find_the_right_page_first(seed_site, query, first):
    assert top(query)[0] == first


def test_rodilla_finds_the_knee_pages_by_their_spanish_text(seed_site):
    results = spanish("rodilla")
    titles = [hit.title for hit in results[0 : results.count()]]
    # Every condition page speaks of the knee (the Spanish word, never the English one).
    for condition in Condition.objects.published():
        assert translation_of(condition, "es").values["name"] in titles
    assert "rodilla" in titles[0].lower()
    assert results[0].kind in {"condition", "symptom"}
    assert "<mark>rodilla</mark>" in str(results[0].title_html).lower()


def test_a_spanish_results_snippet_marks_every_form_of_the_word(seed_site):
    hit = spanish("rodillas")[0]
    assert "<mark>rodilla</mark>" in str(hit.title_html).lower()


def test_english_search_is_not_changed_by_translations(seed_site):
    assert content_search(Query.parse("rodilla")).count() == 0
    assert [hit.title for hit in content_search(Query.parse("bakers cyst"))[0:1]] == [
        "Baker’s Cyst"
    ]


def test_an_untranslated_item_is_found_by_its_english(seed_site):
    ConditionFactory(name="Osgood-Schlatter disease", summary="Pain below the kneecap.")
    assert top("Osgood") == ["Osgood-Schlatter disease"]


def test_only_live_translations_and_published_items_are_searched(seed_site, clinician):
    condition = ConditionFactory(name="Plica syndrome", slug="plica")
    translation_start(condition, "es", {"name": "Síndrome de plica", "summary": "Un pliegue."})
    assert top("pliegue") == []  # a draft translation: the English is searched
    assert top("plica") == ["Plica syndrome"]
    bakers = Condition.objects.get(slug="bakers-cyst")
    workflow.content_sign_off(bakers, clinician)
    workflow.content_unpublish(bakers, clinician, "Being rewritten")
    assert "Quiste de Baker" not in top("quiste de Baker")


def test_a_spanish_search_costs_one_query_and_three_when_content_changed(
    seed_site, django_assert_num_queries
):
    # The content generation, every published item, their live Spanish translations.
    with django_assert_num_queries(3):
        assert spanish("menisco roto")[0].title == "Desgarro de menisco"
    with django_assert_num_queries(1):  # the content generation
        assert spanish("quiste de Baker")[0].title == "Quiste de Baker"
    translation = translation_of(Condition.objects.get(slug="meniscus-tear"), "es")
    translation.alternate_names += "\nRodilla bloqueada por el menisco"
    translation.save()
    with django_assert_num_queries(3):
        assert spanish("bloqueada")[0].title == "Desgarro de menisco"


def test_a_translation_without_other_names_or_text_still_searches_by_name(seed_site):
    condition = ConditionFactory(name="Chondromalacia", slug="chondromalacia")
    translation_start(condition, "es", {"name": "Condromalacia"}, status=Status.PUBLISHED)
    assert top("condromalacia") == ["Condromalacia"]
