"""Background tasks: sending notification e-mails (and the daily digest)."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification

RETRY_DELAYS = [60, 300, 1800, 7200, 21600]  # seconds: 1 min … 6 h


def absolute(url):
    return url if url.startswith("http") else f"{settings.SITE_URL}{url}"


def build_email(notification):
    from .notifications import unsubscribe_url

    unsubscribe = unsubscribe_url(notification.recipient, notification.kind)
    context = {
        "notification": notification,
        "recipient": notification.recipient,
        "link": absolute(notification.url),
        "unsubscribe_url": unsubscribe,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "preferences_url": f"{settings.SITE_URL}/me/#notifications",
    }
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {notification.title}",
        body=render_to_string("notifications/email.txt", context),
        to=[notification.recipient.email],
        headers={
            # One-click unsubscribe (RFC 8058): mail clients POST to the link.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return message


@task
def send_notification_email(notification_id):
    """Send one notification by e-mail; on failure, try again later (the row stays)."""
    notification = (
        Notification.objects.select_related("recipient")
        .filter(pk=notification_id, emailed_at=None)
        .first()
    )
    if notification is None:
        return "already sent"
    if notification.redacted:
        # What it was about was hidden or made private before it left: say nothing.
        return "withheld"
    attempts = notification.email_attempts + 1
    Notification.objects.filter(pk=notification_id).update(email_attempts=attempts)
    try:
        build_email(notification).send()
    except Exception:
        schedule_retry(notification_id, attempts)
        raise
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    return "sent"


def schedule_retry(notification_id, attempts):
    """Queue the next try after a growing delay, where the backend can defer tasks.

    Whatever is still unsent is also picked up by `manage.py send_pending_emails`.
    """
    backend = send_notification_email.get_backend()
    if attempts > min(settings.EMAIL_RETRIES, len(RETRY_DELAYS)) or not backend.supports_defer:
        return
    retry_at = timezone.now() + timedelta(seconds=RETRY_DELAYS[attempts - 1])
    send_notification_email.using(run_after=retry_at).enqueue(notification_id=notification_id)


def pending_notifications():
    """Notifications whose e-mail is wanted, not sent, and not given up on."""
    return Notification.objects.filter(
        email_wanted=True,
        emailed_at=None,
        redacted=False,
        recipient__daily_digest=False,
        email_attempts__lte=settings.EMAIL_RETRIES,
    )
