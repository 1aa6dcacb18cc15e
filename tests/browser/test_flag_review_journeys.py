"""A flag's whole story in the browser: raised, seen in place by a moderator, acted on with a
canned reason; the flagger hears it helped; the author edits the hidden answer, asks once for a
second look, and a moderator restores it from the queue."""

import re

import pytest

from accounts.models import CannedReason, ReasonUse
from forum import actions
from forum.models import Category
from tests.factories import ExpertProfileFactory, UserFactory

from .conftest import DESKTOP, PHONE, check, log_in, totp_code


@pytest.mark.parametrize(
    ("viewport", "javascript"),
    [(DESKTOP, True), (PHONE, True), (DESKTOP, False)],
    ids=["desktop", "phone", "no-js"],
)
def test_a_flag_leads_to_a_hide_and_the_edited_answer_comes_back_on_review(
    open_page,
    moderator,
    viewport,
    javascript,
):
    massage = Category.objects.get(slug="massage")
    alma = ExpertProfileFactory(user__display_name="Alma Oilseller", categories=[massage]).user
    flora = UserFactory(display_name="Flora Flagger")
    question, _ = actions.ask_question(
        asker=UserFactory(display_name="Ria Runner"),
        category=massage,
        expert=alma,
        title="Sore calves after hill runs",
        body="Both calves ache for two days after hills.",
        visibility="public",
    )
    actions.post_answer(
        question=question, author=alma, body="Buy my calf oil at oil-shop.example today."
    )
    thread = question.get_absolute_url()
    # The migration's starting list, which a live-server test's flush may have taken away.
    canned = CannedReason.objects.get_or_create(use=ReasonUse.HIDE, text="Advertising or spam.")
    canned = canned[0].text

    # A member flags the answer.
    member = open_page(viewport=viewport, javascript=javascript)
    log_in(member, flora.email)
    member.goto(thread)
    member.locator("article.answer").get_by_role("link", name=re.compile("Flag")).click()
    check(member)
    member.get_by_label("Spam or advertising").check()
    member.get_by_role("button", name="Send flag").click()
    member.get_by_text("Thank you for the flag").wait_for()

    # The moderator sees the work waiting, and the flag on the answer itself.
    mod = open_page(viewport=viewport, javascript=javascript)
    log_in(mod, moderator.email, code=totp_code)
    mod.goto(thread)
    # In the account menu, beside the Moderation link.
    assert "1 flagged" in mod.locator(".moderation-count").first.text_content()
    answer = mod.locator("article.answer")
    flags = answer.locator(".open-flags")
    assert "Flora Flagger" in flags.inner_text()
    assert "Spam or advertising" in flags.inner_text()
    check(mod)
    answer.locator("summary", has_text="Moderate").click()
    answer.locator(".moderate-visibility").get_by_label("Pick a reason").select_option(canned)
    if javascript:  # the pick is copied into the text, to be reworded there
        assert answer.get_by_label(re.compile("Reason for hiding")).input_value() == canned
    answer.get_by_role("button", name="Hide this answer").click()
    mod.get_by_text("Hidden. Its author sees your reason").wait_for()
    check(mod)

    # The flagger hears their flag helped.
    member.goto("/me/notifications/")
    assert member.get_by_text(re.compile("Your flag was helpful")).first.is_visible()
    check(member)

    # The author reads why, edits the answer and asks for a second look, once.
    author = open_page(viewport=viewport, javascript=javascript)
    log_in(author, alma.email)
    author.goto(thread)
    note = author.locator(".hidden-own")
    assert canned in note.inner_text()
    assert author.get_by_role("button", name="Ask for a review").count() == 0
    check(author)
    author.get_by_role("link", name="Edit your answer").click()
    author.get_by_role("textbox", name=re.compile("answer", re.I)).fill(
        "Massage the calves gently and rest a day between hill sessions."
    )
    author.get_by_role("button", name="Save changes").click()
    author.get_by_role("button", name="Ask for a review").click()
    author.get_by_text("A moderator will review it again").wait_for()
    assert author.get_by_role("button", name="Ask for a review").count() == 0
    check(author)

    # The moderator finds the request in the queue and restores the answer.
    mod.goto("/moderation/")
    request = mod.locator("#reviews article")
    assert "rest a day between hill sessions" in request.inner_text()
    check(mod)
    request.get_by_role("button", name="Restore").click()
    mod.get_by_text("No review requests.").wait_for()

    author.goto("/me/notifications/")
    assert author.get_by_text("Your answer is visible again").first.is_visible()
    visitor = open_page(viewport=viewport, javascript=javascript)
    visitor.goto(thread)
    assert visitor.get_by_text("rest a day between hill sessions").is_visible()
    check(visitor)
