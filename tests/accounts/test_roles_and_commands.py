import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import timezone

from accounts.backends import signed_in_user
from accounts.models import User
from accounts.roles import (
    MODERATORS_GROUP,
    can_post,
    has_verified_email,
    in_moderators_group,
    is_moderator,
)
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_moderators_group_exists_with_its_permissions():
    group = Group.objects.get(name=MODERATORS_GROUP)

    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"moderate", "suspend_user"} <= codenames


def test_moderator_rights_come_from_the_group_or_superuser():
    assert is_moderator(ModeratorFactory())
    superuser = ModeratorFactory(is_superuser=True)
    superuser.groups.clear()
    assert is_moderator(User.objects.get(pk=superuser.pk))
    assert not is_moderator(UserFactory())
    assert not is_moderator(AnonymousUser())
    assert not is_moderator(ModeratorFactory(is_active=False))


def test_moderator_powers_need_two_factors_and_no_suspension():
    """A moderator without two-factor authentication, or suspended, reads as a member does."""
    without_two_factors = ModeratorFactory(mfa=False)
    suspended = ModeratorFactory(suspended_at=timezone.now(), suspended_until=None)
    superuser_without = UserFactory(is_superuser=True)

    for user in (without_two_factors, suspended, superuser_without):
        assert in_moderators_group(user)
        assert not is_moderator(user)
        assert not is_moderator(signed_in_user(user.pk))


def test_only_verified_active_members_can_post():
    assert can_post(UserFactory())
    assert not can_post(UserFactory(verified=False))
    assert not can_post(UserFactory(is_active=False))
    assert not can_post(AnonymousUser())
    assert not has_verified_email(AnonymousUser())


def test_the_moderator_command_grants_and_revokes_by_email_or_handle(capsys):
    user = UserFactory(email="jeremy@example.com", handle="jeremy")

    call_command("moderator", "grant", "JEREMY@example.com")
    assert User.objects.get(pk=user.pk).groups.filter(name=MODERATORS_GROUP).exists()
    call_command("moderator", "list")
    assert "jeremy" in capsys.readouterr().out

    call_command("moderator", "revoke", "jeremy")
    assert not User.objects.get(pk=user.pk).groups.filter(name=MODERATORS_GROUP).exists()


def test_the_moderator_command_names_an_unknown_user():
    with pytest.raises(CommandError, match=r"nobody@example\.com"):
        call_command("moderator", "grant", "nobody@example.com")


def test_emails_are_unique_whatever_their_case():
    UserFactory(email="same@example.com")

    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="SAME@example.com", handle="other", display_name="x")])


def test_create_user_lowercases_the_email_and_makes_a_free_handle():
    first = User.objects.create_user(
        "Jane.Doe@Example.com", "pw-123456789", display_name="Jane Doe"
    )
    second = User.objects.create_user("jane@example.org", "pw-123456789", display_name="Jane Doe")
    reserved = User.objects.create_user("admin@example.org", "pw-123456789", display_name="Admin")

    assert first.email == "jane.doe@example.com"
    assert first.handle == "jane-doe"
    assert second.handle.startswith("jane-doe-")
    assert reserved.handle == "admin-member"


def test_the_moderator_command_makes_an_existing_member_a_moderator_and_says_what_is_left(
    capsys,
):
    """createsuperuser refuses an address that signed up; this command takes the member."""
    member = UserFactory(email="signed.up@example.com", handle="signed-up", verified=False)

    call_command("moderator", "grant", "signed.up@example.com")

    assert in_moderators_group(User.objects.get(pk=member.pk))
    out = capsys.readouterr().out
    assert "signed-up is now a moderator" in out
    assert "Verify the e-mail address" in out
    assert "/accounts/2fa/" in out
    assert "changepassword" not in out  # they chose a password when signing up


def test_the_moderator_command_says_nothing_is_left_for_a_ready_moderator(capsys):
    ready = ModeratorFactory()
    ready.groups.clear()

    call_command("moderator", "grant", ready.email)

    out = capsys.readouterr().out
    assert "Nothing left to do" in out
    assert "/moderation/" in out


def test_the_moderator_command_creates_a_member_only_when_asked(capsys):
    with pytest.raises(CommandError, match="--create"):
        call_command("moderator", "grant", "new.mod@example.com")
    assert not User.objects.filter(email="new.mod@example.com").exists()

    call_command("moderator", "grant", "New.Mod@example.com", "--create", "--name", "Nia Mod")

    created = User.objects.get(email="new.mod@example.com")
    assert created.display_name == "Nia Mod"
    assert in_moderators_group(created)
    assert not created.has_usable_password()
    out = capsys.readouterr().out
    assert "Created the member" in out
    assert "changepassword new.mod@example.com" in out
    assert "Verify the e-mail address" in out
    assert "/accounts/2fa/" in out
