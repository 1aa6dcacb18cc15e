"""A moderator without two factors is sent to set them up, then on to the page they asked for.

allauth's activation page takes no `next`; accounts.views_two_factor is that page
with one, followed only when it is a page of this site.
"""

import time
from http import HTTPStatus
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, ExpertProfileFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

SETUP = "/moderation/two-factor/"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def setup_form(client, url):
    """The setup page at `url`, after allauth's "confirm it's you" step it always asks first."""
    confirm = client.get(url)
    assert confirm.status_code == HTTPStatus.FOUND
    assert confirm.url == f"{reverse('account_reauthenticate')}?next={quote(url, safe='')}"
    back = client.post(confirm.url, {"password": PASSWORD})
    assert back.status_code == HTTPStatus.FOUND
    assert back.url == url  # allauth keeps the whole URL, `next` included.
    form = client.get(url)
    assert form.status_code == HTTPStatus.OK
    return form


def code_for(response):
    secret = response.context["form"].secret
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def moderator():
    return ModeratorFactory(mfa=False)


def test_the_moderator_sets_up_two_factors_and_lands_on_the_page_they_asked_for(moderator):
    member = UserFactory(handle="pat")
    client = signed_in(moderator)
    wanted = f"/moderation/members/{member.handle}/?tab=flags"

    sent = client.get(wanted)
    assert sent.status_code == HTTPStatus.FOUND
    assert sent.url == f"{SETUP}?next={quote(wanted, safe='')}"

    form = setup_form(client, sent.url)
    assert "moderation page you asked for" in form.text
    done = client.post(sent.url, {"code": code_for(form)})

    assert done.status_code == HTTPStatus.FOUND
    assert done.url == wanted
    assert Authenticator.objects.filter(user=moderator, type="totp").exists()
    page = client.get(done.url)
    assert page.status_code == HTTPStatus.OK
    assert "Two-factor authentication is on" in page.text
    assert page.context["person"] == member


def test_a_wrong_code_keeps_the_moderator_on_the_form_with_the_way_back(moderator):
    client = signed_in(moderator)
    setup = client.get("/moderation/").url
    setup_form(client, setup)

    response = client.post(setup, {"code": "000000"})

    assert response.status_code == HTTPStatus.OK
    assert "Incorrect code" in response.text
    assert f'action="{setup}"'.replace("&", "&amp;") in response.text
    assert not Authenticator.objects.filter(user=moderator).exists()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/moderation/",
        "//evil.example/moderation/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
        "ftp://testserver/moderation/",
    ],
)
def test_a_next_elsewhere_is_not_followed(moderator, target):
    client = signed_in(moderator)
    url = f"{SETUP}?next={quote(target, safe='')}"

    form = setup_form(client, url)
    done = client.post(url, {"code": code_for(form)})

    assert done.status_code == HTTPStatus.FOUND
    assert "evil" not in done.url and not done.url.startswith(("javascript", "ftp"))
    assert done.url == reverse("mfa_view_recovery_codes")  # allauth's own next step.
    # And once set up, the page sends nowhere else either.
    again = client.get(url)
    assert again.url == reverse("moderation:queue")


def test_an_absolute_url_of_this_site_is_followed(moderator):
    client = signed_in(moderator)
    url = f"{SETUP}?next={quote('http://testserver/moderation/log/', safe='')}"

    done = client.post(url, {"code": code_for(setup_form(client, url))})

    assert done.url == "http://testserver/moderation/log/"


def test_a_moderator_with_two_factors_goes_straight_on():
    client = Client()
    client.force_login(ModeratorFactory())

    response = client.get(f"{SETUP}?next=%2Fmoderation%2Flog%2F")

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/moderation/log/"


@pytest.mark.parametrize("who", ["member", "expert", "suspended moderator"])
def test_nobody_else_finds_the_page(who):
    user = {
        "member": lambda: UserFactory(),
        "expert": lambda: ExpertProfileFactory().user,
        "suspended moderator": lambda: ModeratorFactory(
            mfa=False, suspended_at=timezone.now(), suspended_until=None
        ),
    }[who]()
    client = Client()
    client.force_login(user)

    assert client.get(SETUP).status_code == HTTPStatus.NOT_FOUND
    assert client.post(SETUP, {"code": "123456"}).status_code == HTTPStatus.NOT_FOUND
    assert not Authenticator.objects.filter(user=user).exists()


def test_a_visitor_is_asked_to_sign_in():
    response = Client().get(f"{SETUP}?next=%2Fmoderation%2F")

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_a_post_to_a_moderation_action_comes_back_to_its_url(moderator):
    """The form is lost (it was sent without two factors); its URL still leads back."""
    member = UserFactory()
    client = signed_in(moderator)

    response = client.post(
        reverse("moderation:member", args=[member.handle]), {"action": "warn", "reason": "x"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{SETUP}?next=%2Fmoderation%2Fmembers%2F{member.handle}%2F"
