"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live server.

Playwright never downloads a browser here: it drives the system's /usr/bin/chromium. A failed test leaves
a screenshot under test-results/ (pytest-playwright's --screenshot, defaulted on here).
"""

import os

import pytest
from django.db import connections

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# inside one unless told it is safe (it is: the loop only drives the browser).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    # `make test` installs Chromium where it may (scripts/system-packages); where it could not,
    # say so instead of failing every browser test on a missing executable.
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: run scripts/system-packages as root")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config):
    # Keep a screenshot of every failed browser test without anyone passing --screenshot.
    if not any(arg.startswith("--screenshot") for arg in config.invocation_params.args):
        config.option.screenshot = "only-on-failure"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session", autouse=True)
def _close_db_connections_before_playwright_stops(playwright):
    """While Playwright's event loop runs in this thread, Django keeps this thread's database
    connections in a context variable instead of the thread-local (asgiref's Local does so
    whenever a loop is running). Close them before the loop stops, or they outlive the test
    run unseen, and PostgreSQL refuses to drop the test database "being accessed by other users"."""
    yield
    connections.close_all()


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative addresses in page.goto() go to the live server. Defined here also because
    pytest-playwright's own fallback fixture is a method, which pytest 9 warns about."""
    return live_server.url


@pytest.fixture
def page(page):
    # Fail fast: a local page that takes more than 10 s is broken, not slow.
    page.set_default_timeout(10_000)
    return page
