"""Which links in clinicians' Markdown lead nowhere (pages of the site that are not live, other
sites' pages that check_links last found broken), and the warnings beside the field."""

import re

import pytest
from django.utils import timezone

from conditions.links import external_links, link_problems
from conditions.models import Status
from links.models import ExternalLink
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory, TagFactory
from tests.links.test_admin import FINE, GONE, checked
from tests.test_roles import change_data, change_url

pytestmark = pytest.mark.django_db


def test_links_to_live_pages_and_to_other_sites_are_fine():
    ConditionFactory(slug="bakers-cyst", tags=[TagFactory(name="swelling")])
    SymptomFactory(slug="swelling")
    FAQFactory(slug="why-does-it-hurt")

    text = (
        "See [Baker's cyst](/conditions/bakers-cyst/), [swelling](/symptoms/swelling/), "
        "[a question](/faq/why-does-it-hurt/), [the topic](/tags/swelling/), "
        "[the A–Z](/conditions/), [NIH](https://www.nih.gov/) and "
        "[us](http://127.0.0.1:8000/conditions/bakers-cyst/#symptoms)."
    )

    assert link_problems(text) == []


def test_links_to_missing_draft_and_unpublished_pages_are_reported():
    ConditionFactory(slug="draft-knee", status=Status.DRAFT)
    SymptomFactory(slug="old-symptom", status=Status.UNPUBLISHED)
    TagFactory(name="unused")

    text = (
        "[a](/conditions/draft-knee/) [b](/symptoms/old-symptom/) [c](/no/such/page/) "
        "[d](/tags/unused/) [e](/treatments/nothing-here/) [a again](/conditions/draft-knee/)"
    )

    assert link_problems(text) == [
        ("/conditions/draft-knee/", "this condition is not live"),
        ("/symptoms/old-symptom/", "this symptom is not live"),
        ("/no/such/page/", "no page has this address"),
        ("/tags/unused/", "no live page carries this topic"),
        ("/treatments/nothing-here/", "this treatment is not live"),
    ]


def test_links_to_other_sites_are_reported_where_the_last_check_found_them_broken():
    checked = timezone.make_aware(timezone.datetime(2026, 12, 3, 4, 30))
    ExternalLink.objects.create(
        url="https://example.org/gone?a=1&b=2", status_code=404, is_broken=True, checked_at=checked
    )
    ExternalLink.objects.create(
        url="https://slow.example.org/", error="timed out", is_broken=True, checked_at=checked
    )
    ExternalLink.objects.create(url="https://example.org/fine", status_code=200, checked_at=checked)

    text = (
        "[a](https://example.org/gone?a=1&b=2) [b](https://example.org/fine) "
        "[c](https://slow.example.org/) [d](https://example.org/never-checked) [e](/conditions/x/)"
    )

    assert link_problems(text) == [
        (
            "https://example.org/gone?a=1&b=2",
            "broken when checked on December 3, 2026: 404 Not Found",
        ),
        ("https://slow.example.org/", "broken when checked on December 3, 2026: timed out"),
        ("/conditions/x/", "this condition is not live"),
    ]


def test_external_links_are_other_sites_pages_once_each(settings):
    settings.SITE_URL = "https://knee.example.org"
    text = (
        "[a](https://nih.gov/knee) <https://nih.gov/knee> [b](http://example.org/a?x=1&y=2) "
        "[us](https://knee.example.org/conditions/) [mail](mailto:desk@example.org) "
        "[phone](tel:+12125550100) [local](/faq/) bare https://not-a-link.example.org"
    )

    assert external_links(text) == ["https://nih.gov/knee", "http://example.org/a?x=1&y=2"]


def field_row(html, name):
    """The change form's row for one field: its label, input, warnings and help."""
    start = html.index(f'class="form-row field-{name}')
    return html[start : html.index('class="form-row', start + 1)]


