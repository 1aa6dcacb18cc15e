"""Forms as people meet them: a session that expires while typing, and the ask form's errors."""

import re

import pytest

from experts.models import Rating
from forum.models import Category, FollowUp, Question
from tests.factories import PASSWORD, AnswerFactory, QuestionFactory, UserFactory

from .conftest import DESKTOP, PHONE, log_in, new_page, seed_user
from .test_journeys import check

KEPT = "Your text was kept; check it and send it again."


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_follow_up_typed_while_the_session_expired_survives_signing_in(browser, site, viewport):
    jeremy = seed_user("jeremy-lanfranco")
    asker = UserFactory(display_name="Dana Runner")
    question = QuestionFactory(
        asker=asker,
        expert=jeremy,
        category=Category.objects.get(slug="massage"),
        title="Shin splints after a marathon",
    )
    answer = AnswerFactory(question=question, author=jeremy, body="Rest for a week.")
    page = new_page(browser, site, viewport=viewport)
    log_in(page, asker.email)
    page.goto(question.get_absolute_url())
    page.get_by_label("Follow-up").fill("Should I ice it, and for how long?")

    # The session ends while the asker types (it expired, or was signed out elsewhere).
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name=re.compile("Send follow-up")).click()
    page.wait_for_url(re.compile(r".*/accounts/login/\?next=/a/\d+/follow-up/"))
    assert not FollowUp.objects.exists()

    page.get_by_label("Email").fill(asker.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    page.wait_for_url(re.compile(rf".*{re.escape(question.get_absolute_url())}#follow-up-form-"))
    assert page.get_by_text(KEPT).is_visible()
    box = page.get_by_label("Follow-up")
    assert box.input_value() == "Should I ice it, and for how long?"
    assert box.is_visible()
    assert not FollowUp.objects.exists(), "never sent without the asker pressing the button"
    check(page)

    page.get_by_role("button", name=re.compile("Send follow-up")).click()
    page.locator(".follow-up", has_text="Should I ice it, and for how long?").wait_for()
    assert FollowUp.objects.get().answer == answer
    page.context.close()


def checked(page, javascript):
    # axe-core runs as a script in the page: it cannot with JavaScript off.
    if javascript:
        check(page)


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_the_ask_form_sent_empty_shows_errors_that_go_when_fixed(browser, site, javascript):
    member = UserFactory(display_name="Sam Asker")
    page = new_page(browser, site, javascript=javascript)
    log_in(page, member.email)
    page.goto("/ask/?category=health/massage")
    checked(page, javascript)

    page.get_by_role("button", name="Send question").click()
    page.wait_for_load_state()
    title = page.locator(".field", has=page.get_by_label("Title"))
    body = page.locator(".field", has=page.get_by_role("textbox", name="Your question"))
    assert title.get_by_text("This field is required.").is_visible()
    assert body.get_by_text("This field is required.").is_visible()
    checked(page, javascript)

    page.get_by_label("Title").fill("Calf cramps at night")
    page.get_by_role("textbox", name="Your question").fill("They wake me up twice a night.")
    if javascript:
        # Fixed fields lose their error at once; a field emptied again gets it back.
        assert title.get_by_text("This field is required.").count() == 0
        assert body.get_by_text("This field is required.").count() == 0
        assert page.get_by_label("Title").get_attribute("aria-invalid") is None
        page.get_by_label("Title").fill("Calf")
        assert title.get_by_text("at least 10 characters").is_visible()
        page.get_by_label("Title").fill("")
        assert title.get_by_text("This field is required.").is_visible()
        page.get_by_label("Title").fill("Calf cramps at night")
        assert title.locator(".errorlist").count() == 0
        check(page)
    page.get_by_role("button", name="Send question").click()
    page.wait_for_url(re.compile(r".*/q/\d+/calf-cramps-at-night/"))
    assert Question.objects.get(title="Calf cramps at night").asker == member
    page.context.close()


def test_a_rating_needs_three_chosen_scores(browser, site):
    jeremy = seed_user("jeremy-lanfranco")
    asker = UserFactory(display_name="Dana Runner")
    question = QuestionFactory(
        asker=asker, expert=jeremy, category=Category.objects.get(slug="massage")
    )
    answer = AnswerFactory(question=question, author=jeremy)
    page = new_page(browser, site, javascript=False)
    log_in(page, asker.email)
    page.goto(question.get_absolute_url())
    page.get_by_text(re.compile("Rate this answer")).click()
    for label in ("Knowledgeability", "Clarity of response", "Politeness"):
        assert page.get_by_label(label).input_value() == ""
    page.get_by_label("Knowledgeability").select_option("7")
    page.get_by_label("Politeness").select_option("9")
    page.get_by_role("button", name="Send rating").click()

    # The browser names the missing score (the select is required); nothing is sent.
    assert page.locator(f"#id_rating_{answer.pk}_clarity:invalid").count() == 1
    assert page.get_by_label("Knowledgeability").input_value() == "7"
    assert not Rating.objects.exists()
    page.get_by_label("Clarity of response").select_option("8")
    page.get_by_role("button", name="Send rating").click()
    assert page.get_by_text("Thank you for rating the answer.").is_visible()
    page.context.close()
