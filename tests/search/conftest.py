import pytest

from search.backends import content_search, forget_memory_index
from search.query import Query


@pytest.fixture(autouse=True)
def cold_search_index():
    """Each test starts without the SQLite fallback's in-memory index of a previous test."""
    forget_memory_index()
    yield
    forget_memory_index()


@pytest.fixture
def seeded(seed_article, db):
    """The seed content for one test; each test's own changes are rolled back."""


def top(query, n=3):
    """Titles of the first `n` results for `query`, best first."""
    return [hit.title for hit in content_search(Query.parse(query))[0:n]]
