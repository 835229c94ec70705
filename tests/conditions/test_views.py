"""The public pages as a patient sees them, and that unpublished content never shows on any."""

import re
from datetime import date
from html import unescape
from xml.etree import ElementTree

import pytest
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertInHTML

from conditions.models import Condition, Status, Treatment
from conditions.sitemaps import ContentSitemap
from tests.factories import (
    ConditionFactory,
    FAQFactory,
    KneeAreaFactory,
    SymptomFactory,
    TagFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [Status.DRAFT, Status.IN_REVIEW, Status.UNPUBLISHED]
NOT_FOUND = "Sorry, we can't find that page"


def get_page(client, url):
    """GET a public page, check that it answered, and return its HTML."""
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode()


def visible_text(html):
    """What a reader sees of an HTML fragment: its text, unescaped, with whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def section(html, heading_id):
    """The <section> labelled by `heading_id`, or '' when the page has none."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def urgent_callout(html):
    match = re.search(r'<aside class="urgent.*?</aside>', html, re.S)
    return match.group(0) if match else ""


def breadcrumbs(html):
    """The breadcrumb trail as (label, href) pairs; the current page has href None."""
    nav = re.search(r'<nav aria-label="Breadcrumb".*?</nav>', html, re.S)
    assert nav, "the page has no breadcrumb trail"
    trail = []
    for item in re.findall(r"<li>(.*?)</li>", nav.group(0), re.S):
        href = re.search(r'href="([^"]*)"', item)
        if href is None:
            assert 'aria-current="page"' in item
        trail.append((visible_text(item), href and href.group(1)))
    return trail


def executable_scripts(html):
    """Every <script> tag a browser would run but the site's own "Was this page helpful?"
    script (JSON-LD data blocks are not run)."""
    own = r'(?! src="/static/js/feedback\.js" defer>)'
    return re.findall(rf'<script\b(?![^>]*type="application/ld\+json"){own}[^>]*>', html)


def meta_description(html):
    match = re.search(r'<meta name="description" content="([^"]*)">', html)
    assert match, "the page has no meta description"
    return unescape(match.group(1))


@pytest.fixture
def knee_site():
    """A small published site: one of each kind of page, all linked together."""
    tag = TagFactory(name="swelling")
    symptom = SymptomFactory(
        name="Swelling behind the knee",
        slug="swelling-behind-the-knee",
        alternate_names="a lump behind the knee",
        description="A soft lump you can feel when you straighten your leg.",
        tags=[tag],
    )
    treatment = TreatmentFactory(
        name="Ice pack",
        slug="ice-pack",
        kind=Treatment.Kind.SELF_CARE,
        description="Hold ice wrapped in a towel on the knee for 20 minutes.",
        tags=[tag],
    )
    condition = ConditionFactory(
        name="Baker's cyst",
        slug="bakers-cyst",
        alternate_names="popliteal cyst",
        summary="A fluid-filled swelling at the back of the knee.",
        symptoms=[symptom],
        treatments=[treatment],
        tags=[tag],
    )
    faq = FAQFactory(
        question="Is a Baker's cyst serious?",
        slug="is-a-bakers-cyst-serious",
        answer="Usually not. It often goes away by itself.",
        conditions=[condition],
        tags=[tag],
    )
    return {
        "tag": tag,
        "symptom": symptom,
        "treatment": treatment,
        "condition": condition,
        "faq": faq,
    }


HTML_PAGES = [
    "/",
    "/conditions/",
    "/conditions/bakers-cyst/",
    "/symptoms/",
    "/symptoms/swelling-behind-the-knee/",
    "/treatments/",
    "/treatments/ice-pack/",
    "/tags/",
    "/tags/swelling/",
    "/faq/",
    "/faq/is-a-bakers-cyst-serious/",
]


# Every page ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", HTML_PAGES)
def test_every_page_has_one_h1_a_canonical_url_and_a_meta_description(client, knee_site, url):
    html = get_page(client, url)

    assert html.count("<h1") == 1
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    assert len(meta_description(html)) > 20
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html


@pytest.mark.parametrize("url", HTML_PAGES)
def test_every_page_says_it_is_general_information_not_a_diagnosis(client, knee_site, url):
    assert "This is general information, not a diagnosis." in get_page(client, url)


def test_canonical_url_leaves_out_the_query_string(client, knee_site):
    html = get_page(client, "/conditions/bakers-cyst/?utm_source=leaflet")

    assert '<link rel="canonical" href="http://testserver/conditions/bakers-cyst/">' in html


@pytest.mark.parametrize(
    "url, trail",
    [
        ("/conditions/", [("Home", "/"), ("Conditions A–Z", None)]),
        (
            "/conditions/bakers-cyst/",
            [("Home", "/"), ("Conditions A–Z", "/conditions/"), ("Baker's cyst", None)],
        ),
        ("/symptoms/", [("Home", "/"), ("Symptoms", None)]),
        (
            "/symptoms/swelling-behind-the-knee/",
            [("Home", "/"), ("Symptoms", "/symptoms/"), ("Swelling behind the knee", None)],
        ),
        ("/treatments/", [("Home", "/"), ("Treatments", None)]),
        (
            "/treatments/ice-pack/",
            [("Home", "/"), ("Treatments", "/treatments/"), ("Ice pack", None)],
        ),
        ("/tags/", [("Home", "/"), ("Topics", None)]),
        ("/tags/swelling/", [("Home", "/"), ("Topics", "/tags/"), ("swelling", None)]),
        ("/faq/", [("Home", "/"), ("Frequently asked questions", None)]),
    ],
)
def test_breadcrumbs_lead_from_home_to_the_current_page(client, knee_site, url, trail):
    assert breadcrumbs(get_page(client, url)) == trail


# Home ------------------------------------------------------------------------------------------


def test_home_lists_published_conditions_topics_and_common_questions(client, knee_site):
    html = get_page(client, "/")

    assertInHTML('<a href="/conditions/bakers-cyst/">Baker&#x27;s cyst</a>', html)
    assertInHTML('<a href="/tags/swelling/">swelling</a>', html)
    assertInHTML(
        '<a href="/faq/is-a-bakers-cyst-serious/">Is a Baker&#x27;s cyst serious?</a>', html
    )


def test_home_shows_only_the_first_three_questions_in_faq_order(client):
    for order, question in [(4, "Fourth?"), (1, "First?"), (3, "Third?"), (2, "Second?")]:
        FAQFactory(question=question, order=order)

    html = get_page(client, "/")

    shown = re.findall(r'<a href="/faq/[^"#]+/">([^<]+)</a>', html)
    assert shown == ["First?", "Second?", "Third?"]


def test_home_says_so_when_nothing_is_published(client):
    ConditionFactory(name="Draft condition", status=Status.DRAFT)

    html = get_page(client, "/")

    assert "No conditions have been published yet." in html
    assert "Draft condition" not in html


# Conditions A–Z --------------------------------------------------------------------------------


def test_condition_list_groups_conditions_by_first_letter_with_summaries(client):
    ConditionFactory(name="Arthritis", slug="arthritis", summary="Worn, stiff joints.")
    ConditionFactory(name="Baker's cyst", slug="bakers-cyst", summary="A lump behind the knee.")
    ConditionFactory(name="Bursitis", slug="bursitis", summary="A swollen fluid sac.")

    html = get_page(client, "/conditions/")

    b_section = section(html, "letter-B")
    assert escape("Baker's cyst") in b_section
    assert "A lump behind the knee." in b_section
    assert "Bursitis" in b_section
    assert "Arthritis" not in b_section
    assert "Worn, stiff joints." in section(html, "letter-A")
    assertInHTML('<a href="#letter-A">A</a>', html)
    assertInHTML('<a href="#letter-B">B</a>', html)


def test_condition_list_puts_lower_case_names_under_their_capital_letter(client):
    ConditionFactory(name="Arthritis")
    ConditionFactory(name="Zebra knee")
    ConditionFactory(name="anterior knee pain")

    html = get_page(client, "/conditions/")

    # One "A" section holding both, not a second "A" after "Z" with a duplicate id.
    assert html.count('id="letter-A"') == 1
    assert "anterior knee pain" in section(html, "letter-A")
    assert re.findall(r'<h2 id="letter-(\w)">', html) == ["A", "Z"]


def test_condition_list_says_so_when_nothing_is_published(client):
    ConditionFactory(name="Draft condition", status=Status.DRAFT)

    html = get_page(client, "/conditions/")

    assert "No conditions have been published yet." in html
    assert "Draft condition" not in html


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_condition_is_not_in_the_a_to_z(client, status):
    ConditionFactory(name="Published condition")
    ConditionFactory(name="Hidden condition", slug="hidden-condition", status=status)

    html = get_page(client, "/conditions/")

    assert "Published condition" in html
    assert "Hidden condition" not in html
    assert "/conditions/hidden-condition/" not in html


# One condition ---------------------------------------------------------------------------------


def test_condition_page_shows_name_other_names_and_summary(client):
    ConditionFactory(
        name="Jumper's knee",
        slug="jumpers-knee",
        alternate_names="patellar tendonitis\n\n  patellar tendinopathy  \n",
        summary="Pain below the kneecap from an overloaded tendon.",
    )

    html = get_page(client, "/conditions/jumpers-knee/")

    assertInHTML("<h1>Jumper&#x27;s knee</h1>", html)
    assertInHTML(
        '<p class="also-known">Also called: patellar tendonitis, patellar tendinopathy</p>', html
    )
    assertInHTML('<p class="lead">Pain below the kneecap from an overloaded tendon.</p>', html)
    assert "<title>Jumper&#x27;s knee – Spine Institute NY</title>" in html


def test_condition_meta_description_is_the_summary_cut_to_160_characters(client):
    summary = "Pain behind the knee that gets worse when you squat. " * 6
    ConditionFactory(slug="long-summary", summary=summary)

    description = meta_description(get_page(client, "/conditions/long-summary/"))

    assert len(description) == 160
    assert description.startswith("Pain behind the knee that gets worse when you squat.")
    assert description.endswith("…")


def test_condition_page_without_other_names_has_no_also_called_line(client):
    ConditionFactory(slug="plain", alternate_names="")

    assert "Also called" not in get_page(client, "/conditions/plain/")


@pytest.mark.parametrize(
    "urgency, heading, tells_to_call_911",
    [
        (Condition.Urgency.IMMEDIATE, "Call 911 or go to the nearest emergency room", True),
        (
            Condition.Urgency.URGENT,
            "Get care today: call your doctor or go to an urgent care center",
            True,
        ),
        (Condition.Urgency.NON_URGENT, "Make an appointment with your doctor, or with us", False),
    ],
)
def test_condition_page_shows_urgent_help_callout_before_the_body(
    client, urgency, heading, tells_to_call_911
):
    ConditionFactory(
        slug="dvt",
        urgency=urgency,
        urgent_help="Your calf is red, hot and swollen.",
        body="Most knee pain is not an emergency.",
    )

    html = get_page(client, "/conditions/dvt/")

    callout = urgent_callout(html)
    assert f"urgent-{urgency}" in callout
    assert visible_text(re.search(r"<h2.*?</h2>", callout).group(0)) == heading
    assert "Your calf is red, hot and swollen." in callout
    assert ("If you think it is an emergency, call 911." in callout) is tells_to_call_911
    # Patients must meet the warning signs before the long text.
    assert html.index(callout) < html.index("Most knee pain is not an emergency.")


def test_condition_without_urgency_has_no_urgent_help_callout(client):
    ConditionFactory(slug="calm", urgency="", urgent_help="")

    html = get_page(client, "/conditions/calm/")

    assert urgent_callout(html) == ""
    assert "If you think it is an emergency, call 911." not in html


def test_urgent_help_keeps_its_line_breaks_and_shows_markup_as_text(client):
    ConditionFactory(
        slug="dvt",
        urgency=Condition.Urgency.IMMEDIATE,
        urgent_help="Your calf is swollen.\nYou are short of breath <b>now</b>.",
    )

    callout = urgent_callout(get_page(client, "/conditions/dvt/"))

    assert "Your calf is swollen.<br>You are short of breath &lt;b&gt;now&lt;/b&gt;." in callout


def test_condition_page_links_its_symptoms_treatments_related_conditions_and_topics(client):
    swelling = SymptomFactory(name="Swelling", slug="swelling")
    stiffness = SymptomFactory(name="Stiffness", slug="stiffness")
    ice = TreatmentFactory(name="Ice pack", slug="ice-pack")
    arthritis = ConditionFactory(
        name="Knee arthritis", slug="knee-arthritis", summary="Worn cartilage in the joint."
    )
    ConditionFactory(
        slug="bakers-cyst",
        symptoms=[swelling, stiffness],
        treatments=[ice],
        related=[arthritis],
        tags=[TagFactory(name="back of knee"), TagFactory(name="Swelling")],
    )

    html = get_page(client, "/conditions/bakers-cyst/")

    symptoms = section(html, "symptoms-heading")
    assertInHTML('<a href="/symptoms/swelling/">Swelling</a>', symptoms)
    assertInHTML('<a href="/symptoms/stiffness/">Stiffness</a>', symptoms)
    assertInHTML(
        '<a href="/treatments/ice-pack/">Ice pack</a>', section(html, "treatments-heading")
    )
    related = section(html, "related-heading")
    assertInHTML('<a href="/conditions/knee-arthritis/">Knee arthritis</a>', related)
    assert "Worn cartilage in the joint." in related
    topics = section(html, "tags-heading")
    assertInHTML('<a href="/tags/back-of-knee/">back of knee</a>', topics)
    assertInHTML('<a href="/tags/swelling/">Swelling</a>', topics)


def test_related_conditions_link_both_ways(client):
    arthritis = ConditionFactory(name="Knee arthritis", slug="knee-arthritis")
    ConditionFactory(name="Baker's cyst", slug="bakers-cyst", related=[arthritis])

    html = get_page(client, "/conditions/knee-arthritis/")

    assert 'href="/conditions/bakers-cyst/"' in section(html, "related-heading")


def test_condition_page_shows_its_questions_with_rendered_answers(client):
    condition = ConditionFactory(slug="bakers-cyst")
    FAQFactory(
        question="Will it burst?",
        answer="It can. Your calf may then **swell**.",
        conditions=[condition],
    )
    FAQFactory(question="Question about something else?")

    faqs = section(get_page(client, "/conditions/bakers-cyst/"), "faqs-heading")

    assertInHTML("<summary>Will it burst?</summary>", faqs)
    assertInHTML("<p>It can. Your calf may then <strong>swell</strong>.</p>", faqs)
    assert "Question about something else?" not in faqs


def test_condition_page_says_where_on_the_knee_it_hurts(client):
    KneeAreaFactory(slug="back", name="Back of the knee", order=1)
    KneeAreaFactory(slug="inner", name="Inner side of the knee", order=3)
    ConditionFactory(slug="bakers-cyst", knee_areas=["back", "inner"])

    html = get_page(client, "/conditions/bakers-cyst/")

    assert (
        '<p class="where">Where it usually hurts: back of the knee, inner side of the knee.</p>'
        in html
    )


def test_condition_page_without_links_has_no_empty_sections(client):
    ConditionFactory(slug="alone")

    html = get_page(client, "/conditions/alone/")

    for heading in ["symptoms-heading", "treatments-heading", "faqs-heading", "related-heading"]:
        assert section(html, heading) == ""
    assert 'id="tags-heading"' not in html
    assert "Where it usually hurts" not in html


def test_condition_page_shows_review_dates(client):
    ConditionFactory(
        slug="reviewed",
        last_reviewed_on=date(2025, 3, 4),
        next_review_due=date(2028, 3, 4),
    )

    html = get_page(client, "/conditions/reviewed/")

    text = visible_text(html)
    assert "Page last reviewed: March 4, 2025." in text
    assert "Next review due: March 4, 2028." in text
    assert '<time datetime="2025-03-04">March 4, 2025</time>' in html


def test_condition_page_says_when_it_has_not_been_reviewed(client):
    ConditionFactory(slug="unreviewed", last_reviewed_on=None, next_review_due=None)

    html = get_page(client, "/conditions/unreviewed/")

    text = visible_text(html)
    assert "Page last reviewed: not yet reviewed." in text
    assert "Next review due: to be set." in text


def test_condition_body_markdown_is_rendered_as_html(client):
    ConditionFactory(
        slug="formatted",
        body="## Causes\n\nIt is *often* caused by:\n\n- arthritis\n- a **torn** cartilage",
    )

    body = re.search(
        r'<div class="body">.*?</div>', get_page(client, "/conditions/formatted/"), re.S
    ).group(0)

    assertInHTML("<h2>Causes</h2>", body)
    assertInHTML("<p>It is <em>often</em> caused by:</p>", body)
    assertInHTML("<ul><li>arthritis</li><li>a <strong>torn</strong> cartilage</li></ul>", body)


def test_condition_body_cannot_run_script_or_add_a_second_h1(client):
    ConditionFactory(
        slug="hostile",
        body=(
            "# Shouting heading\n\n"
            "<script>window.stolen = document.cookie</script>\n\n"
            '<img src="x" onerror="window.stolen = 1">\n\n'
            "[click me](javascript:window.stolen=2) and [NHS](https://www.nhs.uk/)"
        ),
    )

    html = get_page(client, "/conditions/hostile/")

    assert executable_scripts(html) == []
    assert "window.stolen" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert html.count("<h1") == 1
    assert "Shouting heading" in html
    assert 'href="https://www.nhs.uk/"' in html


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_condition_page_is_not_found(client, status):
    ConditionFactory(slug="hidden-condition", status=status)

    response = client.get("/conditions/hidden-condition/")

    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/conditions/no-such-thing/", "/symptoms/no-such-thing/", "/treatments/no-such-thing/"]
)
def test_unknown_slug_shows_the_not_found_page_with_ways_on(client, url):
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 404
    assert NOT_FOUND in html
    assertInHTML('<a href="/conditions/">Browse conditions A–Z</a>', html)