def test_change_form_lists_dead_links_beside_the_markdown_field(clinician_client):
    ConditionFactory(slug="draft-knee", status=Status.DRAFT)
    condition = ConditionFactory(
        body=f"See [a draft](/conditions/draft-knee/), [gone]({GONE}) and [fine]({FINE})."
    )
    checked(GONE, condition, status_code=404, is_broken=True)
    checked(FINE, condition, status_code=200)

    html = clinician_client.get(change_url(condition)).text

    body = field_row(html, "body")
    textarea = re.search(r"<textarea [^>]*>", body).group()
    assert 'aria-describedby="id_body_helptext id_body_links"' in textarea
    warnings = body[body.index('<div class="link-warnings" id="id_body_links">') :]
    assert "2 links in this text lead nowhere (saving still works)" in warnings
    assert "<code>/conditions/draft-knee/</code>: this condition is not live." in warnings
    assert f"<code>{GONE}</code>: broken when checked on" in warnings
    assert "404 Not Found." in warnings
    assert FINE not in warnings
    assert "link-warnings" not in field_row(html, "summary")  # not Markdown: not checked
    assert "admin/kneeinfo.css" in html  # the warnings' style, from a static file (CSP)


def test_a_page_with_no_dead_links_shows_no_warnings(clinician_client):
    condition = ConditionFactory(body=f"[fine]({FINE}) and [the A–Z](/conditions/).")
    checked(FINE, condition, status_code=200)

    html = clinician_client.get(change_url(condition)).text

    assert "link-warnings" not in html


def test_saving_with_dead_links_saves_notes_it_once_and_keeps_the_warnings_beside_the_field(
    clinician_client,
):
    condition = ConditionFactory(name="Baker's cyst", status=Status.DRAFT)
    ConditionFactory(slug="draft-knee", status=Status.DRAFT)
    body = "Read about [the draft](/conditions/draft-knee/) and [nothing](/conditions/gone/)."

    response = clinician_client.post(
        change_url(condition), change_data(condition, body=body, _continue="1"), follow=True
    )

    condition.refresh_from_db()
    assert condition.body == body
    messages = [str(m) for m in response.context["messages"]]
    dead = [m for m in messages if "lead nowhere" in m]
    assert dead == [
        "'Baker's cyst' is saved, but links in its body lead nowhere: "
        "the warnings beside the field say which."
    ]
    warnings = field_row(response.text, "body")
    assert "<code>/conditions/draft-knee/</code>: this condition is not live." in warnings
    assert "<code>/conditions/gone/</code>: this condition is not live." in warnings


def test_a_form_shown_again_with_an_error_warns_of_the_links_as_typed(clinician_client):
    condition = ConditionFactory(status=Status.DRAFT, body="No links yet.")
    typed = "Now [a missing page](/symptoms/nothing-here/)."

    response = clinician_client.post(
        change_url(condition), change_data(condition, body=typed, edit_token="stale")
    )

    assert response.status_code == 200  # someone else saved in between: nothing is saved
    condition.refresh_from_db()
    assert condition.body == "No links yet."
    warnings = field_row(response.text, "body")
    assert "<code>/symptoms/nothing-here/</code>: this symptom is not live." in warnings


def test_every_content_type_warns_beside_its_own_markdown_field(clinician_client):
    faq = FAQFactory(answer="See [a symptom](/symptoms/not-written/).")

    html = clinician_client.get(change_url(faq)).text

    warnings = field_row(html, "answer")
    assert '<div class="link-warnings" id="id_answer_links">' in warnings
    assert "<code>/symptoms/not-written/</code>: this symptom is not live." in warnings


def test_a_live_pages_working_draft_is_checked_as_the_form_shows_it(clinician_client):
    live = ConditionFactory(name="Baker's cyst", body="Live wording.")
    draft = "Draft wording with [a draft page](/conditions/not-written/)."

    response = clinician_client.post(
        change_url(live), change_data(live, body=draft, _continue="1"), follow=True
    )

    live.refresh_from_db()
    assert live.body == "Live wording."  # the edit waits in the working draft
    assert "You are editing the working draft" in response.text
    warnings = field_row(response.text, "body")
    assert "<code>/conditions/not-written/</code>: this condition is not live." in warnings
