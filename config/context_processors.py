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

    @cache
    def unread():
        return user.notifications.filter(read_at=None, redacted=False).count()

    return {"unread_notifications": unread}
