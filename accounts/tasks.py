"""Background tasks: sending notification e-mails (and the daily digest).

Each notification is e-mailed once. The sender claims it in its own committed
step before handing it to the mail server, and marks it sent when the server
accepts it; a failure releases the claim and schedules a retry. If the sender
dies in between, the claim expires after EMAIL_CLAIM_SECONDS and the e-mail
is sent again with the same Message-ID, so a mail server or client that sees
it twice knows it is one message. `manage.py send_pending_emails` (cron) queues
what is due again and takes back tasks a dead worker left running.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification

RETRY_DELAYS = [60, 300, 1800, 7200, 21600]  # seconds: 1 min … 6 h


def absolute(url):
    return url if url.startswith("http") else f"{settings.SITE_URL}{url}"


def message_id(notification) -> str:
    """The same for every try of one notification's e-mail."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<notification-{notification.pk}@{host}>"


def compose(recipient, unsubscribe_kind, *, subject, template, context, headers=None):
    """An e-mail to a member in text and HTML (`template`.txt/.html), with the links every
    one carries: one-click unsubscribe for `unsubscribe_kind`, and the settings."""
    from .notifications import unsubscribe_url

    unsubscribe = unsubscribe_url(recipient, unsubscribe_kind)
    context = {
        "recipient": recipient,
        "unsubscribe_url": unsubscribe,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "preferences_url": f"{settings.SITE_URL}/me/#notifications",
        **context,
    }
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=render_to_string(f"{template}.txt", context),
        to=[recipient.email],
        headers={
            **(headers or {}),
            # One-click unsubscribe (RFC 8058): mail clients POST to the link.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def build_email(notification):
    return compose(
        notification.recipient,
        notification.kind,
        subject=notification.title,
        template="notifications/email",
        context={"notification": notification, "link": absolute(notification.url)},
        headers={"Message-ID": message_id(notification)},
    )


def _claimable(now):
    """Unsent notifications nobody is sending now (no claim, or one a dead sender left)."""
    expired = now - timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)
    return Notification.objects.filter(emailed_at=None).filter(
        Q(email_claimed_at=None) | Q(email_claimed_at__lt=expired)
    )


@task
def send_notification_email(notification_id):
    """Send one notification by e-mail; on failure, try again later (the row stays)."""
    now = timezone.now()
    claimed = (
        _claimable(now)
        .filter(pk=notification_id, redacted=False, email_wanted=True)
        .update(email_claimed_at=now, email_attempts=F("email_attempts") + 1, email_retry_at=None)
    )
    if not claimed:
        state = Notification.objects.filter(pk=notification_id)
        state = state.values("emailed_at", "redacted", "email_wanted").first()
        if state is None or state["emailed_at"]:
            return "already sent"
        # What it was about was hidden or made private before it left, or the member
        # stopped these e-mails (unsubscribed, away on vacation) meanwhile: say nothing.
        return "withheld" if state["redacted"] or not state["email_wanted"] else "being sent"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        build_email(notification).send()
    except Exception:
        Notification.objects.filter(pk=notification_id).update(email_claimed_at=None)
        schedule_retry(notification_id, notification.email_attempts)
        raise
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    return "sent"


def schedule_retry(notification_id, attempts):
    """Queue the next try after a growing delay, where the backend can defer tasks.

    The time is kept on the notification, so `manage.py send_pending_emails`
    does not queue a second try meanwhile; it picks up anything still unsent.
    """
    backend = send_notification_email.get_backend()
    if attempts > min(settings.EMAIL_RETRIES, len(RETRY_DELAYS)) or not backend.supports_defer:
        return
    retry_at = timezone.now() + timedelta(seconds=RETRY_DELAYS[attempts - 1])
    Notification.objects.filter(pk=notification_id).update(email_retry_at=retry_at)
    send_notification_email.using(run_after=retry_at).enqueue(notification_id=notification_id)


def pending_notifications():
    """Notifications whose e-mail is wanted, not sent, not being sent, due, not given up on.

    One whose task is most likely still in the queue (created, or due for its
    retry, less than EMAIL_CLAIM_SECONDS ago) is left to that task: queueing a
    second one would only make the worker find it sent.
    """
    now = timezone.now()
    grace = now - timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)
    first_try_queued = Q(email_attempts=0, created_at__gt=grace)
    return (
        _claimable(now)
        .exclude(first_try_queued)
        .filter(
            Q(email_retry_at=None) | Q(email_retry_at__lte=grace),
            email_wanted=True,
            redacted=False,
            recipient__daily_digest=False,
            email_attempts__lte=settings.EMAIL_RETRIES,
        )
    )


def requeue_abandoned_tasks() -> int:
    """Tasks a worker claimed and never finished (it died) go back to the queue.

    Only with the database queue (django-tasks-db); returns how many.
    """
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return 0
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(seconds=settings.TASK_ABANDONED_AFTER)
    return (
        DBTaskResult.objects.running()
        .filter(started_at__lt=cutoff)
        .update(status=TaskResultStatus.READY)
    )
