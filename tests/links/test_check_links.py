"""manage.py check_links: what it records, what it drops, and its subset and dry run."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from conditions.models import Status
from conditions.services.drafts import save_draft
from links.models import ExternalLink, LinkUse
from tests.factories import ConditionFactory, FAQFactory, TreatmentFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("check_links", *args, stdout=out, stderr=out)
    return out.getvalue()


def places(url):
    return {
        (use.content_type.model_class(), use.object_id, use.field)
        for use in LinkUse.objects.filter(link__url=url)
    }


def test_each_link_gets_its_status_the_time_of_the_check_and_the_items_holding_it(link_server):
    ok, missing = f"{link_server.url}/ok", f"{link_server.url}/missing"
    condition = ConditionFactory(
        name="Baker's cyst",
        body=f"See [a guide]({ok}), [a dead page]({missing}) and [our A–Z](/conditions/).",
    )
    draft_faq = FAQFactory(answer=f"More in [the guide]({ok}).", status=Status.DRAFT)
    TreatmentFactory(description="No links here.")
    ExternalLink.objects.create(url="https://old.example.org/gone", is_broken=True)
    before = timezone.now()

    output = run()

    working, broken = ExternalLink.objects.get(url=ok), ExternalLink.objects.get(url=missing)
    assert (working.status_code, working.error, working.is_broken) == (200, "", False)
    assert (broken.status_code, broken.is_broken, broken.status) == (404, True, "404 Not Found")
    assert before <= working.checked_at <= timezone.now()
    assert places(ok) == {
        (type(condition), condition.pk, "body"),
        (type(draft_faq), draft_faq.pk, "answer"),
    }
    assert places(missing) == {(type(condition), condition.pk, "body")}
    assert not ExternalLink.objects.filter(url__contains="old.example.org").exists()
    assert ExternalLink.objects.count() == 2  # links to the site itself are not recorded
    assert f"404 Not Found: {missing} (in Condition 'Baker's cyst')" in output
    assert ok not in output  # working links are listed only at verbosity 2
    assert "Checked 2 link(s) on 1 host(s): 1 working, 1 broken." in output
    assert "Dropped 1 link(s) no page holds any more." in output
    # Nobody else's server was asked, and ours knew who asked.
    assert {seen.path for seen in link_server.seen} == {"/ok", "/missing"}
    agents = {seen.user_agent for seen in link_server.seen}
    assert agents == {
        f"kneeinfo-linkcheck/1.0 (+{settings.SITE_URL}/; "
        "checks the links of Spine Institute NY's pages)"
    }


def test_a_second_run_updates_the_record_as_items_change(link_server):
    ok, missing = f"{link_server.url}/ok", f"{link_server.url}/missing"
    condition = ConditionFactory(body=f"[a]({ok}) [b]({missing})")
    faq = FAQFactory(answer=f"[b]({missing})")
    run("--host", "nothing.example")  # records where the links are, checks none
    assert places(missing) == {
        (type(condition), condition.pk, "body"),
        (type(faq), faq.pk, "answer"),
    }
    assert set(ExternalLink.objects.values_list("checked_at", flat=True)) == {None}

    condition.body = f"[a]({ok}) only now."
    condition.save()
    faq.delete()
    run("--verbosity", "0")

    assert list(ExternalLink.objects.values_list("url", "status_code")) == [(ok, 200)]
    assert places(ok) == {(type(condition), condition.pk, "body")}


def test_links_in_a_live_pages_working_draft_are_recorded_too():
    live = ConditionFactory(body="[old](https://example.org/old)")
    save_draft(live, {"body": "[new](https://example.org/new)"})
    live.refresh_from_db()
    assert live.body == "[old](https://example.org/old)"  # the draft waits for review

    run("--dry-run")
    run("--host", "nothing.example")

    assert places("https://example.org/old") == {(type(live), live.pk, "body")}
    assert places("https://example.org/new") == {(type(live), live.pk, "body")}


def test_host_checks_only_that_hosts_links_and_keeps_the_others_last_result(link_server):
    ok = f"{link_server.url}/ok"
    elsewhere = "http://elsewhere.invalid/page"
    ConditionFactory(body=f"[a]({ok}) [b]({elsewhere})")
    yesterday = timezone.now() - timedelta(days=1)
    ExternalLink.objects.create(url=elsewhere, status_code=200, checked_at=yesterday)

    output = run("--host", "127.0.0.1", "--verbosity", "2")

    assert ExternalLink.objects.get(url=ok).status_code == 200
    assert ExternalLink.objects.get(url=elsewhere).checked_at == yesterday
    assert f"200 OK: {ok} (in Condition" in output
    assert "Checked 1 link(s) on 1 host(s): 1 working, 0 broken." in output


def test_dry_run_lists_the_links_and_asks_and_records_nothing(link_server):
    ok = f"{link_server.url}/ok"
    ConditionFactory(name="Runner's knee", body=f"[a]({ok})")

    output = run("--dry-run")

    assert f"{ok} (in Condition 'Runner's knee')" in output
    assert "Would check 1 of 1 link(s)." in output
    assert link_server.seen == []
    assert not ExternalLink.objects.exists()


def test_an_address_too_long_to_record_is_named_and_left_out(link_server):
    long_url = f"{link_server.url}/ok/{'x' * 2000}"
    ConditionFactory(name="Long link", body=f"[a]({long_url})")

    output = run()

    assert "Not checked: an address longer than 2000 characters" in output
    assert "in Condition 'Long link'" in output
    assert not ExternalLink.objects.exists()
    assert link_server.seen == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["--timeout", "0"], "--timeout must be more than 0"),
        (["--workers", "100"], "--workers must be from 1 to 16"),
    ],
)
def test_bad_options_are_refused_with_a_message(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
