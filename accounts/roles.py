"""Named role checks, used by views, templates and the actions alike.

Each takes a user (possibly anonymous) and answers yes or no. Moderator
powers (reading private threads included) need more than the group: an
active, unsuspended account with two-factor authentication set up.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import LazyObject, empty

MODERATORS_GROUP = "Moderators"


def with_roles(users):
    """Annotate a user queryset with what the checks below would ask the database.

    The names are those the checks memoise their answers under, so a user
    loaded this way costs no further query (accounts.backends loads the
    signed-in user so).
    """
    model = users.model
    return users.annotate(
        _in_moderators_group=Exists(
            model.groups.through.objects.filter(user=OuterRef("pk"), group__name=MODERATORS_GROUP)
        ),
        _has_verified_email=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)),
        _has_two_factor=Exists(Authenticator.objects.filter(user=OuterRef("pk"))),
    )


def reader(request):
    """The request's user itself, not the lazy stand-in Django's middleware sets.

    Every attribute read through the stand-in costs a call; a long thread asks its
    permissions of the user thousands of times.
    """
    user = request.user
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def in_moderators_group(user) -> bool:
    """Members of the Moderators group, and superusers: moderators by role, powers or not."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Memoised on the user object: templates ask several times per request.
    if not hasattr(user, "_in_moderators_group"):
        user._in_moderators_group = user.groups.filter(name=MODERATORS_GROUP).exists()
    return user._in_moderators_group


def has_two_factor(user) -> bool:
    """An authenticator app or security key is set up (allauth's is_mfa_enabled)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_has_two_factor"):
        user._has_two_factor = Authenticator.objects.filter(user=user).exists()
    return user._has_two_factor


def is_moderator(user) -> bool:
    """Moderator powers now: in the group, not suspended, and with two-factor authentication.

    Every moderator power, reading private threads and hidden posts included,
    asks this; a moderator without two factors reads the site as a member does.
    """
    return in_moderators_group(user) and not is_suspended(user) and has_two_factor(user)


def moderators(users):
    """The users of a queryset who hold moderator powers now (the rule of is_moderator)."""
    now = timezone.now()
    return users.filter(
        Q(groups__name=MODERATORS_GROUP) | Q(is_superuser=True),
        Q(suspended_at=None) | Q(suspended_until__lte=now),
        is_active=True,
        authenticator__isnull=False,
    ).distinct()


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


def can_suspend(moderator, member) -> bool:
    """Moderators suspend and restore members, never their own account."""
    return is_moderator(moderator) and member.pk != moderator.pk


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
