"""Anonymous pages come from the shared cache, and any content change shows on the next request.

Each test runs on the file cache `make run` uses, on a local-memory cache and, when it answers,
on Redis (REDIS_TEST_URL, default database 15 of the local server). REQUIRE_REDIS=1 turns a
missing Redis into a failure. With files or local memory the content generation is in the
database; with Redis, in Redis.
"""

import contextlib
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.db.models import F
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from conditions.models import Condition, Status, Tag
from conditions.services.importing import SEED_ARTICLE, article_import
from conditions.services.tags import tag_merge
from kneeinfo.cache import (
    GENERATION_KEY,
    changes_batched,
    content_changed,
    counter_reader,
    current_generation,
    generation_cached,
    page_key,
    process_pages,
    process_values,
)
from kneeinfo.models import ContentGeneration
from tests.conftest import empty_caches
from tests.factories import ConditionFactory, FAQFactory, SymptomFactory, TagFactory

BASE_DIR = Path(__file__).resolve().parent.parent
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
PAGE = "/conditions/bakers-cyst/"


def redis_answers():
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


@pytest.fixture(params=["file", "locmem", "redis"])
def page_cache(request, settings, tmp_path):
    if request.param == "redis":
        if not redis_answers():
            if os.environ.get("REQUIRE_REDIS") == "1":
                pytest.fail(f"Redis at {REDIS_TEST_URL} does not answer, and REQUIRE_REDIS=1")
            pytest.skip(f"Redis at {REDIS_TEST_URL} does not answer")
        settings.CACHES = {
            "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_TEST_URL}
        }
    elif request.param == "file":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "page-cache-tests",
            }
        }
    settings.PAGE_CACHE = True
    empty_caches()
    yield request.param
    cache.clear()


@pytest.fixture
def condition(db):
    condition = ConditionFactory(
        name="Baker's cyst",
        slug="bakers-cyst",
        summary="A fluid-filled swelling at the back of the knee.",
        tags=[TagFactory(name="Knee")],
        symptoms=[SymptomFactory(name="Swelling", slug="swelling")],
    )
    FAQFactory(question="Does it hurt to kneel?", slug="kneel", conditions=[condition])
    return condition


def fetch(client, url=PAGE, **headers):
    response = client.get(url, **headers)
    return response, response.content.decode()


def test_second_anonymous_view_comes_from_the_cache_without_a_query(
    page_cache, condition, client, django_assert_num_queries
):
    first, first_html = fetch(client)

    # Without Redis the content generation is read from the database.
    with django_assert_num_queries(0 if page_cache == "redis" else 1):
        second, second_html = fetch(client)

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.status_code == 200
    assert second_html == first_html
    assert "A fluid-filled swelling at the back of the knee." in second_html
    # Headers the inner middleware set (CSP, frame denial) are kept with the stored page.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"


def edit_summary(condition):
    condition.summary = "Fluid collects behind the knee."
    condition.save()
    return PAGE, "Fluid collects behind the knee."


def unpublish(condition):
    condition.status = Status.UNPUBLISHED
    condition.save()
    return "/conditions/", "!Baker&#x27;s cyst"


def publish_a_draft(condition):
    ConditionFactory(name="Runner's knee", slug="runners-knee", status=Status.DRAFT)
    draft = type(condition).objects.get(slug="runners-knee")
    draft.status = Status.PUBLISHED
    draft.save()
    return "/conditions/", "Runner&#x27;s knee"


def delete(condition):
    condition.delete()
    return "/conditions/", "!Baker&#x27;s cyst"


def add_a_tag(condition):
    condition.tags.add("Swelling")
    return PAGE, '<a href="/tags/swelling/">Swelling</a>'


def remove_a_tag(condition):
    condition.tags.clear()
    return PAGE, '!<a href="/tags/knee/">'


def rename_the_tag(condition):
    tag = Tag.objects.get(name="Knee")
    tag.name = "Kneecap"
    tag.save()
    return PAGE, ">Kneecap</a>"


def link_a_symptom(condition):
    condition.symptoms.add(SymptomFactory(name="Tight feeling", slug="tight-feeling"))
    return PAGE, "Tight feeling"


def link_from_the_symptom_side(condition):
    symptom = SymptomFactory(name="Ache", slug="ache")
    symptom.conditions.add(condition)
    return PAGE, '<a href="/symptoms/ache/">Ache</a>'


