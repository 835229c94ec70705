"""Error pages cannot fail themselves: no host, database or cache, and they carry US advice.

A request whose Host is not in ALLOWED_HOSTS used to get a 500: the 400 page extended the site
layout, whose canonical link asked the request for its host, raising the same error again; and
the page cache logged a traceback building its key from that host. pytest-django runs with
DEBUG off, so these are the pages patients see.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.test import Client
from django.urls import path

from kneeinfo.urls import handler400, handler403, handler404, handler500  # noqa: F401
from kneeinfo.urls import urlpatterns as site_urlpatterns

BAD_HOST = "evil.example"
US_ADVICE = "If you need medical help now, call your doctor; in an emergency call 911."
# Django reports a disallowed Host itself, once per request, on this logger (with the exception
# attached); operators choose in LOGGING whether to keep it. Nothing else may log a traceback.
DJANGO_HOST_REPORT = "django.security.DisallowedHost"


def forbidden_view(request):
    raise PermissionDenied


def broken_view(request):
    raise ValueError("a bug, not an outage")


def database_down_view(request):
    raise OperationalError("connection refused")


urlpatterns = [
    path("forbidden/", forbidden_view),
    path("broken/", broken_view),
    path("database-down/", database_down_view),
    *site_urlpatterns,
]


@pytest.fixture
def visitor():
    # A real visitor sees the error page rather than the test client re-raising the error.
    return Client(raise_request_exception=False)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    # The page cache builds its key from the host: it must be in the path of these requests.
    settings.PAGE_CACHE = True


@pytest.fixture
def host_not_checked_first(settings):
    """Requests with a bad Host reach the views, so each error page meets that Host itself.

    With the whole middleware stack, CommonMiddleware asks for the host first and every such
    request ends as a 400; without it, a 403, 404, 500 or 503 page that read the host would fail.
    """
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "django.middleware.common.CommonMiddleware"
    ]


def tracebacks(caplog, ignore=(DJANGO_HOST_REPORT,)):
    # pytest captures DJANGO_HOST_REPORT's records although settings.LOGGING sends them nowhere.
    return [(r.name, r.exc_info[0]) for r in caplog.records if r.exc_info and r.name not in ignore]


def assert_error_page(response, status, heading):
    html = response.content.decode()
    assert response.status_code == status
    assert heading in html
    assert US_ADVICE in html
    assert '<html lang="en-US">' in html
    assert '<a href="/conditions/">Browse conditions A–Z</a>' in html
    assert "Traceback" not in html
    return html


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/healthz", "/conditions/bakers-cyst/", "/no-such-page/"])
def test_a_request_for_another_host_gets_the_400_page(
    visitor, caplog, django_assert_num_queries, url
):
    with django_assert_num_queries(0):
        response = visitor.get(url, HTTP_HOST=BAD_HOST)

    assert_error_page(response, 400, "Sorry, we couldn't understand that request")
    assert BAD_HOST not in response.content.decode()
    assert tracebacks(caplog) == []
    assert not [r for r in caplog.records if r.name.startswith("kneeinfo")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, status, heading, logged",
    [
        ("/forbidden/", 403, "Sorry, you can't open this page", [PermissionDenied]),
        ("/no-such-page/", 404, "Sorry, we can't find that page", []),
        ("/broken/", 500, "Sorry, something went wrong on our side", [ValueError]),
        ("/database-down/", 503, "Sorry, this page is not available just now", [OperationalError]),
    ],
)
@pytest.mark.usefixtures("host_not_checked_first")
def test_error_pages_render_without_the_host_or_the_database(
    visitor, caplog, django_assert_num_queries, url, status, heading, logged
):
    with django_assert_num_queries(0):
        response = visitor.get(url, HTTP_HOST=BAD_HOST)

    assert_error_page(response, status, heading)
    # Django logs the error itself, once; rendering its page adds nothing.
    assert tracebacks(caplog, ignore=()) == [("django.request", error) for error in logged]


@pytest.mark.django_db
@pytest.mark.usefixtures("host_not_checked_first")
def test_a_form_refused_by_csrf_gets_the_403_form_page(caplog, django_assert_num_queries):
    visitor = Client(enforce_csrf_checks=True, raise_request_exception=False)

    with django_assert_num_queries(0):
        response = visitor.post("/forbidden/", {"q": "knee"}, HTTP_HOST=BAD_HOST)

    assert_error_page(response, 403, "Sorry, we couldn't accept that form")
    assert tracebacks(caplog, ignore=()) == []


@pytest.mark.django_db
def test_a_404_on_the_site_runs_no_query(visitor, settings, django_assert_num_queries):
    # The page cache reads the content generation from the database when it has no shared
    # cache to keep it in; that is the cache's query, not the page's.
    settings.PAGE_CACHE = False

    with django_assert_num_queries(0):
        response = visitor.get("/no-such-page/")

    html = assert_error_page(response, 404, "Sorry, we can't find that page")
    assert '<a href="/symptoms/">Find a condition by symptom</a>' in html
