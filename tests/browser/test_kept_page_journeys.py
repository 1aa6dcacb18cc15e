"""Thread pages kept whole for signed-in readers (forum.thread_pages), in the browser: with
the page cache on as in production, a bystander and the asker use every action their kept
page offers, at desktop and phone width, and each page is checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from experts.models import Rating
from forum.models import Flag, FollowUp
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

from .conftest import DESKTOP, PHONE, log_in, new_page
from .test_journeys import check

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
pytestmark = pytest.mark.usefixtures("page_cache")


@pytest.fixture
def thread(site):
    question = QuestionFactory(
        asker=UserFactory(display_name="Ann Asker"), title="Calf cramps at night"
    )
    answer = AnswerFactory(question=question, body="Stretch the calf before bed.")
    return question, answer


def toggle_menu(page, viewport):
    """Open (or close) the account menu: in the header on a wide screen, in Menu on a phone."""
    if viewport == PHONE:
        page.locator("summary", has_text="Menu").click()
        return page.locator(".site-menu-panel")
    page.locator(".account-menu summary").click()
    return page.locator(".account-menu")


@VIEWPORTS
def test_a_bystander_flags_an_answer_and_signs_out_from_a_kept_page(
    browser, site, thread, viewport
):
    question, answer = thread
    first = new_page(browser, site, viewport=viewport)
    log_in(first, UserFactory(display_name="Cy Reader").email)
    first.goto(question.get_absolute_url())  # the bystanders' page is kept

    page = new_page(browser, site, viewport=viewport)
    log_in(page, UserFactory(display_name="Bo Reader").email)
    page.goto(question.get_absolute_url())
    expect(page.get_by_text("Stretch the calf before bed.")).to_be_visible()
    menu = toggle_menu(page, viewport)
    expect(menu.get_by_text("Bo Reader").first).to_be_visible()
    assert "Cy Reader" not in page.content()
    check(page)
    toggle_menu(page, viewport)

    flag = page.locator("article.answer").first.get_by_role("link", name="Flag this answer")
    flag.click()
    page.wait_for_url("**/flag/answer/*/")
    page.get_by_role("radio", name="Spam or advertising").check()
    page.get_by_role("button", name="Send flag").click()
    page.wait_for_url(re.compile(re.escape(question.get_absolute_url())))
    expect(page.get_by_text("Thank you for the flag")).to_be_visible()
    assert Flag.objects.filter(answer=answer).count() == 1
    check(page)

    # The sign-out form of the kept page's header carries this response's CSRF token.
    page.reload()
    toggle_menu(page, viewport).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    for each in (first, page):
        each.context.close()


@VIEWPORTS
def test_the_asker_rates_and_follows_up_on_their_kept_page(browser, site, thread, viewport):
    question, answer = thread
    page = new_page(browser, site, viewport=viewport)
    log_in(page, question.asker.email)
    page.goto(question.get_absolute_url())
    page.reload()  # now from the asker's kept page
    check(page)

    page.get_by_text(re.compile("Rate this answer")).click()
    page.get_by_label("Knowledgeability").select_option("9")
    page.get_by_label("Clarity of response").select_option("8")
    page.get_by_label("Politeness").select_option("10")
    page.get_by_label("Thank-you note").fill("That stopped the cramps.")
    page.get_by_role("button", name="Send rating").click()
    expect(page.get_by_text("That stopped the cramps.").first).to_be_visible()
    assert Rating.objects.filter(answer=answer).count() == 1

    page.reload()  # kept again, with the rating
    page.get_by_role("textbox", name="Follow-up").fill("And if they come back?")
    page.get_by_role("button", name=re.compile("Send follow-up")).click()
    expect(page.locator(".follow-up", has_text="And if they come back?")).to_be_visible()
    assert FollowUp.objects.filter(answer=answer).count() == 1
    page.reload()
    page.get_by_role("textbox", name="Follow-up").fill("Thanks again.")
    page.get_by_role("button", name=re.compile("Send follow-up")).click()
    # A second follow-up from a kept page has a key of its own: it is not taken for a repeat.
    expect(page.locator(".follow-up", has_text="Thanks again.")).to_be_visible()
    assert FollowUp.objects.filter(answer=answer).count() == 2
    check(page)
    page.context.close()