def test_unknown_tag_is_not_found(client):
    TagFactory(name="swelling")

    response = client.get("/tags/no-such-topic/")

    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_links_are_left_off_a_condition_page(client, status):
    condition = ConditionFactory(slug="bakers-cyst")
    condition.symptoms.set(
        [SymptomFactory(name="Shown symptom"), SymptomFactory(name="Hidden symptom", status=status)]
    )
    condition.treatments.set(
        [
            TreatmentFactory(name="Shown treatment"),
            TreatmentFactory(name="Hidden treatment", status=status),
        ]
    )
    condition.related.set(
        [
            ConditionFactory(name="Shown related"),
            ConditionFactory(name="Hidden related", status=status),
        ]
    )
    FAQFactory(question="Shown question?", conditions=[condition])
    FAQFactory(question="Hidden question?", conditions=[condition], status=status)

    html = get_page(client, "/conditions/bakers-cyst/")

    for shown in ["Shown symptom", "Shown treatment", "Shown related", "Shown question?"]:
        assert shown in html
    for hidden in ["Hidden symptom", "Hidden treatment", "Hidden related", "Hidden question?"]:
        assert hidden not in html


# Symptoms --------------------------------------------------------------------------------------


def test_symptom_list_shows_each_symptom_with_its_description(client, knee_site):
    html = get_page(client, "/symptoms/")

    assertInHTML('<a href="/symptoms/swelling-behind-the-knee/">Swelling behind the knee</a>', html)
    assert "A soft lump you can feel when you straighten your leg." in html


