import io
import runpy
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from conditions.services.importing import SEED_ARTICLE

FILE_CACHE = "django.core.cache.backends.filebased.FileBasedCache"
SETTINGS_FILE = Path(__file__).resolve().parent.parent / "kneeinfo" / "settings.py"
ENV_NAMES = [
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_DIR",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "ADMIN_PATH",
    "PAGE_CACHE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BEHIND_HTTPS_PROXY",
    "LOGIN_FAILURE_LIMIT",
    "PG_OPTIONS",
    "DB_PREPARED_STATEMENTS",
    "APPOINTMENT_RETENTION_DAYS",
    "APPOINTMENT_REQUESTS_PER_HOUR",
    "FEEDBACK_PER_HOUR",
    "FEEDBACK_REVIEW_NO_ANSWERS",
    "FEEDBACK_REVIEW_DAYS",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "READABILITY_TARGET_GRADE",
]


@pytest.fixture
def load_settings(monkeypatch):
    """Run settings.py afresh with only the given variables set; return its names."""

    def load(**env):
        for name in ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE))

    return load


PLAIN_STATIC_STORAGE = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Serve static names as they are: tests do not run collectstatic for the hashed manifest."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PLAIN_STATIC_STORAGE}


def plain_static_files():
    """plain_static_storage's switch, for a module-scoped fixture that renders pages: it runs
    before any test's own fixtures, so the per-test switch is not on yet."""
    from django.conf import settings

    return override_settings(STORAGES={**settings.STORAGES, "staticfiles": PLAIN_STATIC_STORAGE})


def _staff_user(django_user_model, username, group_name):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username=username, password="a-long-test-password", is_staff=True, first_name="Ana"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The Spanish interface compiled from its catalog, as `make run` and `make test` compile it,
    so that a test run alone never reads a .mo file older than locale/es/LC_MESSAGES/django.po."""
    call_command("compile_translations", verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Hash the passwords of test users cheaply.

    The staff fixtures give their users a password, as the admin's own users have; the site's
    hasher (PBKDF2, a million rounds) is slow on purpose, and hashing a password for each of
    hundreds of tests made it a large share of the run.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def static_files_found_per_request():
    """WhiteNoise looks a static file up when it is asked for, as with DEBUG on.

    Otherwise each test client's new middleware chain lists every collected file (hundreds,
    with the admin's) before its first request, which cost more than many tests' own work.
    tests/test_static_files.py turns this off to check what production serves.
    """
    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def cache_of_this_run(tmp_path_factory):
    """The default file cache, in a directory of this test run's own, and no page cache.

    Two runs at once (SQLite's and PostgreSQL's) must not clear or read each other's entries.
    Every request renders its page, as the query-count tests expect; tests/test_cache.py turns
    the page cache on for its tests.
    """
    default = {"BACKEND": FILE_CACHE, "LOCATION": str(tmp_path_factory.mktemp("cache"))}
    with override_settings(CACHES={"default": default}, PAGE_CACHE=False):
        yield


def empty_caches():
    """Empty the cache, and forget the pages and values this process kept beside it."""
    from django.core.cache import cache

    from kneeinfo.cache import process_pages, process_values

    cache.clear()
    process_pages.clear()
    process_values.clear()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, and no pages or values kept in this process.

    A test's rows are rolled back, and with them the content generation kneeinfo/cache.py keys
    cached values on: the next test could otherwise be served what the last one cached.
    """
    empty_caches()


def _clinician(django_user_model, username="clinician"):
    from conditions.models import ClinicianProfile

    user = _staff_user(django_user_model, username, "Clinician")
    user.last_name = "Jones"
    user.save()
    ClinicianProfile.objects.create(
        user=user, profession="Physical therapist", registration_number="NY license 123456"
    )
    return user


@pytest.fixture
def clinician(db, django_user_model):
    """A member of the Clinician group with a professional registration number."""
    return _clinician(django_user_model)


@pytest.fixture
def content_staff(db, django_user_model):
    return _staff_user(django_user_model, "staff", "Content staff")


@pytest.fixture
def front_desk(db, django_user_model):
    return _staff_user(django_user_model, "frontdesk", "Front desk")


@pytest.fixture
def clinic_manager(db, django_user_model):
    return _staff_user(django_user_model, "manager", "Clinic manager")


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client


@pytest.fixture
def staff_client(client, content_staff):
    client.force_login(content_staff)
    return client


def kept_open(django_db_blocker, build):
    """Run `build()` in a transaction left open for a group of tests, yield what it returns;
    then roll back.

    For data that costs more to make than the tests that read it: a module- or class-scoped
    fixture yields from this. Tests still need the `db` fixture, whose savepoint undoes each
    test's own changes.
    """
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        built = build()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _seed_kept_open(django_db_blocker, *command):
    """Import the seed article (or run `command`) for a group of tests."""
    command = command or ("import_article", str(SEED_ARTICLE))
    yield from kept_open(django_db_blocker, lambda: call_command(*command, stdout=io.StringIO()))


@pytest.fixture(scope="module")
def seed_article(django_db_setup, django_db_blocker):
    """The seed article, imported once per module and rolled back after its last test."""
    yield from _seed_kept_open(django_db_blocker)


@pytest.fixture(scope="class")
def seed_article_for_class(django_db_setup, django_db_blocker):
    """The seed article, imported once for the tests of a class and rolled back after its last:
    the module's other tests still start from an empty database."""
    yield from _seed_kept_open(django_db_blocker)


@pytest.fixture(scope="module")
def seed_site(django_db_setup, django_db_blocker):
    """The site as `make run` seeds it (`seed_site`), once per module, rolled back after it."""
    yield from _seed_kept_open(django_db_blocker, "seed_site")


@pytest.fixture
def as_role(client, request):
    """Log the client in as the role named by the test's `role` parameter."""

    def login(role):
        user = request.getfixturevalue(role)
        client.force_login(user)
        return client

    return login