def rename_a_linked_symptom(condition):
    symptom = condition.symptoms.get()
    symptom.name = "Dull ache"
    symptom.save()
    return PAGE, ">Dull ache</a>"


def add_a_related_condition(condition):
    other = ConditionFactory(name="Knee arthritis", slug="knee-arthritis")
    other.related.add(condition)
    return PAGE, "Knee arthritis"


def add_a_question(condition):
    FAQFactory(question="Will it come back?", slug="come-back", conditions=[condition])
    return PAGE, "Will it come back?"


def unpublish_a_question(condition):
    faq = condition.faqs.get()
    faq.status = Status.UNPUBLISHED
    faq.save()
    return PAGE, "!Does it hurt to kneel?"


CHANGES = [
    edit_summary,
    unpublish,
    publish_a_draft,
    delete,
    add_a_tag,
    remove_a_tag,
    rename_the_tag,
    link_a_symptom,
    link_from_the_symptom_side,
    rename_a_linked_symptom,
    add_a_related_condition,
    add_a_question,
    unpublish_a_question,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_every_content_change_shows_on_the_very_next_request(page_cache, condition, client, change):
    for url in (PAGE, "/conditions/"):
        fetch(client, url)
        assert fetch(client, url)[0]["X-Page-Cache"] == "hit"

    url, expected = change(condition)
    response, html = fetch(client, url)

    assert response["X-Page-Cache"] == "miss"
    if expected.startswith("!"):
        assert expected[1:] not in html
    else:
        assert expected in html


def test_a_bulk_update_shows_once_content_changed_is_called(page_cache, condition, client):
    fetch(client)
    type(condition).objects.filter(pk=condition.pk).update(summary="Changed in bulk.")

    content_changed()

    assert "Changed in bulk." in fetch(client)[1]


def generation_writes(queries):
    """The statements among captured `queries` that moved the database's content generation."""
    table = ContentGeneration._meta.db_table
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and table in q["sql"]]


def test_an_import_shows_on_the_next_request_and_moves_the_generation_once(
    page_cache, condition, client
):
    for url in (PAGE, "/conditions/"):
        fetch(client, url)
        assert fetch(client, url)[0]["X-Page-Cache"] == "hit"
    before = current_generation()

    with CaptureQueriesContext(connection) as queries:
        article_import(SEED_ARTICLE.read_bytes())

    # Hundreds of rows, and their signals, but one bump (in the database, without Redis).
    assert current_generation() > before
    assert len(generation_writes(queries)) == (0 if page_cache == "redis" else 1)
    # Into a site with content, new conditions arrive in review; what the import adds to a
    # live page (the other names patients use) shows at once.
    response, html = fetch(client, PAGE)
    assert response["X-Page-Cache"] == "miss"
    assert "Popliteal cyst" in html


def test_a_tag_merge_moves_the_generation_once(settings, condition):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    knee, knees = Tag.objects.get(name="Knee"), TagFactory(name="Knees")
    for n in range(5):
        ConditionFactory(slug=f"tagged-{n}", tags=[knees])

    with CaptureQueriesContext(connection) as queries:
        tag_merge([knees], into=knee)

    assert len(generation_writes(queries)) == 1
    assert Condition.objects.filter(tags=knee).count() == 6


def test_a_batch_that_fails_changes_neither_rows_nor_generation(settings, condition):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    before = current_generation()

    # Even where the error is caught, the block's rows must not be kept without a bump.
    with transaction.atomic(), contextlib.suppress(RuntimeError), changes_batched():
        condition.summary = "Never saved."
        condition.save()
        with changes_batched():  # nested: the outer block alone would bump
            condition.tags.add("Swelling")
        raise RuntimeError("the import fails")

    condition.refresh_from_db()
    assert condition.summary != "Never saved."
    assert current_generation() == before


def test_a_dry_run_import_leaves_the_generation(settings, condition):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    before = current_generation()

    article_import(SEED_ARTICLE.read_bytes(), dry_run=True)

    assert current_generation() == before
    assert not Condition.objects.filter(slug="meniscus-tear").exists()


def test_the_generation_moves_again_after_commit(
    page_cache, condition, django_capture_on_commit_callbacks
):
    if page_cache != "redis":
        pytest.skip("without Redis the generation is in the database (the next test)")
    before = cache.get(GENERATION_KEY)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        condition.summary = "Edited."
        condition.save()
        during = cache.get(GENERATION_KEY)

    # Once at the save, and once more when the transaction commits: a request that read the
    # old rows in between must not leave its page in use.
    assert during > before
    assert callbacks
    assert cache.get(GENERATION_KEY) > during


