"""Cross-links: curated related conditions first, then shared tags; names in a body link."""

import pytest

from conditions.text import autolink, phrase_key
from tests.factories import ConditionFactory, TagFactory

pytestmark = pytest.mark.django_db


def related_section(html):
    return html.split('id="related-heading"', 1)[1].split("</section>", 1)[0]


def test_curated_related_come_first_then_conditions_sharing_most_tags(client):
    knee, calf, tendon = TagFactory(name="knee"), TagFactory(name="calf"), TagFactory(name="tendon")
    curated = ConditionFactory(name="Zed curated")
    page = ConditionFactory(name="The page", tags=[knee, calf, tendon], related=[curated])
    ConditionFactory(name="Two shared", tags=[knee, calf])
    ConditionFactory(name="Three shared", tags=[knee, calf, tendon])
    ConditionFactory(name="Nothing shared", tags=[TagFactory(name="elbow")])
    ConditionFactory(name="Draft sharing all", tags=[knee, calf, tendon], status="draft")
    section = related_section(client.get(page.get_absolute_url()).text)
    assert (
        section.index("Zed curated") < section.index("Three shared") < section.index("Two shared")
    )
    assert "Nothing shared" not in section
    assert "Draft sharing all" not in section
    assert section.count("Zed curated") == 1


def test_first_mention_of_another_condition_links_to_it(client):
    ConditionFactory(name="Baker’s cyst", slug="bakers-cyst", alternate_names="Popliteal cyst")
    ConditionFactory(name="Hidden", slug="hidden", status="draft")
    page = ConditionFactory(
        name="Arthritis",
        body="## Baker's cyst\n\nArthritis can cause a popliteal cyst. A Baker's cyst again. "
        "[Baker's cyst](https://example.org) stays. Arthritis is this page. Hidden is a draft.",
    )
    html = client.get(page.get_absolute_url()).text
    body = html.split('<div class="body">', 1)[1].split("</div>", 1)[0]
    assert body.count('href="/conditions/bakers-cyst/"') == 1
    assert '<a href="/conditions/bakers-cyst/">popliteal cyst</a>' in body
    assert "<h2>Baker's cyst</h2>" in body
    assert '<a href="https://example.org" rel="noopener noreferrer">Baker\'s cyst</a>' in body
    assert "/conditions/arthritis/" not in body
    assert "/conditions/hidden/" not in body


def test_autolink_needs_words_next_to_each_other():
    targets = {phrase_key("ACL injury"): "/conditions/acl/"}
    assert autolink("<p>(ACL) injury</p>", targets) == "<p>(ACL) injury</p>"
    assert autolink("<p>an ACL injury.</p>", targets) == (
        '<p>an <a href="/conditions/acl/">ACL injury</a>.</p>'
    )
