"""Journeys through the expert's tools in the browser: a vacation planned ahead with a
message askers read, the dashboard and a reply to a thank-you note, and a credential a
moderator rejects with a canned reason. At desktop and phone width, and without JavaScript;
every page checked with axe."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import CannedReason
from experts.models import Credential, ExpertProfile
from forum import actions
from forum.models import Category, Visibility
from tests.factories import CredentialFactory, ExpertProfileFactory, UserFactory

from .conftest import DESKTOP, PHONE, check, log_in, totp_code

WIDTHS = pytest.mark.parametrize(
    ("viewport", "javascript"),
    [(DESKTOP, True), (PHONE, True), (DESKTOP, False)],
    ids=["desktop", "phone", "no-js"],
)


def day_month(day):
    return f"{day.day} {day:%B}"


def long_date(day):
    return f"{day.day} {day:%B %Y}"


@WIDTHS
def test_an_expert_plans_a_vacation_with_a_message_and_askers_read_it(
    open_page, viewport, javascript
):
    massage = Category.objects.get(slug="massage")
    otto = ExpertProfileFactory(
        user__display_name="Otto Planner", user__handle="otto-planner", categories=[massage]
    ).user
    today = timezone.localdate()
    start, back = today + timedelta(days=3), today + timedelta(days=10)
    message = "Walking the Camino; back rested on the 10th."

    # Otto plans the vacation ahead on his page, with a message for askers.
    expert = open_page(viewport=viewport, javascript=javascript)
    log_in(expert, otto.email)
    expert.goto("/experts/me/")
    check(expert)
    availability = expert.get_by_role("region", name="Availability")
    assert availability.get_by_label("Accepting questions").is_checked()
    availability.get_by_label("Away from").fill(start.isoformat())
    availability.get_by_label("Back on").fill(back.isoformat())
    availability.get_by_label("Message to askers while you are away").fill(message)
    availability.get_by_role("button", name="Save availability").click()
    expert.get_by_text(
        f"Your vacation starts on {long_date(start)}: askers can pick you until then."
    ).wait_for()
    check(expert)
    availability = expert.get_by_role("region", name="Availability")
    assert availability.locator(".availability").inner_text() == "Accepting questions"
    assert f"away from {day_month(start)}, back on {day_month(back)}" in (
        availability.locator(".away-planned").inner_text()
    )

    # The first day comes, and the periodic job starts the vacation (twice: once only).
    ExpertProfile.objects.filter(user=otto).update(away_from=today)
    for _ in range(2):
        call_command("run_lifecycle", stdout=io.StringIO())
    profile = ExpertProfile.objects.get(user=otto)
    assert (profile.accepting_questions, profile.is_away) == (False, True)

    # An asker reads the message on his profile, on the ask form and in the expert pick.
    asker = open_page(viewport=viewport, javascript=javascript)
    log_in(asker, UserFactory().email)
    asker.goto("/experts/otto-planner/")
    check(asker)
    header = asker.locator(".profile-head")
    assert header.get_by_text(f"Away until {day_month(back)}").is_visible()
    assert header.get_by_text(f"“{message}”").is_visible()
    assert asker.get_by_role("link", name=re.compile("Ask Otto Planner")).count() == 0
    asker.goto("/experts/otto-planner/ask/")
    check(asker)
    assert asker.get_by_text(f"Otto Planner says: “{message}”").is_visible()
    asker.goto("/ask/?category=health/massage")
    check(asker)
    assert asker.get_by_label("Expert").locator("option", has_text="Otto Planner").count() == 0
    assert f"Otto Planner (back {day_month(back)}): “{message}”" in (
        asker.locator("[data-away-experts]").inner_text()
    )


@WIDTHS
def test_an_expert_opens_the_dashboard_and_replies_to_a_thank_you_note(
    open_page, viewport, javascript
):
    massage = Category.objects.get(slug="massage")
    dana = ExpertProfileFactory(
        user__display_name="Dana Deeptissue", user__handle="dana-deeptissue", categories=[massage]
    ).user
    ria = UserFactory(display_name="Ria Runner")
    question, _ = actions.ask_question(
        asker=ria,
        category=massage,
        expert=dana,
        title="Tight hamstrings after cycling",
        body="They feel like guitar strings.",
        visibility=Visibility.PRIVATE,
    )
    answer, _ = actions.post_answer(question=question, author=dana, body="Stretch after rides.")
    actions.rate_answer(
        answer=answer,
        rater=ria,
        knowledgeability=9,
        clarity=8,
        politeness=10,
        thank_you_note="Thank you, Dana! It works.",
    )
    actions.ask_question(
        asker=UserFactory(),
        category=massage,
        expert=dana,
        title="Knots in my shoulders",
        body="Two knots, both sides.",
        visibility=Visibility.PUBLIC,
    )

    # Dana finds the dashboard from her inbox.
    expert = open_page(viewport=viewport, javascript=javascript)
    log_in(expert, dana.email)
    expert.goto("/me/inbox/")
    check(expert)
    expert.get_by_role("link", name="Your dashboard").click()
    expert.wait_for_url("**/experts/me/dashboard/")
    check(expert)
    waiting_list = expert.get_by_role("region", name=re.compile("Waiting for you"))
    assert waiting_list.get_by_role("link", name=re.compile("Knots in my shoulders")).is_visible()
    assert waiting_list.get_by_text(re.compile("waiting for")).first.is_visible()
    answers = expert.get_by_role("region", name=re.compile("Your answers and their ratings"))
    card = answers.locator(".dashboard-answer", has_text="Tight hamstrings after cycling")
    assert card.get_by_text("a private thread: only you see it").is_visible()
    assert card.get_by_text("Thank you, Dana! It works.").is_visible()
    trend = expert.get_by_role("table", name=re.compile("median time to answer"))
    assert trend.get_by_role("row").count() == 13

    # She replies to the thank-you note, once.
    card.get_by_label("Your reply to the thank-you note").fill("Glad to help, ride on!")
    card.get_by_role("button", name="Send reply").click()
    expert.get_by_text("Your reply was sent").wait_for()
    check(expert)
    card = expert.locator(".dashboard-answer", has_text="Tight hamstrings after cycling")
    assert card.get_by_text("Glad to help, ride on!").is_visible()
    assert card.get_by_role("button", name="Send reply").count() == 0

    # Ria reads the reply under her note on the thread.
    asker = open_page(viewport=viewport, javascript=javascript)
    log_in(asker, ria.email)
    asker.goto(question.get_absolute_url())
    check(asker)
    rating = asker.locator(".rating", has_text="Thank you, Dana! It works.")
    assert rating.get_by_text("Glad to help, ride on!").is_visible()
    assert rating.get_by_text(re.compile("Dana Deeptissue, replying on")).is_visible()


@WIDTHS
def test_a_moderator_rejects_a_credential_with_a_canned_reason_and_the_expert_reads_it(
    open_page, moderator, viewport, javascript
):
    massage = Category.objects.get(slug="massage")
    ivy = ExpertProfileFactory(
        user__display_name="Ivy Credence", user__handle="ivy-credence", categories=[massage]
    )
    credential = CredentialFactory(profile=ivy, title="Diploma in Sports Massage")
    canned = "The link does not lead to the register of the issuer."
    CannedReason.objects.create(use="reject_credential", text=canned)

    # From the queue to Ivy's page, where the moderator rejects it with the canned reason.
    mod = open_page(viewport=viewport, javascript=javascript)
    log_in(mod, moderator.email, code=totp_code)
    mod.goto("/moderation/experts/")
    check(mod)
    mod.get_by_role(
        "link", name=re.compile(r"Reject with a reason\W+Diploma in Sports Massage")
    ).click()
    mod.wait_for_url(re.compile(r".*/moderation/experts/\d+/.*"))
    row = mod.locator(f"#credential-{credential.pk}")
    row.locator("summary", has_text="Reject").click()
    row.get_by_label("Pick a reason").select_option(label=canned)
    check(mod)
    row.get_by_role(
        "button", name=re.compile(r"Reject credential\W+Diploma in Sports Massage")
    ).click()
    mod.get_by_text("“Diploma in Sports Massage” is rejected").wait_for()
    check(mod)
    assert mod.locator(f"#credential-{credential.pk}").get_by_text(canned).is_visible()
    credential.refresh_from_db()
    assert credential.rejection_reason == canned

    # The queue no longer lists it.
    mod.goto("/moderation/experts/")
    assert mod.get_by_text("Diploma in Sports Massage").count() == 0

    # Ivy reads why beside the credential on her page.
    expert = open_page(viewport=viewport, javascript=javascript)
    log_in(expert, ivy.user.email)
    expert.goto("/experts/me/")
    check(expert)
    row = expert.locator(f"#credential-{credential.pk}")
    assert row.get_by_text("A moderator could not verify this credential").is_visible()
    assert row.get_by_text(f"Reason: {canned}").is_visible()
    assert Credential.objects.get(pk=credential.pk).rejected_at is not None
