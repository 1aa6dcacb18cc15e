"""Journeys through a question's life (forum.lifecycle) in the browser.

A hidden answer sends the question back to its asker, who re-routes it; a vacation
ends by itself on its return date; a question resolved while a follow-up waits.
Starting states are set up with the factories and the actions; what people do
and read is done in the browser, every page checked with axe.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from experts.models import ExpertProfile
from forum import actions
from forum.models import Category, Visibility
from tests.factories import ExpertProfileFactory, UserFactory

from .conftest import DESKTOP, PHONE, check, log_in, totp_code

HIDDEN = (
    "The answer was hidden by the moderators. You can ask another expert, every expert of "
    "the category, or another category below."
)


def category(slug):
    return Category.objects.get(slug=slug)


def day_month(day):
    """A date as the pages write it ("j F"): 5 August."""
    return f"{day.day} {day:%B}"


def options(select):
    return [text.strip() for text in select.locator("option").all_inner_texts()]


def standing(page):
    return page.locator(".thread-standing").inner_text().strip()


def status_badge(page):
    return page.locator(".question-header .badge").last.inner_text().strip()


@pytest.mark.parametrize(
    ("viewport", "javascript"),
    [(DESKTOP, True), (PHONE, True), (DESKTOP, False)],
    ids=["desktop", "phone", "no-js"],
)
def test_a_hidden_answer_sends_the_question_back_and_the_asker_reroutes_it(
    open_page, moderator, viewport, javascript
):
    massage, injuries = category("massage"), category("sports-injuries")
    alma = ExpertProfileFactory(user__display_name="Alma Oilseller", categories=[massage]).user
    bea = ExpertProfileFactory(user__display_name="Bea Bones", categories=[injuries]).user
    asker = UserFactory(display_name="Ria Runner")
    question, _ = actions.ask_question(
        asker=asker,
        category=massage,
        expert=alma,
        title="Knee clicks when I squat",
        body="It clicks on every squat but does not hurt.",
        visibility=Visibility.PRIVATE,
    )
    actions.post_answer(question=question, author=alma, body="Buy my knee cream at my shop.")
    thread = question.get_absolute_url()

    # A moderator, signed in with two factors, hides the answer with a reason.
    mod = open_page(viewport=viewport, javascript=javascript)
    log_in(mod, moderator.email, code=totp_code)
    mod.goto(thread)
    check(mod)
    answer = mod.locator("article.answer", has_text="knee cream")
    answer.get_by_text("Moderate").click()
    answer.get_by_label(re.compile("Reason for hiding")).fill("Advertising")
    answer.get_by_role("button", name="Hide this answer").click()
    mod.locator("article.answer", has_text="Hidden: Advertising").wait_for()
    check(mod)

    # The asker reads that it was hidden and that they can ask someone else.
    page = open_page(viewport=viewport, javascript=javascript)
    log_in(page, asker.email)
    page.goto(thread)
    check(page)
    assert standing(page) == HIDDEN
    assert status_badge(page) == "Needs another expert"
    assert page.get_by_text("knee cream").count() == 0
    card = page.get_by_role("region", name="Ask someone else")
    experts = card.get_by_label("Send it to")
    assert card.get_by_label("Make my question public").is_visible()
    assert not [o for o in options(experts) if "Bea Bones" in o], options(experts)

    # Another category, and its experts in the list: in place with JavaScript,
    # with "Show experts for this category" without.
    card.get_by_label("Category").select_option(label="Sports Injuries")
    if javascript:
        assert card.get_by_role("button", name="Show experts for this category").is_hidden()
    else:
        card.get_by_role("button", name="Show experts for this category").click()
    experts.locator("option", has_text="Bea Bones").wait_for(state="attached")
    if javascript:
        assert card.locator("[data-expert-status]").inner_text() == (
            "Expert list updated: 1 expert of Sports Injuries can take your question."
        )
    else:
        page.wait_for_load_state()
        check(page)
    listed = options(experts)
    assert [o for o in listed if "Bea Bones" in o], listed
    assert not [o for o in listed if "Alma Oilseller" in o], listed
    experts.select_option(label="Bea Bones — Licensed practitioner")
    card.get_by_role("button", name="Send my question").click()
    page.get_by_text("Your question was sent to Bea Bones.").wait_for()
    page.wait_for_url(f"**{thread}")
    assert standing(page).startswith("Bea Bones has been asked and will answer here.")
    assert status_badge(page) == "Waiting for Bea Bones"
    assert page.get_by_role("region", name="Ask someone else").count() == 0
    check(page)

    # Bea finds it in her inbox and may answer.
    expert = open_page(viewport=viewport, javascript=javascript)
    log_in(expert, bea.email)
    expert.goto("/me/inbox/")
    check(expert)
    expert.get_by_role("link", name=re.compile("Knee clicks when I squat")).click()
    expert.wait_for_url(f"**{thread}")
    assert expert.get_by_role("textbox", name="Your answer").is_visible()
    assert standing(expert).startswith("Ria Runner asked you.")
    check(expert)


def test_a_vacation_past_its_return_date_ends_by_itself(open_page):
    massage = category("massage")
    today = timezone.localdate()
    # Marked away until yesterday: the return date passed overnight, no job has run.
    vera = ExpertProfileFactory(
        user__display_name="Vera Backagain",
        user__handle="vera-backagain",
        categories=[massage],
        accepting_questions=False,
        away_until=today - timedelta(days=1),
    ).user
    back = today + timedelta(days=10)
    otto = ExpertProfileFactory(
        user__display_name="Otto Faraway",
        user__handle="otto-faraway",
        categories=[massage],
        accepting_questions=False,
        away_until=back,
    ).user
    earlier, _ = actions.ask_question(
        asker=UserFactory(),
        category=massage,
        title="Sore neck after a long drive",
        body="It is stiff on the left side.",
        visibility=Visibility.PUBLIC,
    )
    actions.post_answer(question=earlier, author=vera, body="Warm compress, then gentle turns.")
    member = UserFactory()
    page = open_page()
    log_in(page, member.email)

    # Vera is back: her profile, and her card beside the answer she wrote, say so.
    page.goto("/experts/vera-backagain/")
    check(page)
    header = page.locator(".profile-head")
    assert header.get_by_text("Accepting questions").is_visible()
    assert header.get_by_text(re.compile("Away")).count() == 0
    assert page.get_by_role("link", name="Ask Vera Backagain a question").is_visible()
    page.goto(earlier.get_absolute_url())
    check(page)
    card = page.locator(".expert-card", has_text="Vera Backagain")
    assert card.get_by_text("Accepting questions").is_visible()
    card.get_by_role("link", name="Ask this expert").click()
    page.wait_for_url("**/experts/vera-backagain/ask/")
    check(page)
    assert page.get_by_text("is away").count() == 0
    page.get_by_label("Title").fill("Tight shoulders from desk work")
    page.get_by_role("textbox", name="Your question").fill("Both shoulders ache by evening.")
    page.get_by_role("button", name="Send question").click()
    page.wait_for_url(re.compile(r".*/q/\d+/tight-shoulders-from-desk-work/"))
    assert standing(page).startswith("Vera Backagain has been asked and will answer here.")
    check(page)

    # On the open ask form Vera can be picked; Otto, away till a later day, cannot.
    page.goto("/ask/?category=health/massage")
    check(page)
    experts = page.get_by_label("Expert")
    vera_option = experts.locator("option", has_text="Vera Backagain")
    assert vera_option.count() == 1
    assert vera_option.is_enabled()
    assert experts.locator("option", has_text="Otto Faraway").count() == 0
    away = page.locator("[data-away-experts]")
    assert away.inner_text() == (
        f"Away and not taking questions: Otto Faraway (back {day_month(back)})."
    )

    # Otto's profile says until when; asking him by name is refused politely.
    page.goto("/experts/otto-faraway/")
    check(page)
    assert page.locator(".profile-head").get_by_text(f"Away until {day_month(back)}").is_visible()
    assert page.get_by_role("link", name=re.compile("Ask Otto Faraway")).count() == 0
    page.goto("/experts/otto-faraway/ask/")
    check(page)
    assert page.get_by_text(
        f"Otto Faraway is away and not taking questions until {day_month(back)} {back.year}."
    ).is_visible()
    assert page.get_by_role("button", name="Send question").count() == 0
    assert otto.addressed_questions.count() == 0

    # The category's list of experts says the same of both.
    page.goto("/c/health/massage/")
    check(page)
    listed = page.locator(".expert-summary")
    assert listed.filter(has_text="Vera Backagain").locator(".availability").inner_text() == (
        "Accepting questions"
    )
    assert listed.filter(has_text="Otto Faraway").locator(".availability").inner_text() == (
        f"Away until {day_month(back)}"
    )

    # Vera's own page says she is back, and her new question waits in her inbox.
    expert = open_page()
    log_in(expert, vera.email)
    expert.goto("/experts/me/")
    check(expert)
    availability = expert.get_by_role("region", name="Availability")
    assert availability.locator(".availability").inner_text() == "Accepting questions"
    expert.goto("/me/inbox/")
    assert expert.get_by_role("link", name=re.compile("Tight shoulders from desk work")).count()
    check(expert)


def test_an_expert_sets_a_vacation_on_their_page_and_askers_see_it(open_page):
    massage = category("massage")
    back = timezone.localdate() + timedelta(days=14)
    otto = ExpertProfileFactory(
        user__display_name="Otto Packing", user__handle="otto-packing", categories=[massage]
    ).user
    expert = open_page()
    log_in(expert, otto.email)
    expert.goto("/experts/me/")
    check(expert)
    availability = expert.get_by_role("region", name="Availability")
    assert availability.locator(".availability").inner_text() == "Accepting questions"
    availability.get_by_label("Accepting questions").uncheck()
    availability.get_by_label("Back on").fill(back.isoformat())
    availability.get_by_role("button", name="Save availability").click()
    expert.wait_for_load_state()
    check(expert)
    if not expert.get_by_text("Your availability was saved.").is_visible():
        profile = ExpertProfile.objects.get(user=otto)
        fields = [label.strip() for label in availability.locator("label").all_inner_texts()]
        raise AssertionError(
            "Saving availability showed neither a confirmation nor an error. Fields of the "
            f"form: {fields}. Stored: accepting_questions={profile.accepting_questions}, "
            f"away_until={profile.away_until}."
        )
    availability = expert.get_by_role("region", name="Availability")
    assert availability.locator(".availability").inner_text() == f"Away until {day_month(back)}"

    asker = open_page()
    log_in(asker, UserFactory().email)
    asker.goto("/experts/otto-packing/")
    check(asker)
    assert asker.locator(".profile-head").get_by_text(f"Away until {day_month(back)}").is_visible()
    asker.goto("/ask/?category=health/massage")
    assert asker.get_by_label("Expert").locator("option", has_text="Otto Packing").count() == 0


def test_resolving_with_a_follow_up_waiting_then_the_reply_and_reopening(open_page):
    massage = category("massage")
    eli = ExpertProfileFactory(user__display_name="Eli Kneader", categories=[massage]).user
    asker = UserFactory(display_name="Ria Runner")
    question, _ = actions.ask_question(
        asker=asker,
        category=massage,
        expert=eli,
        title="Lower back knots after gardening",
        body="Two knots on the right side, tender to touch.",
        visibility=Visibility.PUBLIC,
    )
    actions.post_answer(question=question, author=eli, body="Foam roll them gently each day.")
    thread = question.get_absolute_url()

    # The asker follows up, then resolves: asked first, since Eli has not replied.
    page = open_page()
    log_in(page, asker.email)
    page.goto(thread)
    check(page)
    page.get_by_role("textbox", name="Follow-up").fill("For how many minutes each time?")
    page.get_by_role("button", name="Send follow-up to Eli Kneader").click()
    page.get_by_text("For how many minutes each time?").wait_for()
    page.get_by_role("button", name="Mark as resolved").click()
    page.get_by_role("heading", name="Resolve this question?").wait_for()
    check(page)
    assert page.locator(".lede").inner_text() == (
        "Your follow-up to Eli Kneader is still waiting for a reply. Resolve anyway? "
        "Eli Kneader can still reply to it."
    )
    assert page.get_by_text(
        "An expert whose reply you are waiting for can still send it."
    ).is_visible()
    page.get_by_role("button", name="Resolve anyway").click()
    page.wait_for_url(f"**{thread}")
    assert status_badge(page) == "Resolved"
    assert standing(page) == (
        "You marked this question resolved. You can reopen it to follow up again."
    )
    assert page.get_by_role("textbox", name="Follow-up").count() == 0
    check(page)

    # Eli finds the follow-up waiting in his inbox and replies, resolved or not.
    expert = open_page()
    log_in(expert, eli.email)
    expert.goto("/me/inbox/?tab=replies")
    check(expert)
    expert.get_by_role("link", name=re.compile("Lower back knots after gardening")).click()
    expert.wait_for_url(re.compile(rf".*{re.escape(thread)}.*"))
    assert standing(expert) == (
        "Ria Runner marked this question resolved. You can still reply to their open follow-up."
    )
    check(expert)
    expert.get_by_label("Your reply").fill("Five minutes, twice a day.")
    expert.get_by_role("button", name="Reply to Ria Runner").click()
    expert.get_by_text("Five minutes, twice a day.").wait_for()
    assert expert.get_by_label("Your reply").count() == 0
    check(expert)

    # The asker reads the reply; to follow up again they reopen the question.
    page.goto(thread)
    assert page.get_by_text("Five minutes, twice a day.").is_visible()
    assert page.get_by_role("textbox", name="Follow-up").count() == 0
    check(page)
    page.get_by_role("button", name="Reopen the question").click()
    page.get_by_text("The question is open again").wait_for()
    assert status_badge(page) == "Answered"
    page.get_by_role("textbox", name="Follow-up").fill("Thanks! And on rest days?")
    page.get_by_role("button", name="Send follow-up to Eli Kneader").click()
    page.get_by_text("Thanks! And on rest days?").wait_for()
    check(page)
