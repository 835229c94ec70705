"""Spanish pages show the live Spanish translations: the item, its lists, the A–Z, the symptom
checker and search; an out-of-date one says so and shows the English callout; query counts stay
bounded (issue 18, items 3-5 and 7)."""

import pytest

from conditions.models import Condition, RedFlagRule, Status
from conditions.services import workflow
from faq.models import FAQ
from tests.factories import (
    ConditionFactory,
    FAQFactory,
    SymptomFactory,
    TreatmentFactory,
)
from translations.services import translation_of, translation_start

pytestmark = pytest.mark.django_db

ONE_AND_MANY = pytest.mark.parametrize("n", [1, 30], ids=["1-item", "30-items"])


def get_html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def spanish(item, **values):
    """A live Spanish translation of `item`: its name (or question) in Spanish by default."""
    title = "question" if isinstance(item, FAQ) else "name"
    values.setdefault(title, f"ES {getattr(item, title)}")
    return translation_start(item, "es", values, status=Status.PUBLISHED)


@pytest.fixture
def busy(n):
    """A condition with n of everything it lists, each in Spanish."""
    condition = ConditionFactory(
        slug="busy",
        name="Busy knee",
        symptoms=SymptomFactory.create_batch(n),
        treatments=TreatmentFactory.create_batch(n),
        related=ConditionFactory.create_batch(n),
    )
    FAQFactory.create_batch(n, conditions=[condition])
    for model in (Condition, FAQ):
        for item in model.objects.all():
            spanish(item)
    for item in [*condition.symptoms.all(), *condition.treatments.all()]:
        spanish(item)
    return condition


@ONE_AND_MANY
def test_a_spanish_condition_page_query_count(client, django_assert_num_queries, n, busy):
    # What the English page makes (13, tests/conditions/test_query_counts.py: the generation, the
    # condition, its seven lists, the names to link, the clinic's profile and locations, its
    # Spanish translation), and the Spanish of its symptoms, treatments, related conditions and
    # FAQs, one query a list (no condition shares its topics: no similar ones to translate).
    # All kept until content changes.
    with django_assert_num_queries(17):
        html = get_html(client, "/es/conditions/busy/")
    with django_assert_num_queries(1):  # the content generation
        assert get_html(client, "/es/conditions/busy/") == html

    assert "<h1>ES Busy knee</h1>" in html
    for item in [*busy.symptoms.all(), *busy.treatments.all(), *busy.related.all()]:
        assert f">ES {item.name}</a>" in html
    assert f"ES {busy.faqs.last().question}" in html
    assert '"inLanguage":"es"' in html
    assert "cambió después de que se revisó" not in html


@ONE_AND_MANY
def test_the_spanish_a_to_z_lists_spanish_names_by_their_letters(
    client, django_assert_num_queries, n
):
    conditions = [ConditionFactory(name=f"{chr(65 + i % 26)} condition {i}") for i in range(n)]
    for condition in conditions[::2]:
        spanish(condition, name=f"Zeta {condition.name}")
    # 1. the content generation; 2-3. every published condition's name and their Spanish
    # names, for the Spanish A–Z's order and letters (then kept until content changes); 4-5.
    # this page of them and their translations; 6-7. the clinic's profile and locations.
    with django_assert_num_queries(7):
        html = get_html(client, "/es/conditions/")
    with django_assert_num_queries(3):  # the generation, this page and its translations
        get_html(client, "/es/conditions/?page=1")

    assert 'id="letter-Z"' in html
    assert f"Zeta {conditions[0].name}" in html
    if n > 1:  # an untranslated name keeps its English, and its place among the letters
        assert html.index(conditions[1].name) < html.index("Zeta")
    page_z = get_html(client, "/es/conditions/?letter=Z")
    assert f"Zeta {conditions[0].name}" in page_z
    assert n == 1 or conditions[1].name not in page_z


@ONE_AND_MANY
def test_a_spanish_list_costs_one_query_more_than_the_english(client, django_assert_num_queries, n):
    for symptom in SymptomFactory.create_batch(n):
        spanish(symptom, description="Cómo se siente.")
    # The English list's five (tests/conditions/test_query_counts.py) and the Spanish of its page.
    with django_assert_num_queries(6):
        html = get_html(client, "/es/symptoms/")
    assert "ES Symptom" in html and "Cómo se siente." in html


