"""The asker's powers before an answer, in the browser at phone width: editing one question,
withdrawing another (with its confirmation step). Every page checked with axe."""

import re

from playwright.sync_api import expect

from forum import actions
from forum.models import Question, QuestionStatus
from tests.factories import CategoryFactory, ExpertProfileFactory, UserFactory

from .a11y import assert_accessible, assert_no_horizontal_scroll
from .conftest import PHONE, log_in, new_page


def check(page):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def test_the_asker_edits_a_question_then_withdraws_another_on_a_phone(browser, site):
    category = CategoryFactory(name="Running injuries", slug="running-injuries")
    expert = ExpertProfileFactory(
        user__display_name="Rita Runner", categories=[category]
    ).user  # fmt: skip
    asker = UserFactory(display_name="Ann Asker")
    first, _ = actions.ask_question(
        asker=asker,
        category=category,
        expert=expert,
        title="Shin pain after my first 10k",
        body="It hurts on the inside of the shin.",
        visibility="public",
    )
    second, _ = actions.ask_question(
        asker=asker,
        category=category,
        expert=expert,
        title="Blisters on long runs",
        body="Which socks help?",
        visibility="public",
    )
    page = new_page(browser, site, viewport=PHONE)
    try:
        log_in(page, asker.email)

        # Edit: a clearer title, and private after all.
        page.goto(first.get_absolute_url())
        page.get_by_role("link", name="Edit your question").click()
        expect(page.get_by_role("heading", name="Edit your question")).to_be_visible()
        check(page)
        page.get_by_label("Title").fill("Shin pain on the inside after my first 10k")
        page.get_by_label("Private").check()
        page.get_by_role("button", name="Save changes").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Shin pain on the inside after my first 10k"
        )
        expect(page.get_by_text("Your question was updated")).to_be_visible()
        expect(page.get_by_text(re.compile("^Private: only the asker"))).to_be_visible()
        check(page)

        # Withdraw another: a confirmation first, then the thread says what happened.
        page.goto(second.get_absolute_url())
        page.get_by_role("link", name="Withdraw your question").click()
        expect(page.get_by_role("heading", name="Withdraw this question?")).to_be_visible()
        expect(page.get_by_text("It leaves Rita Runner's inbox")).to_be_visible()
        check(page)
        page.get_by_role("button", name="Withdraw the question").click()
        expect(page.get_by_text(re.compile("^You withdrew this question"))).to_be_visible()
        expect(page.get_by_role("button", name="Ask again")).to_be_visible()
        check(page)
        assert Question.objects.get(pk=second.pk).status == QuestionStatus.WITHDRAWN
        assert Question.objects.get(pk=first.pk).visibility == "private"
    finally:
        page.context.close()
