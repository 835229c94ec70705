"""gunicorn settings; each can be overridden from the environment (see .env.example)."""

import gc
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Sync workers suit a CPU-bound, database-light site; keep-alive lets a proxy reuse connections.
worker_class = "sync"
keepalive = 5
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Django is imported once, in the master, and each worker is a copy-on-write fork of it: a worker
# that dies is replaced at once instead of stalling its share of requests while Django is
# imported again. (So a code deploy needs a restart, not a HUP.)
preload_app = True
# Recycling workers after N requests guards against a slow leak but costs a cold worker each time;
# none is known, so it is off unless GUNICORN_MAX_REQUESTS asks for it.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Trust X-Forwarded-* only from the reverse proxy on this machine (or FORWARDED_ALLOW_IPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# "-" logs each request to stdout; ACCESS_LOG= (empty) turns the access log off.
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"


def when_ready(server):
    # Before the workers are forked: build the SQLite search index once for all of them, and
    # leave no connection open for them to inherit.
    from django.core.cache import caches
    from django.db import connections

    from search.backends import warm_memory_index

    warm_memory_index()
    connections.close_all()
    caches.close_all()
    # Everything loaded so far (Django, the URLconf, templates, the search index) lives as long
    # as the process. Frozen, the cyclic garbage collector no longer walks it in each worker's
    # full collections, which stalled a request every few hundred (figures in the README,
    # "Configuration"), and the forked workers keep sharing its memory pages instead of copying
    # them as the collector touches them.
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    # Nothing should have connected in the master, but a connection inherited by two processes
    # would interleave their queries: each worker starts with none.
    from django.db import connections

    connections.close_all()
