"""The symptom checker: ranking, red flags, the knee diagram, bad input, query counts."""

import random
import re
from collections import Counter
from itertools import combinations
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from conditions import symptom_checker
from conditions.models import Condition, KneeArea, RedFlagRule, Status, Symptom
from tests.conftest import kept_open
from tests.factories import ConditionFactory, SymptomFactory

pytestmark = pytest.mark.django_db

URL = reverse("conditions:symptom_checker")


def result_names(html):
    """Condition names in ranked order, from the results list."""
    ranked = html.split('class="card-list ranked"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<a href="/conditions/[^"]+/">([^<]+)</a>', ranked)


@pytest.mark.usefixtures("seed_article_for_class")
class TestOnTheSeed:
    """The checker on the seed article's conditions, symptoms and red-flag rules."""

    def test_page_offers_the_checker_symptoms_and_the_disclaimer(self, client):
        Symptom.objects.filter(slug="tightness").update(in_symptom_checker=False)
        page = client.get(URL).text
        assert "This is not a diagnosis." in page
        assert 'value="locking-or-catching"' in page
        assert 'value="tightness"' not in page
        assert "results-heading" not in page

    def test_locking_after_an_injury_ranks_meniscus_tear_first(self, client):
        page = client.get(
            URL, {"symptom": ["locking-or-catching", "swelling"], "onset": "injury"}
        ).text
        names = result_names(page)
        assert names[0] == "Meniscus Tear"
        first_card = page.split('class="card-list ranked"', 1)[1].split("</li>", 1)[0]
        assert "Matches: Locking or catching · Swelling" in first_card

    def test_matches_are_listed_in_checklist_order_whatever_order_they_were_ticked(self, client):
        page = client.get(
            URL, {"symptom": ["swelling", "locking-or-catching"], "onset": "injury"}
        ).text
        first_card = page.split('class="card-list ranked"', 1)[1].split("</li>", 1)[0]
        assert "Matches: Locking or catching · Swelling" in first_card

    @pytest.mark.parametrize(
        "query",
        [
            {},
            {"symptom": ["swelling", "calf-pain"], "onset": "injury", "area": "back"},
            {"symptom": "no-such-symptom", "onset": "yesterday", "area": "elbow"},
        ],
    )
    def test_every_input_is_djangos_widget_with_its_own_label_in_a_fieldset(self, client, query):
        # Checked state and aria-invalid as Django's widgets write them; each checkbox and radio
        # button followed by its label, each group under its legend.
        page = client.get(URL, query).text
        assert "<fieldset>\n        <legend>Which of these do you have?</legend>" in page
        assert "<legend>How did it start? <span" in page
        form = symptom_checker.SymptomCheckerForm(
            QueryDict(urlencode(query, doseq=True)) if query else None,
            symptoms=symptom_checker.checker_symptoms(),
            areas=symptom_checker.knee_areas(),
        )
        form.is_valid()
        for name in ("symptom", "onset"):
            for choice in form[name]:
                label = escape(choice.choice_label)
                assert f'{choice.tag()} <label for="{choice.id_for_label}">{label}</label>' in page
        assert str(form["area"]) in page

    def test_gradual_jumping_pain_ranks_jumpers_knee_first(self, client):
        page = client.get(
            URL,
            {
                "symptom": ["pain-when-jumping-or-landing", "pain-when-squatting"],
                "onset": "gradual",
            },
        ).text
        assert result_names(page)[0] == "Jumper’s Knee"

    def test_red_flag_overrides_the_ranking(self, client):
        page = client.get(URL, {"symptom": ["swollen-warm-or-red-calf", "calf-pain"]}).text
        assert "Get help first" in page
        assert "Possible blood clot (deep vein thrombosis)" in page
        assert page.index("Possible blood clot") < page.index("Other possible causes")
        assert page.index("Other possible causes") < page.index('class="card-list ranked"')

    def test_a_rule_needs_all_its_symptoms(self, client):
        assert "Calf pain with swelling" not in client.get(URL, {"symptom": ["calf-pain"]}).text
        both = client.get(URL, {"symptom": ["calf-pain", "swelling"]}).text
        assert "Calf pain with swelling" in both

    def test_inactive_rule_never_fires(self, client):
        RedFlagRule.objects.update(is_active=False)
        page = client.get(URL, {"symptom": ["swollen-warm-or-red-calf"]}).text
        assert "Possible blood clot" not in page
        assert "Conditions that match your choices" in page

    def test_result_url_is_shareable_without_javascript(self, client):
        query = "symptom=locking-or-catching&onset=injury"
        assert "Meniscus Tear" in client.get(f"{URL}?{query}").text
        page = client.get(URL).text
        assert '<form method="get" action="/symptom-checker/"' in page
        assert "<script" not in page.replace('<script type="application/ld+json">', "")

    def test_knee_diagram_regions_link_to_the_conditions_placed_there(self, client):
        page = client.get(URL).text
        for area in KneeArea.objects.all():
            assert f'<a href="?area={area.slug}" aria-label="{area.name}:' in page
        front = result_names(client.get(URL, {"area": "front"}).text)
        assert set(front) == {"Jumper’s Knee", "Anterior Cruciate Ligament Injury", "Arthritis"}
        back = result_names(client.get(URL, {"area": "back"}).text)
        assert {"Baker’s Cyst", "Posterior Cruciate Ligament Injury"} <= set(back)

    def test_knee_areas_are_listed_in_their_set_order(self, client):
        KneeArea.objects.filter(slug="outer").update(order=0)
        page = client.get(URL).text
        area_list = page.split('class="area-list"', 1)[1].split("</ul>", 1)[0]
        slugs = re.findall(r'href="\?area=([a-z]+)"', area_list)
        assert slugs == ["outer", "back", "front", "inner"]

    @pytest.mark.parametrize(
        "query",
        [
            {"symptom": "no-such-symptom"},
            {"area": "elbow"},
            {"onset": "yesterday"},
            {"symptom": "<script>alert(1)</script>"},
            {"area": "x" * 5000},
        ],
    )
    def test_bad_input_gets_a_friendly_page(self, client, query):
        response = client.get(URL, query)
        assert response.status_code == 200
        assert "Select a valid choice" in response.text
        assert "<script>alert(1)</script>" not in response.text

    def test_admin_warns_when_a_red_flag_symptom_has_no_callout(self, clinician_client):
        condition = Condition.objects.get(slug="biceps-femoris-tendonitis")
        condition.urgency = ""
        condition.urgent_help = ""
        condition.save()
        condition.symptoms.add(Symptom.objects.get(slug="swollen-warm-or-red-calf"))
        page = clinician_client.get(
            reverse("admin:conditions_condition_change", args=[condition.pk])
        ).text
        assert (
            "has the warning signs of the red-flag rule &#x27;Possible blood clot (deep vein "
            "thrombosis)&#x27; but no urgent-help callout" in page
        )
        bakers = Condition.objects.get(slug="bakers-cyst")
        page = clinician_client.get(reverse("admin:conditions_condition_change", args=[bakers.pk]))
        assert "red-flag rule" not in page.text


