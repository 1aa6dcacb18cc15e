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

# Data blocks (JSON, JSON-LD) are never run: only executable inline scripts are refused.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
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


# -- Wording and small things a first-time visitor notices ------------------------------------

TITLE_CASE = re.compile(r"Sign Up|Signup|Sign In|Sign Out|Log In|Forgot Password|Remember Me")
ALLAUTH_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_request_login_code",
    "account_email_verification_sent",
]


@pytest.mark.parametrize("name", [*ALLAUTH_PAGES, "home"])
def test_signed_out_pages_write_sentence_case(client, name):
    html = client.get(reverse(name)).text

    assert not TITLE_CASE.search(html), TITLE_CASE.search(html)


@pytest.mark.parametrize("name", [*MEMBER_PAGES, "account_email", "account_logout"])
def test_member_pages_write_sentence_case(member_client, name):
    html = member_client.get(reverse(name)).text

    assert not TITLE_CASE.search(html), TITLE_CASE.search(html)
    assert not re.search(r"Change Password|Email Addresses|Two-Factor Authentication", html)


def test_the_home_page_has_one_sign_in_in_sight_at_each_width(client):
    """The header's on wide screens; on phones, where the header's is in the closed menu,
    the welcome's. The aside and the rest offer signing up, not a fifth "Sign in"."""
    html = client.get(reverse("home")).text
    links = re.findall(rf'<a class="([^"]*)" href="{reverse("account_login")}">Sign in</a>', html)

    main = html.split('<main id="main"')[1].split("</main>")[0]
    in_main = re.findall(rf'<a class="([^"]*)" href="{reverse("account_login")}"', main)
    assert len(in_main) == 1 and "only-narrow" in in_main[0]
    # The header's two copies (the wide bar, the phone menu) never show together.
    assert len(links) == 3


def test_category_counts_say_what_they_count(client):
    from tests.factories import CategoryFactory

    massage = CategoryFactory(name="Massage", slug="massage")
    AnswerFactory(question__category=massage)

    html = client.get(reverse("home")).text

    assert re.search(r'class="category-count"[^>]*>1<span class="visually-hidden"> answered', html)


def test_the_account_page_writes_dates_as_the_site_does(member_client, member):
    from datetime import UTC, datetime

    member.date_joined = datetime(2026, 12, 1, 12, tzinfo=UTC)
    member.save()

    html = member_client.get(reverse("accounts:account")).text

    assert "Member since 1 December 2026" in html
    assert "Dec. 1, 2026" not in html


def test_a_bare_date_filter_writes_the_sites_format():
    from datetime import date

    from django.template import Context, Template

    assert Template("{{ d|date }}").render(Context({"d": date(2026, 12, 1)})) == "1 December 2026"


@pytest.mark.parametrize(
    ("path", "back"),
    [
        # A thread comes back by its short address: the slug carries the title's words.
        ("/q/999999/private-question/", "/q/999999/"),
        ("/no-such-page/?x=1", "/no-such-page/?x=1"),
    ],
)
def test_a_signed_out_404_offers_to_sign_in_and_come_back(client, path, back):
    response = client.get(path)

    assert response.status_code == HTTPStatus.NOT_FOUND
    login = reverse("account_login")
    from urllib.parse import quote

    assert f'href="{login}?next={quote(back)}"' in response.text
    assert ">Sign in</a>" in response.text


def test_a_signed_in_404_does_not_offer_to_sign_in(member_client):
    response = member_client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "?next=" not in response.text


def test_an_unanswered_thread_says_so_once(client):
    from tests.factories import QuestionFactory

    question = QuestionFactory(title="Sore wrist after typing")

    html = client.get(question.get_absolute_url()).text

    assert "0 Answers" not in html
    assert html.count("No answer yet") == 1
