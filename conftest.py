"""Fixtures shared by every app's tests: cache isolation and the browser."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the database
# calls a live-server test makes from that thread are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _isolated_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Start every test in English: a request or a task may leave another active."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _mail_files(settings, tmp_path):
    settings.EMAIL_FILE_PATH = tmp_path / "mail"


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright.

    Without Chromium the browser tests are skipped with the command that
    installs it, except under CI, where its absence fails the run.
    """
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        message = "Chromium is not installed: run `sudo apt-get install chromium`."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context and page; ``page.base_url`` is the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    yield new_page
    context.close()
