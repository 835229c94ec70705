"""A condition page and a topic page keep what they list until content changes, never past it.

The busiest pages read their condition, lists and counts once per content generation
(kneeinfo/cache.py). These tests run without a page cache, as `make run` does by default, so every
request renders the page and any stale list would show.
"""

import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.template import TemplateSyntaxError, engines
from django.utils import translation

from clinic.models import ClinicProfile
from conditions.models import Condition, Status, Tag
from conditions.views import SIMILAR_COUNT, SUBLIST_PAGE_SIZE
from kneeinfo.cache import content_changed
from tests.factories import (
    ConditionFactory,
    FAQFactory,
    KneeAreaFactory,
    SymptomFactory,
    TagFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db


def page(client, url="/conditions/bakers-cyst/"):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.text


def section(html, heading_id):
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def link_texts(html):
    return re.findall(r'<a href="/[^"]*/">([^<]+)</a>', html)


def test_each_list_on_a_condition_page_comes_in_its_own_order(client):
    knee, back = TagFactory(name="knee"), TagFactory(name="back of knee")
    related = [ConditionFactory(name=name) for name in ["cartilage wear", "Arthritis"]]
    ConditionFactory(
        name="Baker's cyst",
        slug="bakers-cyst",
        symptoms=[SymptomFactory(name=name) for name in ["Swelling", "Ache", "Stiffness"]],
        treatments=[TreatmentFactory(name=name) for name in ["Rest", "Ice", "Brace"]],
        related=related,
        tags=[knee, back],
    )
    # Similar: most shared topics first, equal ones A–Z regardless of case; curated ones left out.
    both = [ConditionFactory(name=name, tags=[knee, back]) for name in ["Tendonitis", "bursitis"]]
    one = [ConditionFactory(name=f"Condition {n}", tags=[knee]) for n in range(SIMILAR_COUNT)]
    related[0].tags.set([knee, back])

    html = page(client)

    assert link_texts(section(html, "symptoms-heading")) == ["Ache", "Stiffness", "Swelling"]
    assert link_texts(section(html, "treatments-heading")) == ["Brace", "Ice", "Rest"]
    related_and_similar = link_texts(section(html, "related-heading"))
    assert related_and_similar == [
        "Arthritis",
        "cartilage wear",
        both[1].name,
        both[0].name,
        *[condition.name for condition in one[: SIMILAR_COUNT - 2]],
    ]
    assert link_texts(section(html, "tags-heading")) == ["back of knee", "knee"]


def link_a_symptom(condition):
    condition.symptoms.add(SymptomFactory(name="Locking"))
    return "Locking"


def rename_a_related_condition(condition):
    other = condition.related.get()
    other.name = "Knee osteoarthritis"
    other.save()
    return "Knee osteoarthritis"


def unpublish_a_question(condition):
    faq = condition.faqs.get()
    faq.status = Status.UNPUBLISHED
    faq.save()
    return "!Does it hurt to kneel?"


def hide_a_topic(condition):
    tag = Tag.objects.get(name="back of knee")
    tag.is_hidden = True
    tag.save()
    return "!back of knee"


def place_it_on_the_knee(condition):
    condition.knee_areas.add(KneeAreaFactory(name="Inner side", slug="inner"))
    return "inner side"


def rename_the_reviewer(condition):
    reviewer = condition.reviewed_by
    reviewer.first_name = "Grace"
    reviewer.save()
    return '"name":"Grace Hopper"'


def edit_the_summary(condition):
    condition.summary = "A lump behind the knee, full of fluid."
    condition.save()
    return "A lump behind the knee, full of fluid."


CHANGES = [
    link_a_symptom,
    rename_a_related_condition,
    unpublish_a_question,
    hide_a_topic,
    place_it_on_the_knee,
    rename_the_reviewer,
    edit_the_summary,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_a_condition_page_shows_each_change_on_the_next_request(client, change):
    reviewer = get_user_model().objects.create_user("ada", first_name="Ada", last_name="Hopper")
    condition = ConditionFactory(
        slug="bakers-cyst",
        related=[ConditionFactory(name="Knee arthritis")],
        tags=[TagFactory(name="back of knee")],
        reviewed_by=reviewer,
        last_reviewed_on="2026-01-02",
    )
    FAQFactory(question="Does it hurt to kneel?", conditions=[condition])
    assert page(client) == page(client)

    expected = change(Condition.objects.get(pk=condition.pk))
    html = page(client)

    if expected.startswith("!"):
        assert expected[1:] not in html
    else:
        assert expected in html


def test_an_unpublished_condition_is_gone_on_the_next_request_and_back_once_published(client):
    condition = ConditionFactory(name="Baker's cyst", slug="bakers-cyst")
    page(client)

    condition.status = Status.UNPUBLISHED
    condition.save()
    assert client.get("/conditions/bakers-cyst/").status_code == 404
    assert client.get("/conditions/bakers-cyst/").status_code == 404

    condition.status = Status.PUBLISHED
    condition.save()
    assert "<h1>Baker&#x27;s cyst</h1>" in page(client)


def test_a_new_condition_is_found_at_an_address_that_was_not_found(client):
    assert client.get("/conditions/bakers-cyst/").status_code == 404

    ConditionFactory(name="Baker's cyst", slug="bakers-cyst")

    assert "<h1>Baker&#x27;s cyst</h1>" in page(client)


def test_a_topic_pages_counts_and_pages_follow_the_next_change(client):
    tag = TagFactory(name="knee")
    conditions = [
        ConditionFactory(name=f"Condition {n:03d}", tags=[tag]) for n in range(SUBLIST_PAGE_SIZE)
    ]
    first = page(client, "/tags/knee/")
    assert "Page 1 of" not in first and "Only symptom" not in first

    ConditionFactory(name=f"Condition {SUBLIST_PAGE_SIZE:03d}", tags=[tag])
    SymptomFactory(name="Only symptom", tags=[tag])

    first = page(client, "/tags/knee/")
    assert "Page 1 of 2" in first and "Only symptom" in first
    assert f"Condition {SUBLIST_PAGE_SIZE:03d}" in page(client, "/tags/knee/?page=2")

    conditions[0].tags.remove(tag)
    first = page(client, "/tags/knee/")
    assert "Page 1 of" not in first and "Condition 000" not in first


def test_addresses_of_no_condition_leave_nothing_in_the_cache(client, monkeypatch):
    ConditionFactory(slug="bakers-cyst")
    page(client)
    stored = []
    monkeypatch.setattr(cache, "set", lambda key, *args, **kwargs: stored.append(key))

    for number in range(20):
        assert client.get(f"/conditions/no-such-page-{number}/").status_code == 404

    assert stored == []


KEPT = (
    '{% load kneeinfo %}{% kept_until_content_changes "test-part" item %}'
    "{{ renders }}{% endkept_until_content_changes %}"
)


def test_a_kept_part_is_rendered_once_per_generation_language_and_value(db):
    renders = itertools.count(1)
    template = engines["django"].from_string(KEPT)

    def render(item):
        return template.render({"item": item, "renders": lambda: next(renders)})

    assert render(1) == render(1) == "1"
    assert render(2) == "2"
    with translation.override("es"):
        assert render(1) == "3"
    assert render(1) == "1"

    content_changed()

    assert render(1) == "4"
    assert render(None) == "5" and render(None) == "6"  # no value: never kept


@pytest.mark.parametrize(
    "tag", ["{% kept_until_content_changes %}", "{% kept_until_content_changes test-part %}"]
)
def test_a_kept_part_needs_a_quoted_name(tag):
    with pytest.raises(TemplateSyntaxError, match="needs a quoted name"):
        engines["django"].from_string(
            "{% load kneeinfo %}" + tag + "{% endkept_until_content_changes %}"
        )


def test_the_kept_navigation_and_footer_follow_the_next_change_in_each_language(client):
    ConditionFactory(slug="bakers-cyst")
    profile = ClinicProfile.objects.create(phone="(212) 555-0100")
    english, spanish = page(client), page(client, "/es/conditions/bakers-cyst/")
    assert "Conditions A–Z" in english and "Conditions A–Z" not in spanish
    assert "(212) 555-0100" in english and "(212) 555-0100" in spanish

    profile.phone = "(212) 555-0199"
    profile.save()

    for html in page(client), page(client, "/es/conditions/bakers-cyst/"):
        footer = html.split('<footer class="site-footer">', 1)[1]
        assert "(212) 555-0199" in footer and "(212) 555-0100" not in footer


# What differs between visitors or requests, and so must never be read inside a kept part.
PER_REQUEST = re.compile(
    r"\b(request|csrf_token|user|perms|messages|language_switches|page_alternates|preview"
    r"|draft_compare_url)\b"
)
KEPT_PART = re.compile(
    r"{% kept_until_content_changes .*?%}(.*?){% endkept_until_content_changes %}", re.S
)
INCLUDE = re.compile(r"""{% include ["']([^"']+)["']""")
TEMPLATE_CODE = re.compile(r"{{.*?}}|{%.*?%}", re.S)
QUOTED = re.compile(r""""[^"]*"|'[^']*'""")


def kept_parts_with_their_includes():
    """Each kept part in the project's templates, with every template it includes."""
    templates = Path(settings.BASE_DIR) / "templates"
    for path in sorted(templates.rglob("*.html")):
        for index, part in enumerate(KEPT_PART.findall(path.read_text())):
            texts, names = [part], INCLUDE.findall(part)
            while names:
                text = (templates / names.pop()).read_text()
                texts.append(text)
                names += INCLUDE.findall(text)
            yield pytest.param("\n".join(texts), id=f"{path.relative_to(templates)}-{index}")


def names_read(text):
    """The names a template's tags and variables read, its quoted strings left out."""
    return {
        name
        for code in TEMPLATE_CODE.findall(text)
        for name in PER_REQUEST.findall(QUOTED.sub("", code))
    }


def test_the_project_keeps_parts_of_pages():
    assert len(list(kept_parts_with_their_includes())) == 3  # navigation, footer, lists
    assert names_read('{% url "request" %}{{ request.path }}{% csrf_token %}') == {
        "request",
        "csrf_token",
    }


@pytest.mark.parametrize("text", list(kept_parts_with_their_includes()))
def test_no_kept_part_reads_anything_of_the_request_or_the_visitor(text):
    assert not names_read(text)
