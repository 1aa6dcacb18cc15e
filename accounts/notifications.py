"""Telling members what happened: on-site notifications and e-mails.

notify() runs inside the write that caused it: the on-site notification is a
row of that transaction, and the e-mail is queued only once it commits, as a
task (Django's tasks API), so a rolled-back write sends nothing. A failed
send is retried later; the on-site notification is never lost.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from .models import (
    Channel,
    Notification,
    NotificationKind,
)
from .models.notifications import ALWAYS_ON, DEFAULT_CHANNELS

UNSUBSCRIBE_SALT = "accounts.notifications.unsubscribe"
# What a digest's unsubscribe token names instead of a kind: the digest as a whole.
DIGEST = "digest"

__all__ = ["DIGEST", "NotificationKind", "notify", "preferences", "unread_count", "unsubscribe_url"]


def _unread(user):
    return Notification.objects.filter(recipient=user, read_at=None, redacted=False)


def with_unread_count(users):
    """Annotate a user queryset with unread_count()'s answer (accounts.backends loads the
    signed-in user so: the header shows the count on every page)."""
    unread = _unread(OuterRef("pk")).values("recipient").annotate(n=Count("pk")).values("n")
    return users.annotate(_unread_count=Coalesce(Subquery(unread), 0))


def unread_count(user) -> int:
    """How many of the member's notifications they have not read, memoised on the user."""
    if not hasattr(user, "_unread_count"):
        user._unread_count = _unread(user).count()
    return user._unread_count


def forget_unread_count(user):
    """After notifications were marked read: the next unread_count() counts again."""
    # del, not __dict__: request.user is a lazy stand-in that passes a del on to the user.
    if hasattr(user, "_unread_count"):
        del user._unread_count


def preferences(user) -> dict:
    """{kind: channel} for every kind, the member's choices over the defaults."""
    chosen = dict(user.notification_preferences.values_list("kind", "channel"))
    result = {kind: chosen.get(kind, DEFAULT_CHANNELS[kind]) for kind in NotificationKind.values}
    for kind in ALWAYS_ON:
        if result[kind] == Channel.OFF:
            result[kind] = Channel.ONSITE
    return result


def notify(recipient, kind, *, title, url, body="", about=None, thread_id=None):
    """Tell `recipient` about something, by the channel they chose for this kind.

    `about` is the object it is about and `thread_id` the forum thread it is on:
    the forum redacts the notification while the recipient may not see them.
    """
    if recipient is None or not recipient.is_active:
        return None
    channel = preferences(recipient)[kind]
    if channel == Channel.OFF:
        return None
    email = channel == Channel.EMAIL and not recipient.daily_digest
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        title=title[:200],
        body=body,
        url=url,
        target_type=about._meta.label_lower if about is not None else "",
        target_id=about.pk if about is not None else None,
        thread_id=thread_id,
        # A digest reader gets it in tomorrow's digest instead.
        email_wanted=channel == Channel.EMAIL,
    )
    if email:
        from .tasks import send_notification_email

        transaction.on_commit(
            lambda: send_notification_email.enqueue(notification_id=notification.pk)
        )
    return notification


def unsubscribe_token(user, kind) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """(user id, kind) from a token, or None when it is forged or garbled."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in [*NotificationKind.values, DIGEST]:
        return None
    return data.get("u"), data["k"]


def unsubscribe_url(user, kind) -> str:
    """The link that stops e-mails of one kind (or, with DIGEST, the daily digest)."""
    path = reverse("accounts:unsubscribe", kwargs={"token": unsubscribe_token(user, kind)})
    return f"{settings.SITE_URL}{path}"
