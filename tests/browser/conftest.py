"""Real-browser journeys: Playwright driving Debian's Chromium against the live server."""

import os
import re
import threading
import time
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.management import call_command

from tests.factories import PASSWORD, ModeratorFactory

from .a11y import assert_accessible, assert_no_horizontal_scroll

# Playwright's sync API runs an event loop in this thread; Django's live
# server and ORM are fine with that in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"Chromium is not installed at {CHROMIUM}; `make test` installs "
                        "it with apt-get when run as root."
                    )
                )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(transactional_db, live_server):
    """The live site with the seed data, as `make run` has it."""
    call_command("seed", verbosity=0)
    return live_server


def new_page(browser, site, *, viewport=DESKTOP, javascript=True):
    context = browser.new_context(
        viewport=viewport, base_url=site.url, java_script_enabled=javascript
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.csp_errors = errors
    return page


@pytest.fixture
def page(browser, site):
    page = new_page(browser, site)
    yield page
    page.context.close()
    wait_for_requests_to_finish()


def log_in(page, email, password=PASSWORD, code=None):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    # Each click posts a form; waiting for the answer's page keeps the next goto() from
    # cancelling the response that carries the session cookie.
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    if code is not None:
        page.locator("input[name=code]").fill(code())
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("Sign In", re.I)).click()


def totp_code():
    """The authenticator's code now; near the end of its 30 s window, the next one's.

    The server checks the code a moment after it is typed: a code read in the last
    seconds of its window would be refused once the window turns (allauth allows
    no tolerance), and the journey would go on signed out.
    """
    if 30 - time.time() % 30 < 5:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


@pytest.fixture
def moderator(site):
    """A moderator with an authenticator app, as moderators must have."""
    user = ModeratorFactory(mfa=False, display_name="Maya Moderator")
    TOTP.activate(user, TOTP_SECRET)
    return user


def seed_user(handle):
    """A seed user given a password, as an administrator would (seed users have none)."""
    from accounts.models import User

    user = User.objects.get(handle=handle)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


# -- Journeys: pages opened by one test, each page checked the same way -----------------------


@pytest.fixture
def open_page(browser, site):
    """new_page(), remembering whether JavaScript runs; every page is closed after the test,
    passed or failed, so a failed journey leaves no request open on the live server."""
    opened = []

    def open_(*, viewport=DESKTOP, javascript=True):
        page = new_page(browser, site, viewport=viewport, javascript=javascript)
        page.javascript = javascript
        opened.append(page)
        return page

    yield open_
    for page in opened:
        page.context.close()
    wait_for_requests_to_finish()


def wait_for_requests_to_finish(seconds=10):
    """Let the live server finish the requests a closed page left running (a preview, a
    form sent as the test ended): one that ends after the test's database is gone fails
    a later test with a thread error."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        busy = [t for t in threading.enumerate() if "process_request_thread" in t.name]
        if not busy:
            return
        busy[0].join(timeout=0.1)


def check(page):
    """Every page of a journey: accessible, no sideways scrolling, no CSP errors."""
    if page.javascript:
        assert_accessible(page)
    else:
        assert_accessible_markup(page)
    assert_no_horizontal_scroll(page)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def assert_accessible_markup(page):
    """axe-core never finishes in a page without JavaScript: it checks the same markup there,
    served again at the same address to a page that runs axe but none of the site's scripts."""
    url, html = page.url.split("#")[0], page.content()
    context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        context.route("**/*.js", lambda route: route.abort())
        context.route(
            lambda address: address == url,
            lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
        )
        copy = context.new_page()
        copy.goto(url)
        assert_accessible(copy)
    finally:
        context.close()
