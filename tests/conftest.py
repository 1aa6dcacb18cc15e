import pytest
from django.core.cache import cache

from tests.factories import ModeratorFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits live in the cache; one test's failures must not leak into the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def unverified_member(db):
    return UserFactory(verified=False)


@pytest.fixture
def moderator(db):
    return ModeratorFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client
