import io

import pytest
from django.core.management import call_command
from django.db import transaction

from conditions.services import SEED_ARTICLE
from search.backends import content_search, forget_memory_index
from search.query import Query


@pytest.fixture(autouse=True)
def cold_search_index():
    """Each test starts without the SQLite fallback's in-memory index of a previous test."""
    forget_memory_index()
    yield
    forget_memory_index()


@pytest.fixture(scope="module")
def seed_article(django_db_setup, django_db_blocker):
    """The seed article, imported once per module and rolled back after its last test."""
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        call_command("import_article", str(SEED_ARTICLE), stdout=io.StringIO())
    # Tests still need the `db` fixture, whose savepoint undoes each test's own changes.
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def seeded(seed_article, db):
    """The seed content for one test; each test's own changes are rolled back."""


def top(query, n=3):
    """Titles of the first `n` results for `query`, best first."""
    return [hit.title for hit in content_search(Query.parse(query))[0:n]]
