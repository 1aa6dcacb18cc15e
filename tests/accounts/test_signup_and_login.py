import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.roles import can_post
from tests.factories import PASSWORD, UserFactory

User = get_user_model()

pytestmark = pytest.mark.django_db


def sign_up(client, email="Annabelle@Example.com", display_name="Annabelle Runner"):
    return client.post(
        reverse("account_signup"),
        {
            "display_name": display_name,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def log_in(client, email, password=PASSWORD, next_url=None):
    url = reverse("account_login")
    if next_url is not None:
        url += f"?next={next_url}"
    return client.post(url, {"login": email, "password": password})


def test_sign_up_creates_an_unverified_member_and_sends_a_verification_email(client):
    response = sign_up(client)

    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get()
    assert user.email == "annabelle@example.com"
    assert user.display_name == "Annabelle Runner"
    assert user.handle == "annabelle-runner"
    assert not EmailAddress.objects.get(user=user).verified
    assert not can_post(user)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["annabelle@example.com"]
    assert message.subject.startswith("[Ask the Experts]")
    assert "/accounts/confirm-email/" in message.body
    assert "Hello from Ask the Experts!" in message.body


def test_sign_up_needs_a_display_name_and_keeps_what_was_typed(client):
    response = sign_up(client, display_name="")

    assert response.status_code == HTTPStatus.OK
    assert "This field is required." in response.text
    assert 'value="Annabelle@Example.com"' in response.text
    assert not User.objects.exists()


def test_following_the_email_link_verifies_the_address_and_logs_in(client):
    sign_up(client)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[0].body)[1]

    page = client.get(link)
    assert page.status_code == HTTPStatus.OK
    assert "Confirm" in page.text
    response = client.post(link)

    user = User.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(user=user).verified
    assert can_post(user)
    assert client.get(reverse("accounts:account")).status_code == HTTPStatus.OK


def test_an_unverified_member_cannot_log_in_and_is_told_to_verify(client):
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = log_in(client, user.email, next_url=None)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    page = client.get(response["Location"])
    assert "verify" in page.text.lower()
    assert "_auth_user_id" not in client.session


def test_a_verified_member_logs_in_with_any_case_of_their_email(client, member):
    response = log_in(client, member.email.upper())

    assert response.status_code == HTTPStatus.FOUND
    assert int(client.session["_auth_user_id"]) == member.pk


def test_the_sixth_wrong_password_in_a_row_is_refused(client, member):
    for _ in range(5):
        response = log_in(client, member.email, password="wrong-password")
        assert "not correct" in response.text

    response = log_in(client, member.email, password=PASSWORD)

    assert response.status_code == HTTPStatus.OK
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_a_second_account_with_the_same_email_in_another_case_is_not_created(client, member):
    sign_up(client, email=member.email.upper(), display_name="Impostor")

    assert User.objects.filter(email__iexact=member.email).count() == 1


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_never_leaves_the_site(client, member, next_url):
    response = log_in(client, member.email, next_url=next_url)

    assert response.status_code == HTTPStatus.FOUND
    location = response["Location"]
    assert "evil.example" not in location
    assert not location.startswith("javascript:")
    assert location.startswith("/")
    assert not location.startswith("//")


def test_next_within_the_site_is_followed(client, member):
    response = log_in(client, member.email, next_url="/me/")

    assert response["Location"] == "/me/"


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, member):
    known = client.post(reverse("account_reset_password"), {"email": member.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == HTTPStatus.FOUND
    assert known["Location"] == unknown["Location"]
    # The known address gets a reset link; the unknown one learns nothing it could use.
    reset_mail = [m for m in mail.outbox if m.to == [member.email]]
    assert len(reset_mail) == 1
    assert "/accounts/password/reset/key/" in reset_mail[0].body


def test_admin_login_goes_through_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_logout_needs_a_post(member_client):
    member_client.get(reverse("account_logout"))
    assert "_auth_user_id" in member_client.session

    member_client.post(reverse("account_logout"))
    assert "_auth_user_id" not in member_client.session