def test_without_redis_the_generation_moves_in_the_edits_own_transaction(page_cache, condition):
    if page_cache == "redis":
        pytest.skip("Redis keeps the generation itself (the test before)")
    before = current_generation()

    with pytest.raises(RuntimeError), transaction.atomic():
        condition.summary = "Never saved."
        condition.save()
        assert current_generation() > before
        raise RuntimeError("the edit fails")
    assert current_generation() == before

    condition.summary = "Saved."
    condition.save()
    assert current_generation() > before


def test_another_workers_edit_shows_although_this_workers_cache_is_private(
    settings, condition, client
):
    """Two gunicorn workers with local-memory caches: each keeps its own rendered bodies."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PAGE_CACHE = False
    assert "A fluid-filled swelling" in fetch(client)[1]

    # What another worker's save does to the database; this process's cache is not told.
    type(condition).objects.filter(pk=condition.pk).update(body="Rewritten elsewhere.")
    ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1)

    assert "Rewritten elsewhere." in fetch(client)[1]


def test_logged_in_editors_bypass_the_cache_and_are_never_cached(
    page_cache, condition, client, admin_client
):
    fetch(client)
    type(condition).objects.filter(pk=condition.pk).update(summary="Not yet announced.")

    response, html = fetch(admin_client)

    assert "Not yet announced." in html
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]
    # And an editor's page was not stored for patients.
    assert fetch(client)[0]["X-Page-Cache"] == "hit"


def test_anonymous_pages_send_validators_and_a_short_public_lifetime(page_cache, condition, client):
    response, _ = fetch(client)

    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=60"}
    assert "Cookie" in response["Vary"]


def test_conditional_request_gets_304_from_the_cache_without_a_query(
    page_cache, condition, client, django_assert_num_queries
):
    first, _ = fetch(client)

    with django_assert_num_queries(0 if page_cache == "redis" else 2):
        by_etag = client.get(PAGE, headers={"If-None-Match": first["ETag"]})
        by_date = client.get(PAGE, headers={"If-Modified-Since": first["Last-Modified"]})

    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_date.status_code == 304


def test_conditional_request_after_a_change_gets_the_new_page(page_cache, condition, client):
    first, _ = fetch(client)
    condition.summary = "Fluid collects behind the knee."
    condition.save()

    response = client.get(
        PAGE,
        headers={"If-None-Match": first["ETag"], "If-Modified-Since": http_date(0)},
    )

    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    assert "Fluid collects behind the knee." in response.content.decode()


def test_uncached_site_still_answers_conditional_requests(settings, condition, client):
    settings.PAGE_CACHE = False
    first, _ = fetch(client)

    assert "X-Page-Cache" not in first
    assert client.get(PAGE, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_health_check_and_missing_pages_are_not_stored(page_cache, db, client):
    for url in ("/healthz", "/conditions/no-such-thing/"):
        fetch(client, url)
        assert "X-Page-Cache" not in fetch(client, url)[0]


def test_another_workers_cache_serves_this_workers_pages_until_it_edits(
    page_cache, condition, client
):
    """Two gunicorn workers: each has its own cache backend, on the same files or Redis."""
    if page_cache == "locmem":
        pytest.skip("local memory is private to the process that stored it")
    assert fetch(client)[0]["X-Page-Cache"] == "miss"
    other_worker = caches.create_connection("default")

    with mock.patch("kneeinfo.cache.cache", other_worker):
        served_by_the_other = fetch(client)[0]
        condition.summary = "Edited by the other worker."
        condition.save()

    response, html = fetch(client)
    assert served_by_the_other["X-Page-Cache"] == "hit"
    assert response["X-Page-Cache"] == "miss"
    assert "Edited by the other worker." in html


def test_a_change_made_by_another_process_clears_this_servers_pages(page_cache, condition, client):
    if page_cache != "redis":
        pytest.skip("only a shared cache is shared between processes")
    fetch(client)
    assert fetch(client)[0]["X-Page-Cache"] == "hit"

    # Another app server (a separate process on the same Redis) saves some content.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from kneeinfo.cache import content_changed; content_changed()",
        ],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "REDIS_URL": REDIS_TEST_URL,
            "DJANGO_SETTINGS_MODULE": "kneeinfo.settings",
            "SECRET_KEY": "x",
        },
        check=True,
        timeout=60,
    )

    assert fetch(client)[0]["X-Page-Cache"] == "miss"


def test_a_page_this_process_keeps_is_not_served_after_an_edit_elsewhere(
    page_cache, condition, client
):
    fetch(client)
    assert fetch(client)[0]["X-Page-Cache"] == "hit"  # this process now keeps the page

    type(condition).objects.filter(pk=condition.pk).update(summary="Edited elsewhere.")
    move_generation_elsewhere(page_cache)

    response, html = fetch(client)
    assert response["X-Page-Cache"] == "miss"
    assert "Edited elsewhere." in html


def move_generation_elsewhere(page_cache):
    """What a save on another worker or server leaves behind; this process is not told."""
    if page_cache == "redis":
        other_worker = redis.Redis.from_url(REDIS_TEST_URL)
        other_worker.incr(cache.make_key(GENERATION_KEY))
        other_worker.ping()  # as a bump does: Redis has told every tracking connection by now
    else:
        ContentGeneration.objects.filter(pk=1).update(value=F("value") + 1)


def test_a_worker_keeps_derived_values_of_the_current_generation_in_its_own_memory(
    page_cache, condition
):
    built = []

    def build():
        built.append(len(built) + 1)
        return built[-1]

    assert generation_cached("test-value", build) == 1
    cache.delete(f"kneeinfo:test-value:{current_generation()}")
    assert generation_cached("test-value", build) == 1  # kept by this process
    process_values.clear()  # as another worker, which has not used the value
    assert generation_cached("test-value", build) == 2

    move_generation_elsewhere(page_cache)
    assert generation_cached("test-value", build) == 3


def test_a_worker_serves_the_pages_it_has_served_from_its_own_memory(page_cache, condition, client):
    fetch(client)
    cache.delete(page_key(RequestFactory().get(PAGE)))

    assert fetch(client)[0]["X-Page-Cache"] == "hit"
    process_pages.clear()  # as another worker, which has not served the page
    assert fetch(client)[0]["X-Page-Cache"] == "miss"


def test_a_closed_redis_connection_costs_no_request_its_stored_page(
    page_cache, condition, client, caplog
):
    if page_cache != "redis":
        pytest.skip("the counter is read from Redis only with Redis")
    fetch(client)
    # Redis closes the connection the counter is read on, as a restart or its idle timeout
    # would.
    counter_reader.connection.send_command("CLIENT", "ID")
    redis.Redis.from_url(REDIS_TEST_URL).client_kill_filter(
        _id=counter_reader.connection.read_response()
    )

    assert fetch(client)[0]["X-Page-Cache"] == "hit"
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_the_counter_is_read_again_only_after_redis_says_it_changed(page_cache, condition):
    if page_cache != "redis":
        pytest.skip("the counter is read from Redis only with Redis")
    generation = current_generation()
    assert current_generation() == generation
    connection = counter_reader.connection
    connection.send_command("CLIENT", "ID")
    own_id = connection.read_response()
    server = redis.Redis.from_url(REDIS_TEST_URL, decode_responses=True)

    def last_command():
        return server.execute_command("CLIENT", "LIST", "ID", own_id).split(" cmd=")[1].split()[0]

    assert [current_generation() for _ in range(3)] == [generation] * 3
    assert last_command() == "client|id"  # no GET: nothing has changed

    move_generation_elsewhere(page_cache)

    assert current_generation() == generation + 1
    assert last_command() == "get"


def test_a_forked_worker_reads_the_counter_on_a_connection_of_its_own(page_cache, condition):
    if page_cache != "redis":
        pytest.skip("the counter is read from Redis only with Redis")
    generation = current_generation()
    parents = counter_reader.connection

    child = os.fork()
    if child == 0:  # gunicorn's worker, forked from a master that has read the counter
        read = current_generation()
        os._exit(0 if read == generation and counter_reader.connection is not parents else 1)
    _, status = os.waitpid(child, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert current_generation() == generation
    assert counter_reader.connection is parents


def test_pages_are_served_and_content_saved_while_the_cache_is_down(settings, condition, client):
    settings.PAGE_CACHE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            # Nothing listens on port 1: every cache call fails at once.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }

    condition.summary = "Edited while Redis is down."
    condition.save()
    response, html = fetch(client)

    assert response.status_code == 200
    assert "Edited while Redis is down." in html
