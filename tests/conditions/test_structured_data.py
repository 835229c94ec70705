"""schema.org JSON-LD, sitemap, robots and sharing tags, checked against the database."""

import json
import re
from datetime import date

import pytest
from django.core.management import call_command

from conditions.models import Condition, Status
from conditions.services.importing import SEED_ARTICLE
from conditions.services.workflow import content_sign_off
from faq.models import FAQ
from tests.factories import ConditionFactory, FAQFactory

pytestmark = pytest.mark.django_db


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def graph_item(data, schema_type):
    return next(item for item in data["@graph"] if item["@type"] == schema_type)


def test_condition_page_describes_the_condition_as_in_the_database(client, clinician):
    call_command("import_article", str(SEED_ARTICLE), verbosity=0)
    condition = Condition.objects.get(slug="bakers-cyst")
    content_sign_off(condition, clinician)
    data = json_ld(client.get(condition.get_absolute_url()).text)
    page = graph_item(data, "MedicalWebPage")
    about = page["about"]
    assert data["@context"] == "https://schema.org"
    assert about["@type"] == "MedicalCondition"
    assert about["name"] == condition.name
    assert about["alternateName"] == condition.alternate_name_list
    assert sorted(s["name"] for s in about["signOrSymptom"]) == sorted(
        condition.symptoms.values_list("name", flat=True)
    )
    assert sorted(t["name"] for t in about["possibleTreatment"]) == sorted(
        condition.treatments.values_list("name", flat=True)
    )
    assert [a["name"] for a in about["associatedAnatomy"]] == ["Back of the knee"]
    assert page["lastReviewed"] == date.today().isoformat()
    assert page["reviewedBy"] == {"@type": "Person", "name": "Ana Jones"}
    assert page["url"] == "http://testserver/conditions/bakers-cyst/"


def test_breadcrumb_list_starts_at_position_one(client):
    condition = ConditionFactory(name="Meniscus tear", slug="meniscus-tear")
    crumbs = graph_item(json_ld(client.get(condition.get_absolute_url()).text), "BreadcrumbList")
    assert [(i["position"], i["name"]) for i in crumbs["itemListElement"]] == [
        (1, "Home"),
        (2, "Conditions A–Z"),
        (3, "Meniscus tear"),
    ]
    assert crumbs["itemListElement"][2]["item"] == "http://testserver/conditions/meniscus-tear/"


def test_unreviewed_page_claims_no_review(client):
    data = json_ld(client.get(ConditionFactory().get_absolute_url()).text)
    page = graph_item(data, "MedicalWebPage")
    assert "lastReviewed" not in page and "reviewedBy" not in page


def test_json_ld_cannot_close_its_script_element(client):
    condition = ConditionFactory(name="</script><script>alert(1)</script>", summary="a & b")
    html = client.get(condition.get_absolute_url()).text
    data = json_ld(html)
    assert graph_item(data, "MedicalWebPage")["name"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in html


def test_faq_page_is_an_faq_page_of_published_questions(client):
    FAQFactory(question="Why does it hurt?", answer="Because **reasons**.")
    FAQFactory(question="Draft question?", status=Status.DRAFT)
    data = json_ld(client.get("/faq/").text)
    faq_page = graph_item(data, "FAQPage")
    assert faq_page["mainEntity"] == [
        {
            "@type": "Question",
            "name": "Why does it hurt?",
            "acceptedAnswer": {"@type": "Answer", "text": "Because reasons."},
        }
    ]
    assert FAQ.objects.count() == 2


def test_open_graph_tags_describe_the_page(client):
    condition = ConditionFactory(
        name="Jumper's knee", slug="jumpers-knee", summary="Pain below the kneecap."
    )
    html = client.get(condition.get_absolute_url()).text
    assert '<meta property="og:title" content="Jumper&#x27;s knee">' in html
    assert '<meta property="og:description" content="Pain below the kneecap.">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<link rel="canonical" href="http://testserver/conditions/jumpers-knee/">' in html


def test_sitemap_lists_published_pages_with_lastmod(client):
    shown = ConditionFactory(slug="shown")
    ConditionFactory(slug="draft", status=Status.DRAFT)
    xml = client.get("/sitemap-conditions.xml").text
    assert "http://testserver/conditions/shown/" in xml
    assert "/conditions/draft/" not in xml
    assert f"<lastmod>{shown.updated_at.date().isoformat()}" in xml


def test_robots_txt_disallows_the_admin_and_points_to_the_sitemap(client):
    text = client.get("/robots.txt").text
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