def test_knee_area_counts_only_published_conditions(client):
    ConditionFactory(knee_areas=["back"])
    ConditionFactory(knee_areas=["back"], status=Status.DRAFT)
    ConditionFactory(knee_areas=["back"], status=Status.UNPUBLISHED)
    page = client.get(URL).text
    assert 'aria-label="Back of the knee: 1 condition"' in page
    assert 'aria-label="Front of the knee: 0 conditions"' in page


def test_without_symptoms_the_area_and_onset_still_rank(client):
    # Area ×2 plus onset ×1: a condition that started the chosen way comes first.
    ConditionFactory(name="Alpha", knee_areas=["back"], onset=Condition.Onset.GRADUAL)
    ConditionFactory(name="Beta", knee_areas=["back"], onset=Condition.Onset.INJURY)
    page = client.get(URL, {"area": "back", "onset": "injury"}).text
    assert result_names(page) == ["Beta", "Alpha"]
    assert page.count("Often felt at the back") == 2


def test_unpublished_conditions_are_never_suggested(client):
    swelling = SymptomFactory(slug="swelling")
    ConditionFactory(name="Shown", symptoms=[swelling])
    ConditionFactory(name="Hidden draft", symptoms=[swelling], status=Status.DRAFT)
    names = result_names(client.get(URL, {"symptom": "swelling"}).text)
    assert names == ["Shown"]