def test_symptom_list_says_so_when_nothing_is_published(client):
    SymptomFactory(name="Draft symptom", status=Status.DRAFT)

    html = get_page(client, "/symptoms/")

    assert "No symptoms have been published yet." in html
    assert "Draft symptom" not in html


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_symptom_is_not_in_the_symptom_list(client, status):
    SymptomFactory(name="Shown symptom")
    SymptomFactory(name="Hidden symptom", status=status)

    html = get_page(client, "/symptoms/")

    assert "Shown symptom" in html
    assert "Hidden symptom" not in html


def test_symptom_page_shows_its_names_description_and_the_conditions_that_cause_it(
    client, knee_site
):
    ConditionFactory(name="Unrelated condition")

    html = get_page(client, "/symptoms/swelling-behind-the-knee/")

    assertInHTML("<h1>Swelling behind the knee</h1>", html)
    assert "Also described as: a lump behind the knee" in html
    assertInHTML("<p>A soft lump you can feel when you straighten your leg.</p>", html)
    causes = section(html, "causes-heading")
    assertInHTML('<a href="/conditions/bakers-cyst/">Baker&#x27;s cyst</a>', causes)
    assert "A fluid-filled swelling at the back of the knee." in causes
    assert "Unrelated condition" not in html
    assertInHTML('<a href="/tags/swelling/">swelling</a>', section(html, "tags-heading"))
    assert "Page last reviewed:" in html


