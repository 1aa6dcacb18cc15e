from functools import cache

from django.conf import settings


def site(request):
    """The site's name, for the header, page titles and e-mails."""
    return {"site_name": settings.SITE_NAME}


def notifications(request):
    """The unread count for the header, counted only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from accounts.notifications import unread_count

    return {"unread_notifications": lambda: unread_count(user)}


def moderation(request):
    """What waits for the moderators, for a moderator's Moderation link; read when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def pending():
        from accounts.roles import is_moderator
        from forum.pending import pending_counts

        return pending_counts() if is_moderator(user) else {}

    return {"moderation_pending": pending}
