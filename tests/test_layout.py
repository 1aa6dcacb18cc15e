"""Every page renders inside the site layout, with breadcrumbs, under a strict CSP."""

import re
from http import HTTPStatus

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import AnswerFactory, ExpertProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "home",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_request_login_code",
    "account_email_verification_sent",
    "forum:categories",
    "forum:answers",
    "experts:directory",
]
MEMBER_PAGES = [
    "accounts:account",
    "account_email",
    "account_change_password",
    "mfa_index",
    "account_reauthenticate",
    "forum:my_questions",
]

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)


def assert_in_layout(html):
    assert '<header class="site-header">' in html
    assert '<main id="main"' in html
    assert '<nav aria-label="Breadcrumb"' in html
    assert "You are here:" in html
    assert "<footer" in html
    assert "Ask the Experts" in html


def assert_csp_safe(html):
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html), INLINE_STYLE.search(html)


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_public_pages_use_the_layout(client, name):
    response = client.get(reverse(name))

    assert response.status_code == HTTPStatus.OK
    assert_in_layout(response.text)
    assert_csp_safe(response.text)
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_use_the_layout(member_client, name):
    response = member_client.get(reverse(name))

    assert response.status_code == HTTPStatus.OK
    assert_in_layout(response.text)
    assert_csp_safe(response.text)


def test_content_pages_use_the_layout(client):
    answer = AnswerFactory(author=ExpertProfileFactory().user)
    for url in (
        answer.question.get_absolute_url(),
        answer.question.category.get_absolute_url(),
        answer.author.expert_profile.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert_in_layout(response.text)
        assert_csp_safe(response.text)


def test_a_missing_page_is_a_styled_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert_in_layout(response.text)
    assert "find that page" in response.text


@override_settings(DEBUG=False)
def test_a_server_error_is_a_styled_500(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "stylesheet" in html
    assert "Ask the Experts" in html


def test_the_header_offers_sign_in_to_visitors_and_an_account_menu_to_members(member):
    visitor = Client().get(reverse("home")).text
    assert f'href="{reverse("account_login")}"' in visitor
    assert f'href="{reverse("account_signup")}"' in visitor

    client = Client()
    client.force_login(member)
    html = client.get(reverse("home")).text
    assert member.display_name in html
    assert f'action="{reverse("account_logout")}"' in html
    assert f'href="{reverse("accounts:account")}"' in html
    assert 'href="/accounts/login/"' not in html


def test_the_admin_link_shows_only_to_staff(client, member):
    client.force_login(member)
    assert 'href="/admin/"' not in client.get(reverse("home")).text

    client.force_login(UserFactory(is_staff=True))
    assert 'href="/admin/"' in client.get(reverse("home")).text


def test_a_csrf_failure_is_a_styled_page(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(reverse("accounts:account"), {"display_name": "x", "handle": "x"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "This form could not be sent" in response.text
    assert_in_layout(response.text)


def test_the_liveness_check_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez/")

    assert response.status_code == HTTPStatus.OK
    assert response.text.strip() == "ok"