def test_symptom_description_script_does_not_reach_the_page(client):
    SymptomFactory(slug="hostile", description="Sore <script>window.stolen = 1</script>")

    html = get_page(client, "/symptoms/hostile/")

    assert executable_scripts(html) == []
    assert "Sore" in html


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_symptom_page_is_not_found(client, status):
    SymptomFactory(slug="hidden-symptom", status=status)

    assert client.get("/symptoms/hidden-symptom/").status_code == 404


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_condition_is_not_listed_on_a_symptom_page(client, status):
    swelling = SymptomFactory(slug="swelling")
    ConditionFactory(name="Shown condition", symptoms=[swelling])
    ConditionFactory(name="Hidden condition", symptoms=[swelling], status=status)

    html = get_page(client, "/symptoms/swelling/")

    assert "Shown condition" in html
    assert "Hidden condition" not in html


# Treatments ------------------------------------------------------------------------------------


def test_treatment_list_groups_treatments_by_kind(client):
    TreatmentFactory(name="Ice pack", kind=Treatment.Kind.SELF_CARE, description="Cool it down.")
    TreatmentFactory(name="Rest", kind=Treatment.Kind.SELF_CARE)
    TreatmentFactory(name="Knee replacement", kind=Treatment.Kind.SURGERY)

    html = get_page(client, "/treatments/")

    headings = [visible_text(h) for h in re.findall(r"<h2 [^>]*>.*?</h2>", html)]
    assert headings == ["Self-care", "Surgery"]
    self_care = html[html.index(">Self-care</h2>") : html.index(">Surgery</h2>")]
    assert "Ice pack" in self_care
    assert "Cool it down." in self_care
    assert "Rest" in self_care
    assert "Knee replacement" not in self_care
    assert "Knee replacement" in html[html.index(">Surgery</h2>") :]


