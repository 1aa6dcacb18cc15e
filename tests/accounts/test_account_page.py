from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_account_page_needs_login(client):
    response = client.get(reverse("accounts:account"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_the_account_page_shows_the_member_and_security_links(member_client, member):
    response = member_client.get(reverse("accounts:account"))

    assert response.status_code == HTTPStatus.OK
    assert member.email in response.text
    assert member.handle in response.text
    for name in ("account_email", "account_change_password", "mfa_index"):
        assert f'href="{reverse(name)}"' in response.text


def test_a_member_changes_display_name_and_handle(member_client, member):
    response = member_client.post(
        reverse("accounts:account"), {"display_name": "Jeremy L.", "handle": "Jeremy-L"}
    )

    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.display_name == "Jeremy L."
    assert member.handle == "jeremy-l"
    assert "Your profile was saved." in member_client.get(response["Location"]).text


@pytest.mark.parametrize(
    ("handle", "error"),
    [
        ("../admin", "lowercase letters"),
        ("<script>", "lowercase letters"),
        ("-edge-", "lowercase letters"),
        ("apply", "reserved"),
        ("x" * 31, "at most 30"),
        ("", "required"),
    ],
)
def test_a_bad_handle_is_refused_with_a_message_and_nothing_is_lost(
    member_client, member, handle, error
):
    response = member_client.post(
        reverse("accounts:account"), {"display_name": "New Name", "handle": handle}
    )

    assert response.status_code == HTTPStatus.OK
    assert error in response.text
    assert 'value="New Name"' in response.text
    assert "&lt;script&gt;" in response.text or "<script>" not in response.text
    member.refresh_from_db()
    assert member.display_name != "New Name"


def test_a_handle_taken_by_someone_else_is_refused(member_client):
    UserFactory(handle="taken")

    response = member_client.post(
        reverse("accounts:account"), {"display_name": "Me", "handle": "TAKEN"}
    )

    assert response.status_code == HTTPStatus.OK
    assert "This handle is taken" in response.text


def test_the_account_form_needs_the_csrf_token(member, client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(member)

    response = csrf_client.post(
        reverse("accounts:account"), {"display_name": "Hacked", "handle": "hacked"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    member.refresh_from_db()
    assert member.display_name != "Hacked"
