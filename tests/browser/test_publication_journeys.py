"""A private thread made public with consent, in the browser: the expert asks, the asker
agrees, removes one passage, previews and sends it for review, a moderator publishes, and
a visitor reads the public thread without the passage."""

import re

import pytest

from forum import actions
from forum.models import Category, Question
from tests.factories import ExpertProfileFactory, UserFactory

from .conftest import DESKTOP, PHONE, check, log_in, totp_code

PASSAGE = "Rosewhistle Lane"


@pytest.mark.parametrize(
    ("viewport", "javascript"),
    [(DESKTOP, True), (PHONE, True), (DESKTOP, False)],
    ids=["desktop", "phone", "no-js"],
)
def test_a_private_thread_is_published_with_consent_and_one_redaction(
    open_page, moderator, viewport, javascript
):
    massage = Category.objects.get(slug="massage")
    expert = ExpertProfileFactory(user__display_name="Pia Physio", categories=[massage]).user
    asker = UserFactory(display_name="Rob Runner")
    question, _ = actions.ask_question(
        asker=asker,
        category=massage,
        expert=expert,
        title="Shin splints after road running",
        body=f"I run every morning on {PASSAGE}, on tarmac. My shins ache for days.",
        visibility="private",
    )
    actions.post_answer(
        question=question, author=expert, body="Run on grass for a few weeks and rest a day."
    )
    thread = question.get_absolute_url()

    # Before: a visitor cannot see the thread at all.
    visitor = open_page(viewport=viewport, javascript=javascript)
    assert visitor.goto(thread).status == 404

    # The expert asks to make it public.
    pia = open_page(viewport=viewport, javascript=javascript)
    log_in(pia, expert.email)
    pia.goto(thread)
    panel = pia.locator("#publication")
    assert "only if you both agree" in panel.inner_text()
    check(pia)
    panel.get_by_role("button", name="Ask to make it public").click()
    pia.get_by_text("You asked to make this thread public").first.wait_for()
    assert "waits for Rob Runner's consent" in pia.locator("#publication").inner_text()
    check(pia)

    # The asker agrees, then removes one passage with a preview first.
    rob = open_page(viewport=viewport, javascript=javascript)
    log_in(rob, asker.email)
    rob.goto(thread)
    panel = rob.locator("#publication")
    assert "Pia Physio asked to make this thread public" in panel.inner_text()
    check(rob)
    panel.get_by_role("button", name="Agree to make it public").click()
    rob.get_by_text("You agreed.").wait_for()
    rob.locator("#publication").get_by_role("link", name=re.compile("Remove passages")).click()
    check(rob)
    rob.get_by_label("Passages to remove, one a line").fill(PASSAGE.lower())
    rob.get_by_role("button", name="Preview").click()
    preview = rob.locator(".publication-preview")
    assert "[removed]" in preview.locator("mark.removed-passage").first.inner_text()
    assert PASSAGE not in preview.inner_text()
    check(rob)
    rob.get_by_role("button", name="Send for review").click()
    rob.get_by_text("Sent for review.").wait_for()
    check(rob)

    # The moderator finds it in the queue, reads the preview and publishes.
    mod = open_page(viewport=viewport, javascript=javascript)
    log_in(mod, moderator.email, code=totp_code)
    mod.goto("/moderation/publications/")
    check(mod)
    mod.get_by_role("link", name=re.compile("Shin splints after road running")).click()
    assert PASSAGE not in mod.locator(".publication-preview").inner_text()
    check(mod)
    mod.get_by_role("button", name="Publish").click()
    mod.get_by_text("Published. The thread is public now.").wait_for()

    # A visitor reads the public thread, without the passage, at its address.
    published = Question.objects.get(pk=question.pk)
    assert published.visibility == "public"
    visitor.goto(published.get_absolute_url())
    body = visitor.locator("main").inner_text()
    assert "Run on grass for a few weeks" in body
    assert "I run every morning on [removed], on tarmac." in body
    assert PASSAGE.lower() not in visitor.content().lower()
    check(visitor)