def test_treatment_list_says_so_when_nothing_is_published(client):
    TreatmentFactory(name="Draft treatment", status=Status.DRAFT)

    html = get_page(client, "/treatments/")

    assert "No treatments have been published yet." in html
    assert "Draft treatment" not in html


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_treatment_is_not_in_the_treatment_list(client, status):
    TreatmentFactory(name="Shown treatment")
    TreatmentFactory(name="Hidden treatment", status=status)

    html = get_page(client, "/treatments/")

    assert "Shown treatment" in html
    assert "Hidden treatment" not in html


def test_treatment_page_shows_its_kind_description_and_what_it_is_used_for(client, knee_site):
    knee_site["treatment"].alternate_names = "cold compress"
    knee_site["treatment"].save()

    html = get_page(client, "/treatments/ice-pack/")

    assertInHTML("<h1>Ice pack</h1>", html)
    assertInHTML('<p class="kind">Self-care</p>', html)
    assert "Also called: cold compress" in html
    assert "Hold ice wrapped in a towel on the knee for 20 minutes." in html
    used_for = section(html, "used-for-heading")
    assertInHTML('<a href="/conditions/bakers-cyst/">Baker&#x27;s cyst</a>', used_for)
    assertInHTML('<a href="/tags/swelling/">swelling</a>', section(html, "tags-heading"))
    assert "Ask a clinician which treatment is right for you." in html
    assert "Page last reviewed:" in html


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_treatment_page_is_not_found(client, status):
    TreatmentFactory(slug="hidden-treatment", status=status)

    assert client.get("/treatments/hidden-treatment/").status_code == 404


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_condition_is_not_listed_on_a_treatment_page(client, status):
    ice = TreatmentFactory(slug="ice-pack")
    ConditionFactory(name="Shown condition", treatments=[ice])
    ConditionFactory(name="Hidden condition", treatments=[ice], status=status)

    html = get_page(client, "/treatments/ice-pack/")

    assert "Shown condition" in html
    assert "Hidden condition" not in html


