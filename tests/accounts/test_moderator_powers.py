"""Moderator powers need an unsuspended moderator with two-factor authentication,
and nobody moderates their own account or posts."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.actions import Refused, lift_suspension, suspend_user
from forum import actions
from tests.factories import AnswerFactory, ExpertProfileFactory, ModeratorFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def private_question():
    expert = ExpertProfileFactory().user
    return QuestionFactory(expert=expert, visibility="private", title="A zorbulent private rash")


def powerless_moderators():
    return {
        "without two factors": ModeratorFactory(mfa=False),
        "suspended": ModeratorFactory(suspended_at=timezone.now(), suspended_until=None),
    }


@pytest.mark.parametrize("kind", ["without two factors", "suspended"])
def test_a_moderator_without_powers_reads_as_a_member(kind, private_question):
    client = as_user(powerless_moderators()[kind])

    thread = client.get(private_question.get_absolute_url())
    found = client.get(reverse("forum:search"), {"q": "zorbulent"})

    assert thread.status_code == HTTPStatus.NOT_FOUND
    assert found.context["hits"] == []


def test_a_suspended_moderator_finds_no_moderation_pages():
    moderator = ModeratorFactory(suspended_at=timezone.now(), suspended_until=None)
    client = as_user(moderator)

    queue = client.get(reverse("moderation:queue"))
    lift_own = client.post(
        reverse("moderation:member", args=[moderator.handle]), {"action": "lift"}
    )

    assert queue.status_code == lift_own.status_code == HTTPStatus.NOT_FOUND
    moderator.refresh_from_db()
    assert moderator.suspended_at is not None


def test_a_moderator_without_two_factors_is_sent_to_set_them_up():
    response = as_user(ModeratorFactory(mfa=False)).get(reverse("moderation:queue"))

    assert response.status_code == HTTPStatus.FOUND
    # On to set them up, then back (tests/accounts/test_two_factor_redirect.py).
    assert response.url == reverse("moderation:two_factor") + "?next=%2Fmoderation%2F"


def test_nobody_suspends_or_restores_their_own_account():
    moderator = ModeratorFactory()
    other = ModeratorFactory()

    response = as_user(moderator).post(
        reverse("moderation:member", args=[moderator.handle]),
        {"period": "7", "reason": "Testing my own powers"},
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    moderator.refresh_from_db()
    assert moderator.suspended_at is None
    suspend_user(user=moderator, moderator=other, reason="Abuse")
    with pytest.raises(Refused):
        lift_suspension(user=moderator, moderator=moderator)


def test_nobody_moderates_their_own_post():
    moderator = ModeratorFactory()
    expert = ExpertProfileFactory(user=moderator)
    answer = AnswerFactory(author=expert.user, body="My own answer.")

    response = as_user(moderator).post(
        reverse("moderation:hide", args=["answer", answer.pk]), {"reason": "Hiding my own"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "not on their own" in response.text
    with pytest.raises(Refused):
        actions.set_featured(answer=answer, moderator=moderator, featured=True)
    answer.refresh_from_db()
    assert not answer.is_hidden and not answer.is_featured
