"""Browser tests: pytest-playwright driving the system Chromium against Django's live server.

Without a Chromium these tests skip with the reason, except under CI=true, where they fail:
CI must never pass by running no browser at all.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As root in a container Chromium needs --no-sandbox; on a closed network the rest stop it from
# trying to reach Google's services at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in item.nodeid]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if Path(CHROMIUM).exists():
        return
    reason = f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(f"{reason}. Under CI=true browser tests may not be skipped.")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def playwright(playwright):
    """pytest-playwright's Playwright, which closes the database connections opened under it.

    Playwright's sync API runs an asyncio loop in the test thread from the first browser test to
    the end of the session, and while a loop runs Django keeps that thread's connections apart
    (asgiref's Local): tests after it use a connection of their own. Under pytest-xdist a worker
    runs other tests after browser tests, and a connection left open there keeps the worker's
    test database from being dropped. Closed while the loop still runs, before Playwright stops.
    """
    yield playwright
    from django.db import connections

    connections.close_all()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # An English browser: the platform must still open in Dutch.
    return {**browser_context_args, "locale": "en-GB", "viewport": {"width": 1280, "height": 900}}