def test_equal_scores_are_ordered_by_name_whichever_choices_scored_them(client):
    # 3 from a symptom alone ties with 3 from the area and the onset; case plays no part.
    swelling = SymptomFactory(slug="swelling")
    ConditionFactory(name="Beta", symptoms=[swelling])
    ConditionFactory(name="alpha", knee_areas=["back"], onset=Condition.Onset.INJURY)
    ConditionFactory(name="Gamma", knee_areas=["back"], onset=Condition.Onset.INJURY)
    ConditionFactory(name="Aardvark", knee_areas=["back"], onset=Condition.Onset.GRADUAL)
    ConditionFactory(name="Delta", symptoms=[swelling], knee_areas=["back"])
    ConditionFactory(name="Epsilon", onset=Condition.Onset.INJURY)  # the onset alone: no match
    page = client.get(URL, {"symptom": "swelling", "area": "back", "onset": "injury"}).text
    assert result_names(page) == ["Delta", "alpha", "Beta", "Gamma", "Aardvark"]


def published_with_links():
    conditions = Condition.objects.filter(status=Status.PUBLISHED)
    return list(conditions.prefetch_related("symptoms", "knee_areas"))


def brute_force_ranking(conditions, chosen, onset, area):
    """The ranking as the checker defines it, scoring each of `conditions` in Python: every
    candidate, best first, as (-score, case-blind name, matched symptoms' slugs, area match)."""
    ranked = []
    for condition in conditions:
        has = set(condition.symptoms.all())
        hits = [symptom for symptom in chosen if symptom in has]
        area_match = area is not None and area.pk in {a.pk for a in condition.knee_areas.all()}
        onset_match = bool(onset) and condition.onset == onset
        # The onset alone makes a condition a candidate only when nothing else was chosen.
        if hits or area_match or (not chosen and area is None and onset_match):
            score = 3 * len(hits) + 2 * area_match + onset_match
            matched = [symptom.slug for symptom in dict.fromkeys(hits)]
            ranked.append((-score, condition.name.lower(), matched, int(area_match)))
    return sorted(ranked)


# The checker's own limit, and small ones that cut inside tiers of equal scores.
LIMITS = [1, 3, symptom_checker.RESULT_LIMIT]


def make_random_conditions():
    """40 conditions with random symptoms (of four), knee areas, onsets and statuses; returns
    the symptoms. Names are letters only, in both cases, so the database's collation orders
    them as Python does."""
    rng = random.Random(1)
    symptoms = [SymptomFactory() for _ in range(4)]
    areas = list(KneeArea.objects.all())
    names = rng.sample([a + b for a in "abcdefgh" for b in "pqrstuvw"], 40)
    for name in names:
        ConditionFactory(
            name=name.capitalize() if rng.random() < 0.5 else name,
            symptoms=rng.sample(symptoms, rng.choice([0, 0, 1, 1, 2, 3])),
            knee_areas=[area.slug for area in rng.sample(areas, rng.choice([0, 1, 1, 2]))],
            onset=rng.choice(Condition.Onset.values),
            status=rng.choice([Status.PUBLISHED] * 4 + [Status.DRAFT]),
        )
    return symptoms


@pytest.fixture(scope="class")
def random_symptoms(django_db_setup, django_db_blocker):
    """make_random_conditions(), once for the tests of a class (building them is much of the
    work), rolled back after the last: the module's other tests start from an empty database."""
    yield from kept_open(django_db_blocker, make_random_conditions)


