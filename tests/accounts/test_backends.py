"""The signed-in user is loaded with their roles, in one query."""

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

from accounts.roles import can_post, has_verified_email, is_moderator
from tests.factories import ExpertProfileFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def request_of(client, user):
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    return request


@pytest.mark.parametrize(
    ("factory", "moderates", "verified"),
    [
        (lambda: UserFactory(), False, True),
        (lambda: UserFactory(verified=False), False, False),
        (lambda: ModeratorFactory(), True, True),
    ],
)
def test_roles_come_with_the_user(client, django_assert_num_queries, factory, moderates, verified):
    user = factory()
    request = request_of(client, user)
    with django_assert_num_queries(1):
        loaded = get_user(request)
        assert loaded == user
        assert is_moderator(loaded) is moderates
        assert has_verified_email(loaded) is verified
        assert can_post(loaded) is verified
        assert not hasattr(loaded, "expert_profile")


def test_an_experts_profile_comes_with_the_user(client, django_assert_num_queries):
    profile = ExpertProfileFactory()
    request = request_of(client, profile.user)
    with django_assert_num_queries(1):
        assert get_user(request).expert_profile == profile


def test_a_deactivated_member_is_signed_out(client):
    user = UserFactory()
    client.force_login(user)
    user.is_active = False
    user.save()

    assert not client.get("/me/notifications/").wsgi_request.user.is_authenticated
