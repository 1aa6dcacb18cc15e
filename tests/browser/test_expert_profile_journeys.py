"""The expert's profile and card as a newcomer meets them (issue 17): on a phone the ask
button is on the first screen, the card beside the answer shows what the original
AllExperts card showed, "Ask Experts" leads to the category's experts, and a visitor
who knows a subject is invited to become an expert, through sign-up to the application."""

import re

from django.core import mail

from tests.factories import PASSWORD

from .a11y import assert_accessible, assert_no_horizontal_scroll
from .conftest import DESKTOP, PHONE, log_in, new_page, seed_user

THREAD = "/q/1/it-band-pain-need-help/"
PROFILE = "/experts/jeremy-lanfranco/"


def check(page):
    """Every page of a journey: accessible, no sideways scrolling, no CSP errors."""
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


SEPARATORS = """(list) => {
    const edge = list.getBoundingClientRect().left;
    return {
        clip: getComputedStyle(list).clipPath,
        items: [...list.children].map((item) => ({
            startsLine: Math.abs(item.getBoundingClientRect().left - edge) < 1,
            after: getComputedStyle(item, "::after").content,
            before: getComputedStyle(item, "::before").content,
            position: getComputedStyle(item, "::before").position,
        })),
    };
}"""


def test_on_a_phone_the_profile_leads_with_the_ask_button_and_the_card_with_the_experts(
    browser, site
):
    page = new_page(browser, site, viewport=PHONE)
    page.goto(PROFILE)
    check(page)

    # The ask button is on the first screen, under the name, which is not cut short.
    ask = page.get_by_role("link", name="Ask Jeremy Lanfranco a question")
    box = ask.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    name = page.get_by_role("heading", level=1, name="Jeremy Lanfranco")
    assert name.evaluate("h => h.scrollWidth <= h.clientWidth")
    assert page.get_by_text("Member since").count() == 0
    # His one answer is older than the chart's 12 months, and the chart says so.
    assert page.get_by_text("No answers in the last 12 months; 1 earlier answer.").is_visible()
    assert page.get_by_text("to show yet").count() == 0

    # The facts under the name wrap on a phone; no line starts or ends with a "·".
    facts = page.locator(".profile-head .meta-list").evaluate(SEPARATORS)
    items = facts["items"]
    assert any(item["startsLine"] for item in items[1:]), "the facts should wrap at 390 px"
    assert all(item["after"] == "none" for item in items)
    assert all("·" in item["before"] and item["position"] == "absolute" for item in items[1:])
    assert facts["clip"].startswith("inset(") and facts["clip"].rstrip(")").endswith(" 0px")

    # Beside the answer, the card shows what the original page showed.
    page.goto(THREAD)
    check(page)
    card = page.locator(".expert-card")
    for heading in ("Expertise", "Experience", "Organizations", "Past/Present Clients"):
        assert card.get_by_role("heading", name=heading).is_visible(), heading
    assert card.get_by_text("16 years experience as a part time massage Therapist.").is_visible()
    assert card.get_by_text("British School of Yoga Associate").is_visible()
    assert card.get_by_text("Look my name up in youtube").is_visible()
    assert card.get_by_text(re.compile("no ratings yet", re.I)).count() == 1

    # "Ask Experts", next to "All Answers", leads to the category's experts.
    page.get_by_role("link", name="Ask Experts in Massage").click()
    page.wait_for_url("**/experts/?category=health/massage")
    check(page)
    assert page.get_by_role("heading", level=1, name="Ask Experts in Massage").is_visible()
    page.get_by_role("link", name="Jeremy Lanfranco").click()
    page.wait_for_url(f"**{PROFILE}")
    page.context.close()


def test_a_visitor_becomes_an_expert_through_sign_up_and_the_application(browser, site):
    page = new_page(browser, site, viewport=DESKTOP)
    page.goto("/experts/")
    page.locator(".become-expert").get_by_role("link", name="Become an expert").click()
    page.wait_for_url("**/accounts/signup/?next=/experts/apply/")
    check(page)
    page.get_by_label("Display name").fill("Tess Trainer")
    page.get_by_label("Email").fill("tess@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign up", re.I)).click()
    page.wait_for_url("**/accounts/confirm-email/")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body)[0]
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/experts/apply/")
    check(page)

    assert page.get_by_role("heading", level=1).is_visible()

    # A member now: the invitation leads straight to the application.
    page.goto("/c/health/massage/")
    check(page)
    invitation = page.locator(".become-expert").get_by_role("link", name="Become an expert")
    assert invitation.get_attribute("href") == "/experts/apply/"
    footer = page.get_by_role("contentinfo").get_by_role("link", name="Become an expert")
    assert footer.get_attribute("href") == "/experts/apply/"
    page.context.close()

    # An expert is not invited to become one.
    expert = new_page(browser, site, viewport=PHONE)
    seed_user("jeremy-lanfranco")
    log_in(expert, "jeremy.lanfranco@example.com")
    for url in ("/experts/", "/c/health/massage/", PROFILE):
        expert.goto(url)
        assert expert.get_by_text("Become an expert").count() == 0, url
        assert expert.get_by_text("Know a subject well?").count() == 0, url
    expert.context.close()
