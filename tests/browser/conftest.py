"""A Playwright page on the system's Chromium, against pytest-django's live server.

The tests here are marked `browser`: they skip where /usr/bin/chromium or the
`playwright` package is absent, except under IDW_REQUIRE_SERVICES=1, where
they fail (tests/conftest.py). Chromium comes from the Debian package
`chromium` (`.ci/run` installs it); `playwright install` is never run.

Playwright's sync API drives the browser from an event loop of its own on
this thread, which makes Django's ORM refuse to run here unless it is told
the calls are safe: they are, the loop only waits for the browser.
"""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Every browser test module: `pytestmark = BROWSER`. A live server needs committed rows.
BROWSER = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A live-server test flushes the database (transactional): put back the rows the migrations
    loaded (regions, action types, the catalogue) for the tests after it, as tests/reporting does
    for `worker` tests. Browser test modules carry BROWSER (below), whose serialized_rollback=True
    makes pytest-django serialize them when it creates the test database."""
    result = yield
    if item.get_closest_marker("browser"):
        from django.core.management import call_command
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        contents = getattr(connection, "_test_serialized_contents", None)
        # SQLite's test database lives in memory for one session: only a kept (--reuse-db) one needs it.
        if contents and connection.vendor != "sqlite":
            with item.config.stash[blocking_manager_key].unblock():
                # Empty first: the flush may have let post_migrate recreate content types.
                call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
                connection.creation.deserialize_db_from_string(contents)
    return result


@pytest.fixture
def page(live_server):
    """A fresh Chromium (no cookies) per test, with `page.base` the live server's URL.

    Playwright is started and stopped per test: its event loop must not outlive
    the test, or Django's connections (context-local while a loop runs) of the
    next test's setup are not the ones its body uses."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        # The project has no favicon: answered here, so no request of the browser outlives the test.
        page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
        page.base = live_server.url
        try:
            yield page
        finally:
            context.close()
            browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
