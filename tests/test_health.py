"""/healthz reports faults; a database outage gives patients a friendly 503 page, then recovers.

The outage is real, not mocked: the connection is pointed at a database that cannot be opened
(SQLite: a file in a missing folder; PostgreSQL: a port nothing listens on).
"""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django.urls import path

from tests.factories import ConditionFactory


@contextmanager
def database_down():
    """Make every new query fail to connect, as when the server is stopped; then restore it."""
    saved_connection, saved_settings = connection.connection, dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-folder/db.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
        connection.settings_dict.setdefault("OPTIONS", {})["connect_timeout"] = 1
    connection.connection = None
    try:
        yield
    finally:
        if connection.connection is not None:
            connection.connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved_settings)
        connection.connection = saved_connection
        connection.errors_occurred = False


@pytest.fixture
def visitor():
    # A real visitor sees the error page rather than the test client re-raising the error.
    return Client(raise_request_exception=False)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_site_answers_503_while_the_database_is_down_and_recovers_by_itself(visitor):
    ConditionFactory(name="Baker's cyst", slug="bakers-cyst")
    assert visitor.get("/conditions/bakers-cyst/").status_code == 200

    with database_down():
        page = visitor.get("/conditions/bakers-cyst/")
        health = visitor.get("/healthz")

    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    html = page.content.decode()
    assert "Sorry, this page is not available just now" in html
    assert "in an emergency call 911" in html
    assert "Traceback" not in html
    assert health.status_code == 503
    assert health.content.decode() == "fault\ndatabase: unavailable\ncache: ok\n"

    assert visitor.get("/conditions/bakers-cyst/").status_code == 200
    assert visitor.get("/healthz").content == b"ok\n"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_logged_in_editor_also_gets_the_503_page(visitor, django_user_model):
    # The session lookup in middleware is the first query here, before any view runs.
    visitor.force_login(django_user_model.objects.create_user("editor", is_staff=True))

    with database_down():
        response = visitor.get("/")

    assert response.status_code == 503
    assert "Sorry, this page is not available just now" in response.content.decode()


@pytest.mark.django_db
def test_health_check_reports_a_cache_fault_but_keeps_serving(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.decode() == "fault\ndatabase: ok\ncache: unavailable\n"


@pytest.mark.django_db
def test_health_check_says_ok_when_all_is_well(client):
    response = client.get("/healthz")

    assert (response.status_code, response.content) == (200, b"ok\n")


def broken_view(request):
    raise ValueError("a bug, not an outage")


urlpatterns = [path("broken/", broken_view)]
handler500 = "kneeinfo.views.server_error"


@pytest.mark.django_db
def test_other_errors_still_get_the_500_page(visitor, settings):
    settings.ROOT_URLCONF = __name__

    response = visitor.get("/broken/")

    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in response.content.decode()
