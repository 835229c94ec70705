"""Browser tests drive the system Chromium through Playwright.

Where Chromium or Playwright is missing they are skipped, unless REQUIRE_BROWSER=1 (as in CI),
when they fail instead: a browser check that silently never runs proves nothing.
"""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _unavailable(reason):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and REQUIRE_BROWSER=1")
    pytest.skip(reason)


@pytest.fixture
def open_chromium():
    """A context manager that yields a launched Chromium and closes it on the way out.

    Tests store their data first and open the browser after: Playwright's sync API keeps an
    event loop on this thread while it runs, and Django refuses ORM calls from such a thread.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}")

    @contextmanager
    def launch():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield browser
            finally:
                browser.close()

    return launch
