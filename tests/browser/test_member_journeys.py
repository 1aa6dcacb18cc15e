"""A plain member's journeys: what a member who is neither expert nor moderator can do."""

import re

import pytest

from forum.models import Flag
from tests.factories import PASSWORD, UserFactory

from .conftest import DESKTOP, PHONE, log_in, new_page, totp_code
from .test_journeys import THREAD, check

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


@VIEWPORTS
def test_a_member_flags_an_answer_and_it_reaches_the_moderation_queue(
    browser, site, moderator, viewport
):
    member = UserFactory(display_name="Pat Reader")
    page = new_page(browser, site, viewport=viewport)
    log_in(page, member.email)
    page.goto(THREAD)
    answer = page.locator("article.answer").first
    flag = answer.get_by_role("link", name="Flag this answer")
    # The lone "Flag" link is a tool of its own: it must be seen, not only be in the page.
    assert flag.is_visible()
    check(page)
    flag.click()
    page.wait_for_url("**/flag/answer/*/")
    check(page)
    page.get_by_role("radio", name="Wrong or dangerous advice").check()
    page.get_by_label("Note").fill("Ice on a tendon for an hour is too long.")
    page.get_by_role("button", name="Send flag").click()
    page.wait_for_url(re.compile(re.escape(THREAD)))
    assert page.get_by_text("Thank you for the flag").is_visible()
    assert Flag.objects.filter(flagger=member).count() == 1

    mod = new_page(browser, site, viewport=viewport)
    log_in(mod, moderator.email, code=totp_code)
    mod.goto("/moderation/")
    assert mod.get_by_text("Ice on a tendon for an hour is too long.").first.is_visible()
    assert mod.get_by_text(re.compile("Wrong or dangerous advice")).first.is_visible()
    check(mod)
    for each in (page, mod):
        each.context.close()


def test_a_signed_out_asker_follows_a_link_to_her_private_question_and_signs_in(browser, site):
    from tests.factories import ExpertProfileFactory, QuestionFactory

    asker = UserFactory(display_name="Ann Asker")
    question = QuestionFactory(
        asker=asker,
        expert=ExpertProfileFactory().user,
        title="Private knee trouble",
        visibility="private",
    )
    page = new_page(browser, site, viewport=PHONE)

    page.goto(question.get_absolute_url())  # as from the link in an e-mail
    assert page.get_by_role("heading", name=re.compile("find that page")).is_visible()
    check(page)
    page.locator("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(asker.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(re.compile(re.escape(question.get_absolute_url())))
    assert page.get_by_role("heading", name="Private knee trouble").is_visible()
    page.context.close()
