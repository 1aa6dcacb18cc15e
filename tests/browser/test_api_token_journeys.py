"""A member creates an API token on the account page, reads their private question through
the API with it, and revokes it. At desktop and phone width, and without JavaScript; every
page checked with axe. The API's interactive docs render from the site's own files."""

import pytest
from django.urls import reverse

from forum.models import Category
from tests.factories import ExpertProfileFactory, QuestionFactory, UserFactory

from .conftest import DESKTOP, PHONE, check, log_in

WIDTHS = pytest.mark.parametrize(
    ("viewport", "javascript"),
    [(DESKTOP, True), (PHONE, True), (DESKTOP, False)],
    ids=["desktop", "phone", "no-js"],
)


@WIDTHS
def test_a_member_creates_uses_and_revokes_a_token(open_page, viewport, javascript):
    massage = Category.objects.get(slug="massage")
    expert = ExpertProfileFactory(categories=[massage]).user
    pat = UserFactory(display_name="Pat Private")
    private = QuestionFactory(
        category=massage, asker=pat, expert=expert, visibility="private", title="My knee"
    )
    api = f"/api/v1/questions/{private.pk}"

    page = open_page(viewport=viewport, javascript=javascript)
    log_in(page, pat.email)
    page.goto(reverse("accounts:account"))
    check(page)
    section = page.get_by_role("region", name="API tokens")
    section.get_by_label("Token name").fill("Knee tracker")
    section.get_by_role("button", name="Create a token").click()

    # The key is shown once, on the tokens page.
    page.get_by_text("Your new token “Knee tracker”").wait_for()
    check(page)
    key = page.get_by_label("New token key").input_value()
    assert key.startswith("ate_")
    row = page.get_by_role("row", name="Knee tracker")
    assert key[:8] in row.inner_text()

    # With it, the API reads Pat's private question; without it, the question is not there.
    assert page.request.get(api, headers={"Authorization": f"Bearer {key}"}).status == 200
    assert page.request.get(api).status == 404

    page.reload()
    assert key not in page.content()

    page.get_by_role("button", name="Revoke the token “Knee tracker”").click()
    page.get_by_text("The token “Knee tracker” was revoked").wait_for()
    check(page)
    assert page.request.get(api, headers={"Authorization": f"Bearer {key}"}).status == 401


def test_the_api_docs_render_from_the_sites_own_files(open_page):
    page = open_page(viewport=DESKTOP, javascript=True)
    elsewhere = []
    page.on(
        "request",
        lambda r: (
            elsewhere.append(r.url)
            if "127.0.0.1" not in r.url and "localhost" not in r.url
            else None
        ),
    )
    page.goto("/api/v1/docs")
    page.locator(".opblock").first.wait_for()

    assert page.locator(".opblock").count() == 6
    assert elsewhere == []
    assert page.csp_errors == []
