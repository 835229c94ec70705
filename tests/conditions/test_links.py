"""Links in clinicians' Markdown to pages of the site that are not live are reported on save."""

import pytest

from conditions.links import internal_link_problems
from conditions.models import Status
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory, TagFactory
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

    assert internal_link_problems(text) == []


def test_links_to_missing_draft_and_unpublished_pages_are_reported():
    ConditionFactory(slug="draft-knee", status=Status.DRAFT)
    SymptomFactory(slug="old-symptom", status=Status.UNPUBLISHED)
    TagFactory(name="unused")

    text = (
        "[a](/conditions/draft-knee/) [b](/symptoms/old-symptom/) [c](/no/such/page/) "
        "[d](/tags/unused/) [e](/treatments/nothing-here/) [a again](/conditions/draft-knee/)"
    )

    assert internal_link_problems(text) == [
        ("/conditions/draft-knee/", "this condition is not live"),
        ("/symptoms/old-symptom/", "this symptom is not live"),
        ("/no/such/page/", "no page has this address"),
        ("/tags/unused/", "no live page carries this topic"),
        ("/treatments/nothing-here/", "this treatment is not live"),
    ]


def test_saving_a_page_with_a_dead_link_warns_beside_saving_it(clinician_client):
    condition = ConditionFactory(slug="bakers-cyst", status=Status.DRAFT)
    ConditionFactory(slug="draft-knee", status=Status.DRAFT)
    body = "Read about [the draft](/conditions/draft-knee/) and [nothing](/conditions/gone/)."

    response = clinician_client.post(
        change_url(condition), change_data(condition, body=body), follow=True
    )

    condition.refresh_from_db()
    assert condition.body == body
    messages = [str(m) for m in response.context["messages"]]
    assert "Body: the link to /conditions/draft-knee/: this condition is not live." in messages
    assert "Body: the link to /conditions/gone/: this condition is not live." in messages
