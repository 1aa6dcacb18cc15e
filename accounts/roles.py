"""Named role checks, used by views and templates alike.

Each takes a user (possibly anonymous) and answers yes or no. Later apps add
their own checks (`experts.roles.is_expert`) next to these rather than testing
groups or flags inline.
"""

from allauth.account.models import EmailAddress
from django.utils import timezone

MODERATORS_GROUP = "Moderators"


def is_moderator(user) -> bool:
    """Members of the Moderators group, and superusers."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Memoised on the user object: templates ask several times per request.
    if not hasattr(user, "_is_moderator"):
        user._is_moderator = user.groups.filter(name=MODERATORS_GROUP).exists()
    return user._is_moderator


def has_verified_email(user) -> bool:
    """True once the user has confirmed their primary e-mail address."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_has_verified_email"):
        user._has_verified_email = EmailAddress.objects.filter(user=user, verified=True).exists()
    return user._has_verified_email


def is_suspended(user) -> bool:
    """A suspension in force: indefinite, or until a time still to come."""
    if not user.is_authenticated or user.suspended_at is None:
        return False
    return user.suspended_until is None or user.suspended_until > timezone.now()


def can_post(user) -> bool:
    """Members may write (ask, answer, follow up, flag) with a verified e-mail, unless suspended."""
    return (
        user.is_authenticated
        and user.is_active
        and not is_suspended(user)
        and has_verified_email(user)
    )


def why_cannot_post(user) -> str:
    """The reason can_post() says no, in words for the member."""
    if not user.is_authenticated:
        return "Sign in to take part."
    if is_suspended(user):
        until = (
            f"until {timezone.localtime(user.suspended_until):%-d %B %Y, %H:%M}"
            if user.suspended_until
            else "until a moderator lifts it"
        )
        reason = f" Reason: {user.suspension_reason}" if user.suspension_reason else ""
        return f"Your account is suspended {until}: you can read but not post.{reason}"
    if not has_verified_email(user):
        return "Please verify your e-mail address before posting: follow the link we sent you."
    if not user.is_active:
        return "This account is inactive."
    return ""
