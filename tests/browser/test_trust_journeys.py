"""Journeys through the trust features in the browser (issue 20): a moderator's category
guidance read on the ask form and above each answer; an answer that sends the asker to a
professional, with a conflict of interest disclosed; a disclosure a moderator requires and
the expert gives; and, a week on, the asker saying whether following the advice helped.
At desktop and phone width, and without JavaScript; every page checked with axe."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from experts.models import ExpertProfile
from forum import actions
from forum.models import Answer, Category, Question
from tests.factories import ExpertProfileFactory, UserFactory

from .conftest import DESKTOP, PHONE, check, log_in, totp_code

WIDTHS = pytest.mark.parametrize(
    ("viewport", "javascript"),
    [(DESKTOP, True), (PHONE, True), (DESKTOP, False)],
    ids=["desktop", "phone", "no-js"],
)
GUIDANCE = "Not medical advice. In an emergency call 112 or go to the nearest hospital."


@WIDTHS
def test_guidance_a_referral_and_a_disclosure_reach_the_asker(
    open_page, moderator, viewport, javascript
):
    massage = Category.objects.get(slug="massage")
    health = massage.parent
    otto = ExpertProfileFactory(
        user__display_name="Otto Insoles", user__handle="otto-insoles", categories=[massage]
    ).user
    ann = UserFactory(display_name="Ann Runner")

    # The moderator rewords the guidance of Health; Massage inherits it.
    mod = open_page(viewport=viewport, javascript=javascript)
    log_in(mod, moderator.email, code=totp_code)
    mod.goto("/moderation/categories/")
    check(mod)
    mod.get_by_role("link", name="Edit the guidance of Health").click()
    check(mod)
    mod.get_by_label("Guidance and disclaimer").fill(GUIDANCE)
    mod.get_by_role("button", name="Save").click()
    mod.get_by_role("heading", name="Category guidance").wait_for()
    assert Category.objects.get(pk=health.pk).guidance == GUIDANCE

    # Ann reads it on the ask form before she writes, and asks Otto.
    asker = open_page(viewport=viewport, javascript=javascript)
    log_in(asker, ann.email)
    asker.goto("/experts/otto-insoles/ask/")
    check(asker)
    assert asker.get_by_role("note", name="Guidance before you ask").inner_text().strip() == (
        GUIDANCE
    )
    asker.get_by_label("Title").fill("Sharp heel pain every morning")
    asker.get_by_role("textbox", name="Your question").fill(
        "It hurts most with the first steps of the day."
    )
    asker.get_by_role("button", name="Send question").click()
    asker.get_by_role("heading", name=re.compile("Sharp heel pain")).wait_for()
    question = Question.objects.get(title="Sharp heel pain every morning")

    # Otto answers: see a doctor soon, and he sells the insoles he recommends.
    expert = open_page(viewport=viewport, javascript=javascript)
    log_in(expert, otto.email)
    expert.goto(question.get_absolute_url())
    check(expert)
    form = expert.locator("#your-answer")
    form.get_by_role("textbox", name="Your answer").fill(
        "Stretch the calf before you get up, and rest it."
    )
    form.get_by_label("Should the asker see a professional in person?").select_option("doctor")
    form.get_by_label("Soon").check()
    form.get_by_label("Which professional, or why").fill("a foot specialist")
    form.get_by_label("Conflict of interest").fill("I sell the insoles I recommend.")
    form.get_by_role("button", name="Post answer").click()
    expert.get_by_text("Your answer is posted.").wait_for()

    # Ann's notice says it; the thread shows guidance, referral and disclosure above the text.
    notice = Notification.objects.filter(recipient=ann, kind="answer").get()
    assert "doctor" in notice.title
    asker.goto(question.get_absolute_url())
    check(asker)
    answer = asker.locator(".answer").first
    assert answer.get_by_role("note", name="Guidance for Massage").inner_text().strip() == GUIDANCE
    referral = answer.get_by_role("note", name="See a professional in person").inner_text()
    assert "Otto Insoles recommends you see a doctor in person" in referral
    assert "Soon" in referral and "a foot specialist" in referral
    assert (
        "I sell the insoles I recommend."
        in answer.get_by_role("note", name="Otto Insoles's conflict of interest").inner_text()
    )


@WIDTHS
def test_a_moderator_requires_a_disclosure_and_the_expert_gives_it(
    open_page, moderator, viewport, javascript
):
    massage = Category.objects.get(slug="massage")
    otto = ExpertProfileFactory(
        user__display_name="Otto Insoles", user__handle="otto-insoles", categories=[massage]
    ).user
    question = Question.objects.create(
        category=massage,
        asker=UserFactory(),
        expert=otto,
        title="Which running shoes for flat feet?",
        body="I run 20 km a week.",
        status="addressed",
    )
    answer, _ = actions.post_answer(
        question=question, author=otto, body="Buy the FootCloud insoles, they fix everything."
    )
    flagger = UserFactory(display_name="Fay Flagger")

    # A reader flags it: the form offers an undisclosed conflict of interest.
    reader = open_page(viewport=viewport, javascript=javascript)
    log_in(reader, flagger.email)
    reader.goto(question.get_absolute_url())
    reader.get_by_role("link", name="Flag this answer").click()
    check(reader)
    reader.get_by_label("Undisclosed conflict of interest").check()
    reader.get_by_role("button", name=re.compile("flag", re.I)).click()
    reader.get_by_text(re.compile("Thank you", re.I)).first.wait_for()

    # The moderator requires a disclosure from the queue: the answer is hidden.
    mod = open_page(viewport=viewport, javascript=javascript)
    log_in(mod, moderator.email, code=totp_code)
    mod.goto("/moderation/")
    check(mod)
    entry = mod.locator(".require-disclosure").first
    entry.locator("summary").click()
    entry.get_by_role("button", name="Require a disclosure").click()
    mod.get_by_role("heading", name=re.compile("Moderation|Flag", re.I)).first.wait_for()
    answer.refresh_from_db()
    assert answer.is_hidden and answer.disclosure_required_at is not None

    # Otto is told what to do, adds the disclosure, and the answer is back.
    expert = open_page(viewport=viewport, javascript=javascript)
    log_in(expert, otto.email)
    expert.goto(question.get_absolute_url())
    check(expert)
    expert.get_by_role("link", name=re.compile("Add a disclosure")).click()
    check(expert)
    expert.get_by_label("Conflict of interest").fill("I am paid by FootCloud.")
    expert.get_by_role("button", name="Save changes").click()
    expert.get_by_text("Your answer was updated.").wait_for()
    answer.refresh_from_db()
    assert not answer.is_hidden and answer.disclosure == "I am paid by FootCloud."

    visitor = open_page(viewport=viewport, javascript=javascript)
    visitor.goto(question.get_absolute_url())
    check(visitor)
    assert "I am paid by FootCloud." in visitor.locator(".answer").first.inner_text()


@WIDTHS
def test_a_week_on_the_asker_says_the_advice_helped(open_page, viewport, javascript):
    massage = Category.objects.get(slug="massage")
    otto = ExpertProfileFactory(
        user__display_name="Otto Insoles", user__handle="otto-insoles", categories=[massage]
    ).user
    ann = UserFactory(display_name="Ann Runner")
    question = Question.objects.create(
        category=massage,
        asker=ann,
        expert=otto,
        title="Tight calves after long runs",
        body="They cramp at night.",
        status="addressed",
    )
    answer, _ = actions.post_answer(question=question, author=otto, body="Stretch and hydrate.")

    asker = open_page(viewport=viewport, javascript=javascript)
    log_in(asker, ann.email)
    asker.goto(question.get_absolute_url())
    check(asker)
    # Too soon: the page says from when.
    assert asker.locator(".outcome-later").is_visible()

    Answer.objects.filter(pk=answer.pk).update(created_at=timezone.now() - timedelta(days=8))
    asker.goto(question.get_absolute_url())
    asker.get_by_role("button", name="It helped").click()
    asker.locator(".outcome-said").wait_for()
    check(asker)
    assert "You followed the advice: it helped" in asker.locator(".outcome-said").inner_text()
    assert ExpertProfile.objects.get(user=otto).outcome_helped == 1

    visitor = open_page(viewport=viewport, javascript=javascript)
    visitor.goto("/experts/otto-insoles/")
    check(visitor)
    assert re.search(r"1 helped", visitor.locator("main").inner_text())
