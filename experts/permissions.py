"""Named permission rules of the experts app, used by views, templates and actions."""

from accounts.roles import can_post, is_moderator

from .models import ExpertStatus


def can_decide(user, profile) -> bool:
    """Moderators decide about experts (applications, suspensions, credentials), not themselves."""
    return is_moderator(user) and profile.user_id != user.pk


def can_apply(user, profile=None) -> bool:
    """A member applies, or fixes a pending or refused application."""
    status = profile.status if profile is not None else None
    return can_post(user) and status not in (ExpertStatus.APPROVED, ExpertStatus.SUSPENDED)


def can_manage(user, profile) -> bool:
    """An expert keeps their own profile, availability and categories."""
    return can_post(user) and profile.user_id == user.pk


def can_reply_to_thank_you(user, rating) -> bool:
    """The expert whose answer was thanked replies once, while they may post as an expert."""
    profile = getattr(user, "expert_profile", None) if user.is_authenticated else None
    return (
        can_post(user)
        and profile is not None
        and profile.status == ExpertStatus.APPROVED
        and rating.expert_id == user.pk
        and bool(rating.thank_you_note)
        and rating.replied_at is None
    )
