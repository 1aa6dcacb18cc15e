"""Journeys through the UI only, as people make them. Starting users are the only shortcut."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, CategoryFactory, ExpertProfileFactory, UserFactory

from .a11y import assert_accessible, assert_no_horizontal_scroll
from .conftest import DESKTOP, PHONE, log_in, new_page, seed_user, totp_code

THREAD = "/q/1/it-band-pain-need-help/"


def check(page):
    """Every page of a journey: accessible, no sideways scrolling, no CSP errors."""
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_visitor_browses_from_home_to_the_seed_thread_and_the_expert(browser, site, viewport):
    page = new_page(browser, site, viewport=viewport)
    page.goto("/")
    check(page)
    page.get_by_role("link", name="Massage").first.click()
    page.wait_for_url("**/c/health/massage/")
    check(page)
    page.get_by_role("link", name=re.compile("IT band pain need help")).first.click()
    page.wait_for_url(f"**{THREAD}")
    assert page.get_by_text("Hi Annabelle!").is_visible()
    check(page)
    page.locator(".expert-card").get_by_role("link", name="Jeremy Lanfranco").click()
    page.wait_for_url("**/experts/jeremy-lanfranco/")
    assert page.get_by_text("16 years experience as a part time massage Therapist.").is_visible()
    check(page)
    page.context.close()


VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


@VIEWPORTS
def test_sign_up_verify_ask_privately_answer_follow_up_and_rate(browser, site, viewport):
    seed_user("jeremy-lanfranco")
    asker = new_page(browser, site, viewport=viewport)

    # Sign up and verify by the e-mail link.
    asker.goto("/accounts/signup/")
    check(asker)
    asker.get_by_label("Display name").fill("Dana Runner")
    asker.get_by_label("Email").fill("dana@example.com")
    asker.locator("#id_password1").fill(PASSWORD)
    asker.locator("#id_password2").fill(PASSWORD)
    asker.get_by_role("button", name=re.compile("Sign Up", re.I)).click()
    asker.wait_for_url("**/accounts/confirm-email/")
    check(asker)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body)[0]
    asker.goto(link)
    asker.get_by_role("button", name="Confirm").click()

    # Ask Jeremy a private question, watching the markdown preview.
    asker.goto("/experts/jeremy-lanfranco/")
    asker.get_by_role("link", name=re.compile("Ask .*Jeremy Lanfranco")).first.click()
    asker.wait_for_url("**/experts/jeremy-lanfranco/ask/")
    check(asker)
    asker.get_by_label("Title").fill("Shin splints after a marathon")
    asker.get_by_role("textbox", name="Your question").fill("Both shins **ache** on stairs.")
    asker.locator(".markdownx-preview strong", has_text="ache").wait_for()
    asker.get_by_role("radio", name="Private").check()
    asker.get_by_role("button", name="Send question").click()
    asker.wait_for_url(re.compile(r".*/q/\d+/shin-splints-after-a-marathon/"))
    thread = asker.url
    assert asker.get_by_text("Private: only the asker").is_visible()
    check(asker)
    asker.goto("/me/questions/")
    assert asker.get_by_text("Shin splints after a marathon").is_visible()
    check(asker)

    # Jeremy finds it in his inbox and answers.
    expert = new_page(browser, site, viewport=viewport)
    log_in(expert, "jeremy.lanfranco@example.com")
    expert.goto("/me/inbox/")
    check(expert)
    expert.get_by_role("link", name=re.compile("Shin splints after a marathon")).click()
    expert.get_by_role("textbox", name="Your answer").fill("Rest for a week, then build up slowly.")
    expert.get_by_role("button", name="Post answer").click()
    assert expert.get_by_text("Rest for a week, then build up slowly.").is_visible()
    check(expert)

    # The asker follows up, Jeremy replies, the asker rates and thanks him.
    asker.goto(thread)
    check(asker)
    asker.get_by_label("Follow-up").fill("Should I ice it?")
    asker.get_by_role("button", name=re.compile("Send follow-up")).click()
    expert.goto(thread)
    expert.get_by_label("Your reply").fill("Ice only the first two days.")
    expert.get_by_role("button", name=re.compile("Reply to")).click()
    asker.goto(thread)
    asker.get_by_text(re.compile("Rate this answer")).click()
    asker.get_by_label("Knowledgeability").select_option("10")
    asker.get_by_label("Clarity of response").select_option("9")
    asker.get_by_label("Politeness").select_option("10")
    asker.get_by_label("Thank-you note").fill("Thank you, that helped!")
    asker.get_by_role("button", name="Send rating").click()
    assert asker.get_by_text("Thank you, that helped!").first.is_visible()
    assert asker.get_by_text("Ice only the first two days.").is_visible()
    check(asker)

    # Anyone else: the thread does not exist.
    stranger = new_page(browser, site, viewport=viewport)
    assert stranger.goto(thread).status == 404
    check(stranger)
    for page in (asker, expert, stranger):
        page.context.close()


@VIEWPORTS
def test_a_moderator_features_one_answer_and_hides_another(browser, site, moderator, viewport):
    seed_user("jeremy-lanfranco")
    massage = CategoryFactory._meta.model.objects.get(slug="massage")
    maria = ExpertProfileFactory(user__display_name="Maria Borg", categories=[massage]).user
    member = UserFactory(display_name="Sam Asker")

    asker = new_page(browser, site, viewport=viewport)
    log_in(asker, member.email)
    asker.goto("/ask/?category=health/massage")
    check(asker)
    asker.get_by_label("Title").fill("Calf cramps at night")
    asker.get_by_role("textbox", name="Your question").fill("They wake me up twice a night.")
    asker.get_by_role("button", name="Send question").click()
    asker.wait_for_url(re.compile(r".*/q/\d+/calf-cramps-at-night/"))
    thread = asker.url

    for email, text in (
        ("jeremy.lanfranco@example.com", "Stretch before bed and drink water."),
        (maria.email, "Buy my miracle oil at my shop."),
    ):
        expert = new_page(browser, site, viewport=viewport)
        log_in(expert, email)
        expert.goto(thread)
        expert.get_by_role("textbox", name="Your answer").fill(text)
        expert.get_by_role("button", name="Post answer").click()
        expert.get_by_text(text).wait_for()
        expert.context.close()

    mod = new_page(browser, site, viewport=viewport)
    log_in(mod, moderator.email, code=totp_code)
    mod.goto("/moderation/")
    check(mod)
    mod.goto(thread)
    good = mod.locator("article.answer", has_text="Stretch before bed")
    good.get_by_text("Moderate").click()
    good.get_by_role("button", name="Feature as editor's pick").click()
    bad = mod.locator("article.answer", has_text="miracle oil")
    bad.get_by_text("Moderate").click()
    bad.get_by_label(re.compile("Reason for hiding")).fill("Advertising")
    bad.get_by_role("button", name="Hide this answer").click()
    check(mod)
    mod.goto("/moderation/log/")
    assert mod.get_by_text("Advertising").first.is_visible()
    check(mod)

    visitor = new_page(browser, site, viewport=viewport)
    visitor.goto(thread)
    check(visitor)
    assert visitor.get_by_text("Editor's pick").first.is_visible()
    assert visitor.get_by_text("miracle oil").count() == 0
    for page in (asker, mod, visitor):
        page.context.close()


@VIEWPORTS
def test_search_finds_the_seed_thread(browser, site, viewport):
    page = new_page(browser, site, viewport=viewport)
    page.goto("/")
    if viewport == PHONE:
        page.get_by_text("Menu").click()
    box = page.get_by_role("searchbox").filter(visible=True).first
    box.fill("IT band")
    box.press("Enter")
    page.wait_for_url(re.compile(r".*/search/\?q=IT\+band.*"))
    first = page.locator(".search-result").first
    assert "IT band pain need help" in first.inner_text()
    assert first.locator("mark").count() >= 1
    check(page)
    page.context.close()


def test_keyboard_only_reaches_the_ask_form_and_submits_it(browser, site):
    member = UserFactory()
    page = new_page(browser, site)
    log_in(page, member.email)
    page.goto("/")

    def tab_to(predicate, limit=80):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(predicate):
                return
        raise AssertionError(f"Tab never reached: {predicate}")

    tab_to("document.activeElement.textContent.trim() === 'Ask a question'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ask/")
    tab_to("document.activeElement.name === 'category'")
    page.keyboard.type("Massage")
    tab_to("document.activeElement.name === 'title'")
    page.keyboard.type("Keyboard only question about massage")
    tab_to("document.activeElement.name === 'body'")
    page.keyboard.type("I asked this without a mouse.")
    tab_to("document.activeElement.textContent.trim() === 'Send question'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/q/\d+/keyboard-only-question-about-massage/"))
    page.context.close()


def test_asking_answering_and_searching_work_without_javascript(browser, site):
    seed_user("jeremy-lanfranco")
    member = UserFactory()
    asker = new_page(browser, site, javascript=False)
    log_in(asker, member.email)
    asker.goto("/ask/")
    asker.get_by_label("Category").select_option(label=re.compile("Massage").pattern)
    asker.get_by_role("button", name="Show experts for this category").click()
    asker.get_by_label("Title").fill("Tennis elbow without scripts")
    asker.get_by_role("textbox", name="Your question").fill("It hurts when I grip.")
    asker.get_by_role("button", name="Preview").first.click()
    assert asker.get_by_text("It hurts when I grip.").first.is_visible()
    asker.get_by_role("button", name="Send question").click()
    asker.wait_for_url(re.compile(r".*/q/\d+/tennis-elbow-without-scripts/"))
    thread = asker.url

    expert = new_page(browser, site, javascript=False)
    log_in(expert, "jeremy.lanfranco@example.com")
    expert.goto(thread)
    expert.get_by_role("textbox", name="Your answer").fill("Rest the arm and ice it.")
    expert.get_by_role("button", name="Post answer").click()
    assert expert.get_by_text("Rest the arm and ice it.").is_visible()

    visitor = new_page(browser, site, javascript=False)
    visitor.goto("/search/?q=elbow")
    assert "Tennis elbow without scripts" in visitor.locator(".search-result").first.inner_text()
    for page in (asker, expert, visitor):
        page.context.close()


def test_asking_at_phone_width_does_not_scroll_sideways(browser, site):
    member = UserFactory()
    page = new_page(browser, site, viewport=PHONE)
    log_in(page, member.email)
    for url in ("/ask/?category=health/massage", "/me/", "/search/?q=band", "/categories/"):
        page.goto(url)
        check(page)
    page.context.close()
