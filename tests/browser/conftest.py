"""Real-browser journeys: Playwright driving Debian's Chromium against the live server."""

import os
import re
import time
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.management import call_command

from tests.factories import PASSWORD, ModeratorFactory

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


def log_in(page, email, password=PASSWORD, code=None):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    if code is not None:
        page.locator("input[name=code]").fill(code())
        page.get_by_role("button", name=re.compile("Sign In", re.I)).click()


def totp_code():
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
