"""Named role checks, used by views and templates alike.

Each takes a user (possibly anonymous) and answers yes or no. Later apps add
their own checks (`experts.roles.is_expert`) next to these rather than testing
groups or flags inline.
"""

from allauth.account.models import EmailAddress

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


def can_post(user) -> bool:
    """Members may write (ask, answer, follow up, flag) only with a verified e-mail."""
    return user.is_authenticated and user.is_active and has_verified_email(user)
