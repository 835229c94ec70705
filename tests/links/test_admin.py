"""Broken links to other sites in the admin: the review box on the admin index and the list of
links. (Warnings beside the Markdown field: tests/conditions/test_links.py.)"""

import pytest
from django.urls import reverse
from django.utils import timezone

from conditions.services.drafts import save_draft
from links.models import ExternalLink, LinkUse
from tests.factories import ConditionFactory, FAQFactory
from tests.test_roles import change_url

pytestmark = pytest.mark.django_db

GONE = "https://example.org/gone"
FINE = "https://example.org/fine"
INDEX = reverse("admin:index")
LINKS = reverse("admin:links_externallink_changelist")


def checked(url, item=None, field="body", **result):
    """A link as check_links records it, held by `item`'s `field`."""
    link = ExternalLink.objects.create(url=url, checked_at=timezone.now(), **result)
    if item is not None:
        LinkUse.objects.create(link=link, item=item, field=field)
    return link


def test_the_review_box_lists_items_holding_broken_links(clinician_client):
    condition = ConditionFactory(name="Baker's cyst", body=f"[gone]({GONE}) [fine]({FINE})")
    faq = FAQFactory(question="Can I run?", answer="[timed out](https://slow.example.org/)")
    mended = ConditionFactory(name="Mended since", body="The link is gone from here.")
    checked(GONE, condition, status_code=404, is_broken=True)
    checked(FINE, condition, status_code=200)
    slow = checked("https://slow.example.org/", faq, "answer", error="timed out", is_broken=True)
    LinkUse.objects.create(link=slow, item=mended, field="body")  # edited after the check

    html = clinician_client.get(INDEX).text

    review = html[html.index('id="review-due"') :]
    review = review[: review.index("</div>")]
    broken = review[review.index("Broken links to other sites") :]
    assert f'<a href="{LINKS}?broken=yes">all of them</a>' in review
    assert f'<a href="{change_url(condition)}">Baker&#x27;s cyst</a>' in broken
    assert f"{GONE}: 404 Not Found" in broken
    assert f'<a href="{change_url(faq)}">Can I run?</a>' in broken
    assert "https://slow.example.org/: timed out" in broken
    assert FINE not in broken
    assert "Mended since" not in broken
    assert broken.index("Baker") < broken.index("Can I run?")  # A–Z


def test_the_review_box_counts_a_live_pages_working_draft_and_its_live_text(clinician_client):
    added = ConditionFactory(name="Added in a draft", body="No links live.")
    save_draft(added, {"body": f"Now [gone]({GONE})."})
    mended = ConditionFactory(name="Mended in a draft", body=f"Live [gone]({GONE}).")
    save_draft(mended, {"body": "Mended, waiting for review."})
    link = checked(GONE, added, status_code=404, is_broken=True)
    LinkUse.objects.create(link=link, item=mended, field="body")

    html = clinician_client.get(INDEX).text

    broken = html[html.index("Broken links to other sites") :]
    # Both hold the link: one will put it live, the other still shows it to patients.
    assert "Added in a draft" in broken and "Mended in a draft" in broken


def test_the_review_box_says_nothing_of_links_when_none_is_broken(clinician_client):
    checked(FINE, ConditionFactory(body=f"[fine]({FINE})"), status_code=200)

    html = clinician_client.get(INDEX).text

    assert "Broken links" not in html
    assert "Nothing is due for review" in html


def test_links_list_filters_broken_and_working_and_links_to_the_items(staff_client):
    condition = ConditionFactory(name="Baker's cyst", body=f"[gone]({GONE}) [fine]({FINE})")
    faq = FAQFactory(question="Can I run?", answer=f"[gone]({GONE})")
    checked(GONE, condition, status_code=404, is_broken=True)
    LinkUse.objects.create(link=ExternalLink.objects.get(url=GONE), item=faq, field="answer")
    checked(FINE, condition, status_code=200)
    ExternalLink.objects.create(url="https://example.org/new")

    broken = staff_client.get(LINKS, {"broken": "yes"}).text
    working = staff_client.get(LINKS, {"broken": "no"}).text
    unchecked = staff_client.get(LINKS, {"broken": "unchecked"}).text

    assert GONE in broken and FINE not in broken
    assert "404 Not Found" in broken
    assert f'<a href="{change_url(condition)}">Baker&#x27;s cyst</a> (body)' in broken
    assert f'<a href="{change_url(faq)}">Can I run?</a> (answer)' in broken
    assert FINE in working and GONE not in working and "200 OK" in working
    assert "https://example.org/new" in unchecked and "not checked yet" in unchecked
    assert GONE not in unchecked


def test_the_links_list_is_read_only_and_not_for_other_roles(client, clinician, front_desk):
    link = checked(GONE, status_code=404, is_broken=True)
    client.force_login(clinician)
    assert client.get(LINKS).status_code == 200
    add = client.get(reverse("admin:links_externallink_add"))
    delete = client.post(
        reverse("admin:links_externallink_delete", args=[link.pk]), {"post": "yes"}
    )
    assert (add.status_code, delete.status_code) == (403, 403)
    assert ExternalLink.objects.filter(pk=link.pk).exists()

    client.force_login(front_desk)
    assert client.get(LINKS).status_code == 403
