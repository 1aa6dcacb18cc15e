"""The footer pages: about, how experts are vetted, terms, privacy; reachable from every page."""

from http import HTTPStatus

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = {
    "about": "About Ask the Experts",
    "vetting": "How experts are vetted",
    "terms": "Terms of use",
    "privacy": "Privacy",
    "contact": "Contact the moderators",
}


@pytest.mark.parametrize("name", PAGES)
def test_every_footer_page_is_linked_from_the_footer_and_renders(client, name):
    home = client.get(reverse("home")).content.decode()
    footer = home.split('<footer class="site-footer">')[1]
    assert f'href="{reverse(name)}"' in footer

    response = client.get(reverse(name))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'<h1 class="page-title">{PAGES[name]}</h1>' in html
    assert 'aria-current="page">' in html.split('aria-label="About the site"')[1]


def test_the_footer_links_show_on_error_pages_too(client):
    response = client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert f'href="{reverse("privacy")}"' in response.content.decode()


@override_settings(QUESTION_EXPIRY_DAYS=5, FLAGS_TO_AUTO_HIDE=4)
def test_the_vetting_page_tells_what_the_site_really_does(client):
    html = client.get(reverse("vetting")).content.decode()

    # Each step of the real process, with the site's own settings.
    for words in (
        "A moderator reads every application",
        "Nobody answers a question until a moderator has approved them",
        "sees the moderator's reason",
        "marked <strong>verified</strong>",
        "the badge is removed until a moderator checks it again",
        "we do not ask for identity documents",
        "typical time to answer",
        "a post flagged by 4 members is hidden at once",
        "still unanswered after 5 days goes back to its asker",
        "the questions waiting for them go back to their askers",
        "audit log",
    ):
        assert words in html, words
    assert f'href="{reverse("experts:apply")}"' in html
    assert f'href="{reverse("contact")}?topic=experts"' in html


def test_the_privacy_page_names_the_only_cookies_and_how_to_ask_for_removal(client):
    html = client.get(reverse("privacy")).content.decode()

    assert "a session cookie" in html and "no advertising or analytics cookies" in html
    assert f'href="{reverse("contact")}?topic=privacy"' in html


def test_the_pages_load_nothing_from_other_sites(client):
    for name in PAGES:
        html = client.get(reverse(name)).content.decode()
        assert 'src="http' not in html and 'href="https://' not in html, name