class TestRankingOnRandomConditions:
    @pytest.mark.parametrize("small_area", [0, symptom_checker.SMALL_AREA])
    def test_ranking_matches_scoring_every_condition(
        self, random_symptoms, small_area, monkeypatch
    ):
        # Both ways of reading an area's candidates: walking every condition, or its links.
        monkeypatch.setattr(symptom_checker, "SMALL_AREA", small_area)
        symptoms = random_symptoms
        # Every set of up to three symptoms, and one with a symptom chosen twice (it counts
        # twice).
        choices = [list(chosen) for size in range(4) for chosen in combinations(symptoms, size)]
        choices.append([symptoms[0], symptoms[0], symptoms[2]])
        published = published_with_links()
        # Areas as the view passes them, with their sizes.
        areas = [None, *symptom_checker.count_knee_areas()]
        cut_inside_a_tier = Counter()
        for chosen in choices:
            for area in areas:
                for onset in Condition.Onset.values:
                    if not chosen and area is None and not onset:
                        continue
                    ranking = brute_force_ranking(published, chosen, onset, area)
                    for limit in LIMITS:
                        got = [
                            (c.name.lower(), [s.slug for s in c.matched_symptoms], c.area_match)
                            for c in symptom_checker.conditions_ranked(chosen, onset, area, limit)
                        ]
                        expected = [row[1:] for row in ranking[:limit]]
                        assert got == expected, (limit, chosen, onset, area)
                        tier = ranking[limit - 1 : limit + 1]
                        if len(tier) == 2 and tier[0][0] == tier[1][0]:
                            cut_inside_a_tier[limit] += 1
        # The data tests what it is meant to: the small limits leave out some of a tier.
        assert cut_inside_a_tier[1] and cut_inside_a_tier[3], cut_inside_a_tier


@pytest.mark.parametrize("count", [1, 30])
def test_query_count_does_not_grow_with_conditions(client, django_assert_num_queries, count):
    swelling = SymptomFactory(slug="swelling")
    for _ in range(count):
        ConditionFactory(symptoms=[swelling], knee_areas=["back"])
    RedFlagRule.objects.create(name="Rule", advice="Go now").symptoms.add(swelling)
    # 1 the content generation, 2 knee areas with condition counts (then cached until content
    # changes), 3 symptoms offered, 4 red-flag rules that fire, 5 ranked conditions with the
    # chosen symptoms each has; + the clinic's profile and its locations, for the header and
    # footer (then cached until content changes).
    with django_assert_num_queries(7):
        response = client.get(URL, {"symptom": "swelling", "area": "back"})
    assert len(result_names(response.text)) == min(count, 20)
    assert "Get help first" in response.text


@pytest.mark.parametrize("count", [1, 30])
def test_empty_page_query_count_does_not_grow(client, django_assert_num_queries, count):
    for _ in range(count):
        ConditionFactory(symptoms=[SymptomFactory()], knee_areas=["back"])
    # 1 the content generation, 2 knee areas with condition counts (then cached until content
    # changes), 3 symptoms offered; + the clinic's profile and its locations, for the header
    # and footer (then cached until content changes).
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert f'aria-label="Back of the knee: {count} condition' in response.text


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query planner")
def test_checker_reads_its_few_symptoms_off_their_index_in_name_order():
    # The 10,000-condition content in miniature: many published symptoms, few offered. With
    # statistics gathered, SQLite walked every published symptom in name order to skip a sort.
    Symptom.objects.bulk_create(
        Symptom(
            name=f"Symptom {n:04}",
            slug=f"symptom-{n}",
            status=Status.PUBLISHED,
            in_symptom_checker=n % 50 == 0,
        )
        for n in range(1000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        offered = symptom_checker.checker_symptoms()
    assert [symptom.name for symptom in offered] == [f"Symptom {n:04}" for n in range(0, 1000, 50)]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {queries[0]['sql']}")
        plan = " ".join(row[-1] for row in cursor.fetchall())
    assert "USING INDEX symptom_checker_name (status=?)" in plan
    assert "TEMP B-TREE" not in plan