# Topics (tags) ---------------------------------------------------------------------------------


def test_tag_list_shows_each_topic_with_how_many_published_pages_use_it(client):
    swelling = TagFactory(name="swelling")
    sport = TagFactory(name="sport")
    ConditionFactory(tags=[swelling, sport])
    SymptomFactory(tags=[swelling])
    FAQFactory(tags=[swelling])
    ConditionFactory(tags=[sport], status=Status.DRAFT)

    html = get_page(client, "/tags/")

    assertInHTML(
        '<a href="/tags/swelling/">swelling <span class="count">(3 pages)</span></a>', html
    )
    assertInHTML('<a href="/tags/sport/">sport <span class="count">(1 page)</span></a>', html)


def test_home_page_shows_the_most_used_topics_first_and_equal_ones_a_to_z(client):
    uses = {"Beta": 3, "alpha": 1, "Gamma": 3, "delta": 2, "epsilon": 2}
    tags = {name: TagFactory(name=name) for name in uses}
    for name, count in uses.items():
        for _ in range(count):
            ConditionFactory(tags=[tags[name]])
    ConditionFactory(tags=[TagFactory(name="Zeta", is_hidden=True)] * 5)
    for i in range(30):
        ConditionFactory(tags=[TagFactory(name=f"once {i:02}")])

    html = get_page(client, "/")

    listed = re.search(
        r"<ul class=\"tag-list\" aria-labelledby=\"topics-heading\">(.*?)</ul>", html, re.S
    )
    names = re.findall(r">([^<]+)</a>", listed.group(1))
    assert names == [
        "Beta",
        "Gamma",
        "delta",
        "epsilon",
        "alpha",
        *[f"once {i:02}" for i in range(15)],
    ]


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_topic_used_only_by_unpublished_content_is_not_listed(client, status):
    ConditionFactory(tags=[TagFactory(name="shown topic")])
    ConditionFactory(tags=[TagFactory(name="hidden topic")], status=status)
    SymptomFactory(tags=[TagFactory(name="hidden topic")], status=status)

    tag_list = get_page(client, "/tags/")
    home = get_page(client, "/")

    assert "shown topic" in tag_list
    assert "shown topic" in home
    assert "hidden topic" not in tag_list
    assert "hidden topic" not in home


