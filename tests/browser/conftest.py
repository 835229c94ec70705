"""Browser tests drive the system Chromium through Playwright.

Where Chromium or Playwright is missing they are skipped, unless REQUIRE_BROWSER=1 (as in CI),
when they fail instead: a browser check that silently never runs proves nothing.
"""

import os
from concurrent.futures import ThreadPoolExecutor
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


@pytest.fixture(scope="session")
def _chromium_thread():
    """A Chromium launched once for the session, on a thread of its own, and that thread.

    Launching Playwright's driver and Chromium costs about as much as a short test. While it
    runs, Playwright's sync API keeps an event loop marked running on its thread, so a
    session's browser on the test thread would make Django refuse every later test's ORM
    calls. On a thread of its own, the tests' thread keeps no event loop, and the browser can
    only be driven from that thread: see `in_chromium`.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}")

    thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
    playwright = thread.submit(lambda: sync_playwright().start()).result()
    browser = []

    def launched():
        # Launched again after a test that crashed it, so that the next test still has one.
        if not (browser and browser[0].is_connected()):
            browser[:] = [
                playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
                )
            ]
        return browser[0]

    yield thread, launched

    def stop():
        if browser and browser[0].is_connected():
            browser[0].close()
        playwright.stop()

    thread.submit(stop).result()
    thread.shutdown()


@pytest.fixture
def in_chromium(_chromium_thread):
    """Run `drive(browser)` on the session's Chromium and return what it returns.

    `drive` runs on the browser's thread: it must not use the ORM (store the test's data
    before, check what the browser stored after). Each context it opens is closed when it
    returns, so no cookie, storage, cache or open page passes to the next test.
    """
    thread, launched = _chromium_thread

    def run(drive):
        __tracebackhide__ = True

        def in_thread():
            __tracebackhide__ = True
            browser = launched()
            try:
                return drive(browser)
            finally:
                for context in browser.contexts:
                    context.close()

        return thread.submit(in_thread).result()

    return run
