"""Machine-facing URLs (health check, robots.txt) and the error pages."""

import logging
import sys
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from conditions.models import page_url

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
        f"Sitemap: {request.build_absolute_uri(page_url('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def error_page(template_name, status):
    """An error page from its template alone: no request, context processors, queries or cache.

    Django's own handlers render 400, 403 and 404 pages with the request, in the site layout,
    which reads the request's host (its canonical link) and the clinic's details (a query): for
    a request whose Host is not allowed, that raised the same error again, and a 400 became a 500.
    """
    return HttpResponse(loader.render_to_string(template_name), status=status)


def bad_request(request, exception):
    return error_page("400.html", 400)


def permission_denied(request, exception):
    return error_page("403.html", 403)


def page_not_found(request, exception):
    return error_page("404.html", 404)


def server_error(request):
    """The 500 handler; a database that is down or restarting gets a friendly 503 instead.

    Django calls it inside the `except` that caught the error, wherever it was raised (a view,
    a template, the session or auth middleware), so `sys.exc_info()` says what went wrong.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable(request)
    return error_page("500.html", 500)


def database_unavailable(request):
    """503 with Retry-After, while the database does not answer."""
    response = error_page("503.html", 503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
