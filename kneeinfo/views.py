"""Machine-facing URLs (health check, robots.txt), the error handler, the benchmark's bare view."""

import logging
import sys
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger(__name__)

# Seconds a client (or a load balancer) should wait before asking again when the database is down.
RETRY_AFTER = 30


@never_cache
@require_GET
def healthz(request):
    """Report the database and the cache; 503 when the database does not answer.

    A cache fault is reported but keeps 200: pages are then served uncached, and taking every
    app server out of the load balancer would turn a slow site into no site.
    """
    database = cache_state = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        database = "unavailable"
    try:
        probe = f"kneeinfo:healthz:{uuid.uuid4().hex}"
        cache.set(probe, 1, timeout=10)
        if cache.get(probe) != 1:
            raise RuntimeError("value written to the cache was not read back")
        cache.delete(probe)
    except Exception:
        logger.exception("Cache health check failed")
        cache_state = "unavailable"
    if database == cache_state == "ok":
        return HttpResponse("ok\n", content_type="text/plain")
    status = 200 if database == "ok" else 503
    body = f"fault\ndatabase: {database}\ncache: {cache_state}\n"
    return HttpResponse(body, status=status, content_type="text/plain")


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def server_error(request, template_name="500.html"):
    """The 500 handler; a database that is down or restarting gets a friendly 503 instead.

    Django calls it inside the `except` that caught the error, wherever it was raised (a view,
    a template, the session or auth middleware), so `sys.exc_info()` says what went wrong.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable(request)
    return default_server_error(request, template_name)


def database_unavailable(request):
    """503 with Retry-After; the template needs no database and no context processors."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def bare(request):
    """A few bytes through the whole middleware stack: the benchmark's reference point."""
    return HttpResponse(b"ok\n", content_type="text/plain")
