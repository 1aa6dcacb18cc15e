"""The JSON-LD in a real browser: the site's CSP allows it, and it reads back whole.

A <script type="application/ld+json"> is a data block the browser never runs, so
script-src 'self' does not block it and no nonce is needed; this checks that no
Content Security Policy error reaches the console on the pages that carry one.
"""

import json

import pytest

from .conftest import DESKTOP, PHONE, check


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_seed_thread_and_its_expert_carry_json_ld_without_a_csp_error(open_page, viewport):
    page = open_page(viewport=viewport)

    page.goto("/q/1/it-band-pain-need-help/")
    check(page)
    (document,) = [
        json.loads(text)
        for text in page.locator('script[type="application/ld+json"]').all_text_contents()
    ]
    question = document["@graph"][0]["mainEntity"]
    assert question["name"] == "IT band pain need help"
    assert question["answerCount"] == page.locator("article.answer").count() == 1

    page.get_by_role("link", name="Jeremy Lanfranco").first.click()
    page.wait_for_url("**/experts/jeremy-lanfranco/")
    check(page)
    assert page.locator('script[type="application/ld+json"]').count() == 1

    page.get_by_role("link", name="Massage", exact=True).first.click()
    page.wait_for_url("**/c/health/massage/")
    check(page)
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert not page.csp_errors, page.csp_errors