def test_tag_page_lists_every_published_kind_of_content_with_the_tag(client, knee_site):
    html = get_page(client, "/tags/swelling/")

    assertInHTML("<h1>Topic: swelling</h1>", html)
    assertInHTML(
        '<a href="/conditions/bakers-cyst/">Baker&#x27;s cyst</a>', section(html, "tag-conditions")
    )
    assertInHTML(
        '<a href="/symptoms/swelling-behind-the-knee/">Swelling behind the knee</a>',
        section(html, "tag-symptoms"),
    )
    assertInHTML('<a href="/treatments/ice-pack/">Ice pack</a>', section(html, "tag-treatments"))
    assertInHTML(
        '<a href="/faq/is-a-bakers-cyst-serious/">Is a Baker&#x27;s cyst serious?</a>',
        section(html, "tag-faqs"),
    )
    assert "Nothing is published under this topic yet" not in html


def test_tag_page_leaves_out_content_without_the_tag(client, knee_site):
    ConditionFactory(name="Untagged condition", tags=[TagFactory(name="sport")])

    assert "Untagged condition" not in get_page(client, "/tags/swelling/")


def test_tag_page_does_not_mix_up_items_of_different_kinds_with_the_same_id(client):
    # Tags are stored against (content type, id): a symptom's tag must not tag condition 900.
    swelling = TagFactory(name="swelling")
    ConditionFactory(id=900, name="Untagged condition")
    SymptomFactory(id=900, name="Tagged symptom", tags=[swelling])

    html = get_page(client, "/tags/swelling/")

    assert "Tagged symptom" in html
    assert "Untagged condition" not in html
    assertInHTML(
        '<a href="/tags/swelling/">swelling <span class="count">(1 page)</span></a>',
        get_page(client, "/tags/"),
    )


def test_tags_differing_only_in_case_are_one_topic(client):
    condition = ConditionFactory(name="Baker's cyst")
    symptom = SymptomFactory(name="Swelling")
    condition.tags.add("Knee")
    symptom.tags.add("knee")

    html = get_page(client, condition.tags.get().get_absolute_url())

    assert symptom.tags.get() == condition.tags.get()
    assert escape("Baker's cyst") in html
    assert "Swelling" in html


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_content_is_not_on_the_tag_page(client, status):
    swelling = TagFactory(name="swelling")
    ConditionFactory(name="Shown condition", tags=[swelling])
    ConditionFactory(name="Hidden condition", tags=[swelling], status=status)
    SymptomFactory(name="Hidden symptom", tags=[swelling], status=status)
    TreatmentFactory(name="Hidden treatment", tags=[swelling], status=status)
    FAQFactory(question="Hidden question?", tags=[swelling], status=status)

    html = get_page(client, "/tags/swelling/")

    assert "Shown condition" in html
    for hidden in ["Hidden condition", "Hidden symptom", "Hidden treatment", "Hidden question?"]:
        assert hidden not in html


def test_a_topic_only_unpublished_items_carry_is_not_public(client):
    swelling = TagFactory(name="swelling")
    ConditionFactory(name="Draft condition", tags=[swelling], status=Status.DRAFT)
    FAQFactory(question="Unpublished question?", tags=[swelling], status=Status.UNPUBLISHED)

    response = client.get("/tags/swelling/")

    assert response.status_code == 404
    assert "swelling" not in response.content.decode()
    assert "Draft condition" not in response.content.decode()