def test_an_out_of_date_spanish_page_says_so_and_links_to_the_english(client):
    condition = ConditionFactory(slug="bakers-cyst", body="The English body.")
    spanish(condition, summary="Un quiste.", body="El texto.")
    condition.body = "A corrected English body."
    condition.save()
    html = get_html(client, "/es/conditions/bakers-cyst/")
    assert "La versión en inglés de esta página cambió" in html
    assert 'href="/conditions/bakers-cyst/" hreflang="en-US"' in html
    assert "El texto." in html  # still the Spanish, but not without the warning
    assert "consejos actuales en inglés" not in html  # the urgent help has not changed


def test_a_changed_english_callout_is_shown_above_the_spanish_until_signed_off_again(
    client, clinician
):
    condition = ConditionFactory(
        slug="leg-cramps",
        urgency=Condition.Urgency.URGENT,
        urgent_help="Get care the same day if your calf stays swollen.",
    )
    translation = spanish(
        condition, summary="Calambres.", urgent_help="Busque atención el mismo día."
    )
    condition.urgency = Condition.Urgency.IMMEDIATE
    condition.urgent_help = "Call 911 if your calf is swollen and you are short of breath."
    condition.save()

    html = get_html(client, "/es/conditions/leg-cramps/")
    english = html.index('<p lang="en-US">Call 911 if your calf is swollen')
    assert english < html.index("Calambres.", html.index("<main"))  # above the Spanish text
    assert "urgent-immediate" in html
    assert "Busque atención el mismo día." not in html  # not the outdated Spanish advice

    workflow.content_sign_off(translation_of(condition, "es"), clinician)
    html = get_html(client, "/es/conditions/leg-cramps/")
    assert "Busque atención el mismo día." in html
    assert "Call 911 if your calf" not in html
    assert "cambió después de que se revisó" not in html
    assert translation.pk == translation_of(condition, "es").pk


def test_an_untranslated_page_still_shows_the_english_under_the_notice(client):
    ConditionFactory(slug="plica", name="Plica syndrome")
    html = get_html(client, "/es/conditions/plica/")
    assert "Esta página aún no está disponible en español." in html
    assert '<h1 lang="en-US">Plica syndrome</h1>' in html


def test_the_spanish_symptom_checker_names_symptoms_rules_and_conditions_in_spanish(client):
    swollen, cramp = SymptomFactory(name="Swollen calf"), SymptomFactory(name="Cramp")
    spanish(swollen, name="Pantorrilla hinchada")
    condition = ConditionFactory(name="Blood clot", symptoms=[swollen, cramp])
    spanish(condition, name="Coágulo", summary="Un coágulo en una vena.")
    translated = RedFlagRule.objects.create(name="Possible clot", advice="Get care today.")
    translated.symptoms.set([swollen])
    spanish(translated, name="Posible coágulo", advice="Busque atención hoy.")
    changed = RedFlagRule.objects.create(name="Cramp alert", advice="Call your doctor.")
    changed.symptoms.set([cramp])
    spanish(changed, name="Alerta", advice="Llame a su médico.")
    changed.advice = "Call 911."
    changed.save()

    html = get_html(client, f"/es/symptom-checker/?symptom={swollen.slug}&symptom={cramp.slug}")
    assert "Pantorrilla hinchada" in html and "Cramp" in html
    assert "<h3>Posible coágulo</h3>" in html and "Busque atención hoy." in html
    # A rule whose English advice changed since its translation: the English, marked so.
    assert '<h3 lang="en-US">Cramp alert</h3>' in html and '<p lang="en-US">Call 911.</p>' in html
    assert "Llame a su médico." not in html
    assert "Coágulo" in html and "Un coágulo en una vena." in html


def test_spanish_search_finds_the_spanish_pages_at_their_spanish_addresses(client, seed_site):
    html = get_html(client, "/es/search/?q=menisco+roto")
    assert 'href="/es/conditions/meniscus-tear/"' in html
    assert "Desgarro de <mark>menisco</mark>" in html
