"""Personal API tokens on the account page: created with a name, the key shown once,
listed, revoked; at most ten; another member's token is not there to revoke."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts import actions
from accounts.models import ApiToken
from accounts.models.tokens import hash_token
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKENS = "/me/tokens/"


def create(client, name="My script"):
    return client.post(reverse("accounts:create_api_token"), {"name": name})


def test_the_account_page_has_the_section(member_client, member):
    actions.create_api_token(user=member, name="Backup script")

    page = member_client.get(reverse("accounts:account")).content.decode()

    assert "API tokens" in page
    assert "Backup script" in page
    assert reverse("accounts:create_api_token") in page


def test_create_shows_the_key_once_and_stores_only_its_hash(member_client, member):
    response = create(member_client)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == TOKENS

    page = member_client.get(TOKENS)
    key = page.context["new_key"]["key"]
    assert key in page.content.decode()
    token = ApiToken.objects.get(user=member)
    assert token.key_hash == hash_token(key)
    assert token.hint == key[:8]
    assert key not in token.key_hash
    # Shown this once: a reload no longer has it.
    assert key not in member_client.get(TOKENS).content.decode()
    # And it works.
    api = Client().get("/api/v1/questions", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == HTTPStatus.OK


def test_a_double_submit_creates_one_token(member_client, member):
    create(member_client)
    create(member_client)

    assert ApiToken.objects.filter(user=member).count() == 1
    assert member_client.get(TOKENS).context["new_key"] is not None


def test_a_name_is_needed(member_client, member):
    response = create(member_client, name="   ")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This field is required" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_at_most_ten_active_tokens(member_client, member):
    for n in range(actions.MAX_API_TOKENS):
        actions.create_api_token(user=member, name=f"Script {n}")

    response = create(member_client, name="One more")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "revoke one" in response.content.decode()
    assert ApiToken.objects.active().filter(user=member).count() == actions.MAX_API_TOKENS
    # A revoked one frees a place.
    actions.revoke_api_token(user=member, token=ApiToken.objects.filter(user=member).first())
    assert create(member_client, name="One more").status_code == HTTPStatus.FOUND


def test_revoke(member_client, member):
    token, key = actions.create_api_token(user=member, name="Old script")

    response = member_client.post(reverse("accounts:revoke_api_token", args=[token.pk]))

    assert response.status_code == HTTPStatus.FOUND
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = member_client.get(TOKENS)
    assert "was revoked" in page.content.decode()
    assert list(page.context["api_tokens"]) == []
    api = Client().get("/api/v1/questions", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize("who", ["other member", "moderator"])
def test_others_tokens_cannot_be_revoked(client, member, who):
    token, _ = actions.create_api_token(user=member, name="Mine")
    client.force_login(UserFactory() if who == "other member" else ModeratorFactory())

    response = client.post(reverse("accounts:revoke_api_token", args=[token.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    token.refresh_from_db()
    assert token.revoked_at is None
    with pytest.raises(actions.NotFound):
        actions.revoke_api_token(user=UserFactory(), token=token)


def test_visitors_are_sent_to_sign_in(client):
    for url in (TOKENS, reverse("accounts:create_api_token")):
        response = client.post(url) if url != TOKENS else client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert "/accounts/login/" in response["Location"]


def test_a_get_of_an_action_url_goes_back_to_the_page(member_client, member):
    token, _ = actions.create_api_token(user=member, name="Mine")

    for url in (
        reverse("accounts:create_api_token"),
        reverse("accounts:revoke_api_token", args=[token.pk]),
    ):
        response = member_client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_suspended_member_keeps_their_tokens_and_reads_as_on_the_site(member_client, member):
    _, key = actions.create_api_token(user=member, name="Mine")
    actions.suspend_user(user=member, moderator=ModeratorFactory(), reason="Rude")

    api = Client().get("/api/v1/categories", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert api.status_code == HTTPStatus.OK
