"""A moderator's member tools and audit log in the browser.

A moderator finds a member, keeps a private note, warns them, suspends them with a
canned reason, lifts it with a word for them, then filters the audit log and
downloads it as CSV. The member signs in and reads the warning and the two
suspension notices, and nothing of the note. Every page checked with axe.
"""

import csv
import io
import re

import pytest

from accounts.models import AuditEntry, CannedReason, ModeratorNote
from tests.factories import CategoryFactory, QuestionFactory, UserFactory

from .conftest import DESKTOP, PHONE, check, log_in, totp_code

NOTE = "Sells knee cream in three threads; a word first."
WARNING = "Please stop linking to your shop in answers."
CANNED = "Advertising after a warning."
LIFTED = "Served its purpose: welcome back."


@pytest.mark.parametrize(
    ("viewport", "javascript"),
    [(DESKTOP, True), (PHONE, True), (DESKTOP, False)],
    ids=["desktop", "phone", "no-js"],
)
def test_a_moderator_notes_warns_suspends_lifts_and_reads_the_log(
    open_page,
    moderator,
    viewport,
    javascript,
):
    pat = UserFactory(display_name="Pat Poster", handle="pat-poster")
    QuestionFactory(asker=pat, category=CategoryFactory(), title="Knee cream for runners?")
    CannedReason.objects.create(use="suspend", text=CANNED)

    # The moderator finds the member.
    mod = open_page(viewport=viewport, javascript=javascript)
    log_in(mod, moderator.email, code=totp_code)
    mod.goto("/moderation/")
    mod.get_by_role("navigation", name="Moderation").get_by_role("link", name="Members").click()
    mod.wait_for_url("**/moderation/members/")
    check(mod)
    finder = mod.get_by_role("search", name="Members")
    finder.get_by_label("Name, handle or e-mail").fill("PAT-")
    finder.get_by_role("button", name="Find").click()
    mod.wait_for_url(re.compile(r"q=PAT-"))
    check(mod)
    mod.get_by_role("link", name="Pat Poster").click()
    mod.wait_for_url("**/moderation/members/pat-poster/")
    assert mod.get_by_role("heading", name="Pat Poster", level=1).is_visible()
    assert mod.get_by_role("link", name="Knee cream for runners?").is_visible()
    check(mod)

    # A private note, on the notes tab.
    mod.get_by_role("navigation", name="About Pat Poster").get_by_role(
        "link", name=re.compile("Notes")
    ).click()
    mod.get_by_label(re.compile(r"^Note\W*$")).fill(NOTE)
    mod.get_by_role("button", name="Add the note").click()
    mod.get_by_text("The note is saved.").wait_for()
    assert mod.get_by_text(NOTE).is_visible()
    check(mod)

    # A warning, before any suspension.
    warn = mod.get_by_role("region", name="Send a warning")
    warn.get_by_label("Warning", exact=True).fill(WARNING)
    warn.get_by_role("button", name="Send the warning").click()
    mod.get_by_text("The warning was sent to Pat Poster.").wait_for()
    history = mod.get_by_role("region", name="Warnings and suspensions")
    assert history.get_by_text(WARNING).is_visible()
    check(mod)

    # A suspension with a canned reason: picked, then (with JavaScript) reworded in place.
    suspend = mod.get_by_role("region", name="Suspend", exact=True)
    suspend.get_by_label("Period").select_option(label="7 days")
    suspend.get_by_label("Pick a reason").select_option(label=CANNED)
    if javascript:
        assert suspend.get_by_label("Reason", exact=True).input_value() == CANNED
    suspend.get_by_role("button", name="Suspend").click()
    mod.get_by_text("Pat Poster is suspended, and was told why.").wait_for()
    standing = mod.get_by_role("region", name="Standing")
    assert standing.get_by_text(CANNED).is_visible()
    check(mod)

    # Lifted, with a word for the member.
    standing.get_by_label("Note to the member").fill(LIFTED)
    standing.get_by_role("button", name="Lift the suspension").click()
    mod.get_by_text("Pat Poster can post again, and was told so.").wait_for()
    check(mod)

    # The audit log, filtered to this member, then to warnings; and its CSV.
    mod.get_by_role("navigation", name="Moderation").get_by_role("link", name="Audit log").click()
    mod.wait_for_url("**/moderation/log/")
    filters = mod.get_by_role("form", name="Filter the audit log")
    filters.get_by_label("Member handle").fill("pat-poster")
    filters.get_by_label("Action").select_option(label="Warned")
    filters.get_by_role("button", name="Filter").click()
    mod.wait_for_url(re.compile(r"subject=pat-poster"))
    entries = mod.locator(".audit-list > li")
    assert entries.count() == 1
    assert entries.first.get_by_text(WARNING).is_visible()
    assert entries.first.get_by_role("link", name="Pat Poster").first.is_visible()
    check(mod)
    filters.get_by_label("Action").select_option(label="Any action")
    filters.get_by_role("button", name="Filter").click()
    mod.wait_for_url(re.compile(r"action=&"))
    assert mod.locator(".audit-list > li").count() == 3
    with mod.expect_download() as download:
        mod.get_by_role("link", name="Download these entries as CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert [row[2] for row in rows[1:]] == [
        "Lifted the suspension of",
        "Suspended",
        "Warned",
    ]
    assert rows[1][5] == LIFTED and rows[2][5] == CANNED
    assert AuditEntry.objects.filter(subject=pat).count() == 3
    assert ModeratorNote.objects.filter(member=pat).count() == 1

    # The member reads the warning and both notices; the note is nowhere.
    page = open_page(viewport=viewport, javascript=javascript)
    log_in(page, pat.email)
    page.goto("/me/notifications/")
    check(page)
    for text in (
        "A warning from the moderators",
        WARNING,
        "Your account is suspended",
        CANNED,
        "Your suspension has ended",
        LIFTED,
    ):
        assert page.get_by_text(text).first.is_visible(), text
    seen = page.content()
    for url in ("/me/", "/me/questions/"):
        page.goto(url)
        check(page)
        seen += page.content()
    assert NOTE not in seen and moderator.display_name not in seen
    page.goto("/moderation/members/pat-poster/?tab=notes")
    assert page.get_by_role("heading", name=re.compile("find that page")).is_visible()