# Unpublished content, everywhere ---------------------------------------------------------------


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_unpublished_content_appears_on_no_public_page(client, knee_site, status):
    tag = knee_site["tag"]
    secret_tag = TagFactory(name="secret topic")
    hidden = dict(
        symptom=SymptomFactory(
            name="Hidden symptom", slug="hidden-symptom", status=status, tags=[tag, secret_tag]
        ),
        treatment=TreatmentFactory(
            name="Hidden treatment", slug="hidden-treatment", status=status, tags=[tag, secret_tag]
        ),
        condition=ConditionFactory(
            name="Hidden condition",
            slug="hidden-condition",
            status=status,
            symptoms=[knee_site["symptom"]],
            treatments=[knee_site["treatment"]],
            related=[knee_site["condition"]],
            tags=[tag, secret_tag],
        ),
        faq=FAQFactory(
            question="Hidden question?",
            slug="hidden-question",
            status=status,
            conditions=[knee_site["condition"]],
            tags=[tag, secret_tag],
        ),
    )
    knee_site["condition"].symptoms.add(hidden["symptom"])
    knee_site["condition"].treatments.add(hidden["treatment"])
    hidden["condition"].faqs.add(knee_site["faq"])

    assert client.get("/tags/secret-topic/").status_code == 404
    for url in [*HTML_PAGES, *sitemap_pages(client)]:
        html = get_page(client, url)
        for item in hidden.values():
            assert str(item) not in html, f"{item} is on {url}"
            assert "/hidden-" not in html and "#hidden-" not in html, f"a link to {item} on {url}"
        assert "secret topic" not in html, f"a tag only unpublished content uses is on {url}"


# Machine-readable ------------------------------------------------------------------------------


SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def sitemap_pages(client):
    """The sitemap index's entries: the path of each page of each section."""
    index = get_xml(client, "/sitemap.xml")
    locations = [entry.findtext("sm:loc", namespaces=SITEMAP_NS) for entry in index]
    return [location.removeprefix("http://testserver") for location in locations]


def sitemap_entries(client):
    """{URL: lastmod} over every page of every section the index lists; each URL once."""
    entries = {}
    for page in sitemap_pages(client):
        for url in get_xml(client, page).findall("sm:url", SITEMAP_NS):
            location = url.findtext("sm:loc", namespaces=SITEMAP_NS)
            assert location not in entries, f"{location} is listed twice"
            entries[location] = url.findtext("sm:lastmod", None, SITEMAP_NS)
    return entries


def test_sitemap_lists_the_home_page_lists_and_every_published_page(client, knee_site):
    entries = sitemap_entries(client)

    assert set(entries) == {
        "http://testserver/",
        "http://testserver/conditions/",
        "http://testserver/symptoms/",
        "http://testserver/treatments/",
        "http://testserver/tags/",
        "http://testserver/faq/",
        "http://testserver/conditions/bakers-cyst/",
        "http://testserver/symptoms/swelling-behind-the-knee/",
        "http://testserver/treatments/ice-pack/",
        "http://testserver/faq/is-a-bakers-cyst-serious/",
        "http://testserver/tags/swelling/",
        # In Spanish, the lists and topics; content items only once translated.
        "http://testserver/es/",
        "http://testserver/es/conditions/",
        "http://testserver/es/symptoms/",
        "http://testserver/es/treatments/",
        "http://testserver/es/tags/",
        "http://testserver/es/faq/",
        "http://testserver/es/tags/swelling/",
    }


def test_sitemap_says_when_a_condition_page_last_changed(client, knee_site):
    condition = knee_site["condition"]
    condition.refresh_from_db()

    lastmod = sitemap_entries(client)["http://testserver/conditions/bakers-cyst/"]

    assert lastmod == timezone.localdate(condition.updated_at).isoformat()


def test_a_big_sitemap_section_comes_in_pages_that_the_index_lists(client, monkeypatch):
    monkeypatch.setattr(ContentSitemap, "limit", 2)
    conditions = ConditionFactory.create_batch(5)

    pages = sitemap_pages(client)
    entries = sitemap_entries(client)

    assert [page for page in pages if page.startswith("/sitemap-conditions.xml")] == [
        "/sitemap-conditions.xml",
        "/sitemap-conditions.xml?p=2",
        "/sitemap-conditions.xml?p=3",
    ]
    assert {f"http://testserver{c.get_absolute_url()}" for c in conditions} <= set(entries)
    for past_the_end in ["?p=4", "?p=0", "?p=x"]:
        assert client.get(f"/sitemap-conditions.xml{past_the_end}").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.parametrize("status", HIDDEN_STATES)
def test_sitemap_leaves_out_unpublished_pages(client, status):
    ConditionFactory(slug="shown-condition")
    ConditionFactory(slug="hidden-condition", status=status)
    SymptomFactory(slug="hidden-symptom", status=status)
    TreatmentFactory(slug="hidden-treatment", status=status)

    locations = set(sitemap_entries(client))

    assert "http://testserver/conditions/shown-condition/" in locations
    assert not [loc for loc in locations if "hidden" in loc]


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_at_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_healthz_answers_ok_and_is_never_cached(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
