import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.factories import CategoryFactory, ExpertProfileFactory, ModeratorFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits live in the cache; one test's failures must not leak into the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page_cache():
    """The page cache and the shared fragments and pages on, as in production (the
    test settings turn them off), with no proxy allowed to keep a page unasked."""
    with override_settings(PAGE_CACHE_SECONDS=300, SHARED_CACHE_SECONDS=0):
        yield


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


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run an action and what it queues for after its transaction commits (e-mails, tasks)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def massage(db):
    return CategoryFactory(name="Massage", slug="massage")


@pytest.fixture
def jeremy(massage):
    """The seed thread's expert, answering in Massage."""
    return ExpertProfileFactory(user__display_name="Jeremy Lanfranco", categories=[massage]).user


@pytest.fixture
def canned_reasons(db):
    """The moderators' starting list of canned reasons, as the migration writes it.

    A live-server test's flush empties the tables, migration data included:
    tests that need the list ask for it here.
    """
    from importlib import import_module

    from django.apps import apps

    from accounts.models import CannedReason

    if not CannedReason.objects.exists():
        import_module("accounts.migrations.0010_moderator_notes_and_reasons").add_starting_reasons(
            apps, None
        )
    return CannedReason.objects.all()
