"""Whole-page cache for anonymous visitors that is never stale, and HTTP caching headers.

Every stored page carries the content *generation* it was rendered at. The generation is one
counter, bumped whenever any content changes: a save, delete, publish, tag or relation change,
anywhere, on any app server. A stored page is served only while its generation is current, so
the request after a change is rendered afresh.

With Redis the counter lives in Redis, whose INCR every app server shares: a hit costs one read
of it and no database query. With any other cache (files that the workers of one machine share,
the default; local memory, private to one process) it lives in the database
(`ContentGeneration`), bumped in the edit's own transaction and read once per request: a hit
costs that one small query. Each process keeps the pages and derived values of the current
generation it has used (`GenerationMemo`), so only its first use of one reads it from the
shared cache.
The middleware answers before sessions, authentication or views run.
"""

import hashlib
import logging
import os
import threading
import time
from contextvars import ContextVar

import redis
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import DisallowedHost
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe
from django_redis import get_redis_connection
from django_redis.cache import RedisCache as DjangoRedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

from kneeinfo.batching import batched
from kneeinfo.models import ContentGeneration

logger = logging.getLogger(__name__)

GENERATION_KEY = "kneeinfo:content-generation"
PAGE_KEY_PREFIX = "kneeinfo:page:"
# Apps whose models make up what the public pages show (historical records excluded).
CONTENT_APPS = ("conditions", "faq", "taggit", "clinic", "translations")
# The request headers get_conditional_response() answers; most requests send none.
CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# Cookies that mean the visitor may see something personal: they always get a fresh page.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# The database generation read during the current request ({} until read; None outside one).
_request_generation = ContextVar("request_generation", default=None)
# Inside changes_batched(): {} until content changes, then {"changed": True}; None outside.
_batch = ContextVar("content_changes_batch", default=None)


def generation_in_cache():
    """Whether the content generation lives in the cache (Redis) rather than the database.

    Only Redis increments a counter atomically for every process and server; Django's other
    backends increment by a read and a write, which two editors' saves can interleave.
    """
    return isinstance(caches["default"], RedisCache | DjangoRedisCache)


def _new_generation():
    # Starting from the clock, a counter that was evicted or flushed never repeats an old value.
    return time.time_ns()


def current_generation():
    """Return the content generation: one Redis read, or one small query per request."""
    if not generation_in_cache():
        return _database_generation()
    generation = counter_reader.get(cache.make_key(GENERATION_KEY))
    if generation is None:
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        return cache.get(GENERATION_KEY)
    # A plain number in Redis, as INCR needs: django-redis stores integers unpickled.
    return int(generation)


class CounterReader:
    """Reads the counter from Redis on a connection of this process's own, and keeps it until
    Redis says it has changed.

    The counter is read on every request. The connection asks Redis to track the keys it reads
    (`CLIENT TRACKING ON`, RESP3, Redis 6 or later): when any client changes the counter, Redis
    pushes a message on this connection, written out before Redis reads its next command; a
    bump returns only after such a command (`changed()`). So a read that finds nothing waiting
    on the socket still has the current value, and costs a poll instead of a round trip; the
    double bump of an edit (content_changed) tells this connection again after commit.
    Anything waiting (an invalidation, or a connection Redis closed) means reading it again.
    Taking a connection from a redis-py client's pool and handing it back around every command
    would cost more than the read itself. The connection is made with the cache's address and
    timeouts; a forked worker makes its own: two processes on one socket would read each
    other's replies.
    """

    # Once more on a new connection when Redis has closed this one (a restart, its idle
    # timeout); the pool's clients find that out with a check before every command.
    reconnect = Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,))

    def __init__(self):
        self.lock = threading.Lock()
        self.pid = self.pool = self.connection = None
        self.kept = None  # (key, value) read since Redis last said the key changed

    def get(self, key):
        return self._use(lambda connection: self._get(connection, key))

    def changed(self):
        """After this process changed the counter: forget the kept value, and return only once
        Redis has told every tracking connection.

        Redis writes out what a command queued (its reply, the invalidations it pushes) after
        running it, one client at a time, the reply to the changer possibly first; a command
        sent once that reply has come is read only after all of it is written. So another
        worker on this machine that polls after this returns finds the message waiting.
        """
        self._use(self._fence)

    def _use(self, call):
        pool = get_redis_connection("default").connection_pool
        with self.lock:
            if self.pid != os.getpid() or self.pool is not pool:
                self.pid, self.pool = os.getpid(), pool
                self.connection = pool.connection_class(
                    **{**pool.connection_kwargs, "protocol": 3},
                    redis_connect_func=self._track_reads,
                )
            connection = self.connection
            try:
                return self.reconnect.call_with_retry(
                    lambda: call(connection), lambda error: connection.disconnect()
                )
            except BaseException:
                connection.disconnect()  # a reply may be left unread: never read it as the next
                raise

    def _get(self, connection, key):
        while connection.can_read(timeout=0):
            self.kept = None
            connection.read_response(push_request=True)
        if self.kept is None or self.kept[0] != key:
            connection.send_command("GET", key)
            value = connection.read_response()
            self.kept = None if value is None else (key, value)
            return value
        return self.kept[1]

    def _fence(self, connection):
        self.kept = None
        connection.send_command("PING")
        connection.read_response()

    def _track_reads(self, connection):
        # Every (re)connection, a new worker's first included: nothing kept was tracked on it.
        self.kept = None
        connection.on_connect()
        connection.send_command("CLIENT", "TRACKING", "ON")
        connection.read_response()


