"""The "verify your e-mail address" pages: a way to get a new link, and someone to ask."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client, email="dana@example.com"):
    return client.post(
        reverse("account_signup"),
        {"display_name": "Dana", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def contact_url():
    try:
        return reverse("contact")
    except NoReverseMatch:
        return None


def test_after_signing_up_the_page_sends_a_new_link_on_request(client):
    response = sign_up(client)
    page = client.get(response["Location"])
    assert page.status_code == HTTPStatus.OK
    assert "Verify your e-mail address" in page.text
    assert "Send the link again" in page.text
    assert f'action="{reverse("account_login")}"' in page.text
    assert len(mail.outbox) == 1

    cache.clear()  # three minutes later: allauth sends one link per three minutes
    again = client.post(
        reverse("account_login"), {"login": "dana@example.com", "password": PASSWORD}
    )

    assert again["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 2
    assert "/accounts/confirm-email/" in mail.outbox[-1].body


def test_a_signed_in_unverified_member_resends_from_the_page_that_stopped_them(client):
    member = UserFactory(email="unverified@example.com", verified=False)
    client.force_login(member)
    page = client.get(reverse("forum:ask"))
    assert "Verify your e-mail address" in page.text
    assert 'name="action_send"' in page.text
    mail.outbox.clear()

    cache.clear()
    client.post(reverse("account_email"), {"email": member.email, "action_send": ""})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["unverified@example.com"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_verify_pages_say_whom_to_ask_and_never_a_bare_contact_us(client, signed_in):
    if signed_in:
        client.force_login(UserFactory(verified=False))
        page = client.get(reverse("forum:ask"))
    else:
        page = client.get(reverse("account_email_verification_sent"))
    assert "contact us if you do not receive" not in page.text.lower()
    if contact_url():
        assert f'href="{contact_url()}"' in page.text
    else:
        assert "Contact page" in page.text