counter_reader = CounterReader()


def generation_cached(name, build, timeout=3600):
    """`build()`, kept in the cache until any content changes; built afresh if the cache fails.

    For values derived from content (e.g. every condition's name for cross-links): the key
    carries the content generation, so a change makes the next call build anew. None is not
    kept: a look-up that found nothing (a mistyped address) leaves no entry behind.
    """
    try:
        generation = current_generation()
        value = process_values.get(name, generation)
        if value is None:
            key = f"kneeinfo:{name}:{generation}"
            value = cache.get(key)
            if value is None and (value := build()) is not None:
                cache.set(key, value, timeout)
            if value is not None:
                process_values.put(name, generation, value)
        return value
    except Exception:
        logger.exception("Cache unavailable: %s built without it", name)
        return build()


def _database_generation():
    memo = _request_generation.get()
    if memo:
        return memo["value"]
    table = connection.ops.quote_name(ContentGeneration._meta.db_table)
    with connection.cursor() as cursor:
        # Raw SQL: this runs on nearly every request, and building it with the ORM costs more than
        # the query itself.
        cursor.execute(f"SELECT value FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    value = row[0] if row else 0
    if memo is not None:
        memo["value"] = value
    return value


def _bump_database_generation():
    # Never below the clock: a database restored from a backup must not count through values
    # that processes have already cached pages under.
    fresh = _new_generation()
    # In a savepoint: should the bump fail, the edit itself must still be saved.
    with transaction.atomic():
        bumped = ContentGeneration.objects.filter(pk=1).update(
            value=Greatest(F("value") + 1, Value(fresh))
        )
        if not bumped:
            ContentGeneration.objects.get_or_create(pk=1, defaults={"value": fresh})
    memo = _request_generation.get()
    if memo:
        memo.clear()


def _bump_cached_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # No counter yet (or it was evicted): a fresh one is above every stored page's value.
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
    counter_reader.changed()


def content_changed(**kwargs):
    """Signal receiver, and the call for bulk writes that send no signals (`update()`)."""
    if kwargs.get("action", "post").startswith("pre"):
        return  # m2m_changed: wait for the change itself
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a login changes no page
    batch = _batch.get()
    if batch is not None:
        batch["changed"] = True
        return
    try:
        if not generation_in_cache():
            _bump_database_generation()  # committed, or rolled back, with the change itself
            return
        # Now, so the rest of this transaction's requests (and tests) see the change; and again
        # after commit, because a request between the two may have cached the old rows.
        _bump_cached_generation()
        transaction.on_commit(_bump_cached_generation, robust=True)
    except Exception:
        # Editing must go on without Redis; stored pages then age out after PAGE_CACHE_TIMEOUT.
        logger.exception("Could not mark cached pages as stale")


def changes_batched():
    """Within this block, content changes bump the generation once, on the way out.

    For code that writes many rows in one transaction, such as an import: each row's signal
    would otherwise bump the counter, a database write each. Nothing inside may read values
    cached under the generation expecting to see its own changes (the block renders no page).
    The rows and the bump are committed together (kneeinfo.batching).
    """
    return batched(_batch, lambda notes: content_changed())


def watched_models():
    """Every model whose rows a public page can show, and the user (reviewers' names)."""
    models = [get_user_model()]
    for label in CONTENT_APPS:
        # Auto-created models are the many-to-many tables, whose senders are m2m_changed's.
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if getattr(model, "instance_type", None) is None:  # simple-history records
                models.append(model)
    return models


def connect_signals():
    for model in watched_models():
        uid = f"page-cache-{model._meta.label_lower}"
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
        m2m_changed.connect(content_changed, sender=model, dispatch_uid=f"{uid}-m2m")


class GenerationMemo:
    """What this process has fetched from the shared cache or stored there, of one generation.

    A page or a derived value is the same for every anonymous visitor, so each process keeps
    those it has used instead of fetching (and unpickling) them again; the generation is still
    read on every request, and an entry of another generation is never returned. At most
    `limit` entries: the memory of a worker's busiest pages, not of the whole site. Callers
    share what they get back, so nothing may change it in place.
    """

    def __init__(self, limit):
        self.limit = limit
        self.clear()

    def clear(self):
        # One tuple, replaced whole: another thread never sees one generation's entries as
        # another's.
        self.kept = (None, {})

    def get(self, key, generation):
        kept_generation, entries = self.kept
        return entries.get(key) if kept_generation == generation else None

    def put(self, key, generation, entry):
        kept_generation, entries = self.kept
        if kept_generation != generation or len(entries) >= self.limit:
            entries = {}
            self.kept = (generation, entries)
        entries[key] = entry


process_pages = GenerationMemo(limit=300)
process_values = GenerationMemo(limit=5000)


def stored_page(key, generation):
    """The (status, headers, content) stored under `key` at `generation`, or None."""
    entry = process_pages.get(key, generation)
    if entry is None:
        found = cache.get(key)
        if found is None or found[0] != generation:
            return None
        entry = found[1:]
        process_pages.put(key, generation, entry)
    return entry


def store_page(key, generation, entry):
    """Store a page rendered at `generation` in the shared cache, and in this process."""
    cache.set(key, (generation, *entry), settings.PAGE_CACHE_TIMEOUT)
    process_pages.put(key, generation, entry)


def page_key(request):
    """The cache key of the request's page; None when its Host is not in ALLOWED_HOSTS."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # CommonMiddleware answers it with the 400 page
    url = f"{request.scheme}://{host}{request.get_full_path()}"
    return PAGE_KEY_PREFIX + hashlib.sha256(url.encode()).hexdigest()


class PageCacheMiddleware:
    """Serve anonymous GET pages from the shared cache; send ETag, Last-Modified, Cache-Control.

    Goes right after SecurityMiddleware and WhiteNoise, before sessions and authentication.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_generation.set({})
        try:
            return self.respond(request)
        finally:
            _request_generation.reset(token)

    def respond(self, request):
        if not self.is_public_request(request):
            response = self.get_response(request)
            if self.is_personal(request) and not response.has_header("Cache-Control"):
                # Editors must never be shown a copy kept by their browser or a proxy.
                patch_cache_control(response, private=True, no_cache=True)
            return response

        key = generation = None
        if settings.PAGE_CACHE and (key := page_key(request)):
            try:
                generation = current_generation()
                entry = stored_page(key, generation)
            except Exception:
                logger.exception("Page cache unavailable: serving uncached")
                key = entry = None
            if entry is not None:
                return self.conditional(request, self.rebuild(entry))

        response = self.get_response(request)
        if not self.is_storable(response):
            return response
        patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
        response["ETag"] = f'"{digest}"'
        response["Last-Modified"] = http_date()
        if key is not None:
            entry = (response.status_code, list(response.items()), response.content)
            try:
                store_page(key, generation, entry)
            except Exception:
                logger.exception("Page cache unavailable: page not stored")
            response["X-Page-Cache"] = "miss"
        return self.conditional(request, response)

    @staticmethod
    def is_personal(request):
        return any(name in request.COOKIES for name in PERSONAL_COOKIES)

    def is_public_request(self, request):
        return (
            request.method in ("GET", "HEAD")
            and not self.is_personal(request)
            and not request.path.startswith(f"/{settings.ADMIN_PATH}")
        )

    @staticmethod
    def is_storable(response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        cache_control = response.get("Cache-Control", "")
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        # A page that varies on anything but cookies (which anonymous visitors do not have)
        # could be served to the wrong visitor.
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        return vary <= {"cookie", "accept-encoding"}

    @staticmethod
    def rebuild(entry):
        status, headers, content = entry
        return HttpResponse(content, status=status, headers=[*headers, ("X-Page-Cache", "hit")])

    @staticmethod
    def conditional(request, response):
        """Answer If-None-Match / If-Modified-Since with 304 when the page has not changed."""
        if not any(name in request.META for name in CONDITIONAL_HEADERS):
            return response
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )
