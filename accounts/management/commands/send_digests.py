from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.core.management.base import BaseCommand
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Notification
from accounts.notifications import DIGEST, unsubscribe_url
from accounts.tasks import absolute


class Command(BaseCommand):
    help = "Send the daily digest to members who chose it (run once a day, e.g. from cron)."

    def handle(self, *args, **options):
        sent = 0
        readers = (
            get_user_model()
            .objects.filter(
                daily_digest=True,
                is_active=True,
                notifications__email_wanted=True,
                notifications__emailed_at=None,
                notifications__redacted=False,
            )
            .distinct()
        )
        for reader in readers.iterator():
            with transaction.atomic():
                undelivered = Notification.objects.select_for_update().filter(
                    recipient=reader, email_wanted=True, emailed_at=None, redacted=False
                )
                # Read on the site already: the member knows, the digest leaves it out.
                undelivered.exclude(read_at=None).update(email_wanted=False)
                items = list(undelivered.filter(read_at=None).order_by("created_at"))
                if not items:
                    continue
                unsubscribe = unsubscribe_url(reader, DIGEST)
                context = {
                    "recipient": reader,
                    "items": [(item, absolute(item.url)) for item in items],
                    "site_name": settings.SITE_NAME,
                    "site_url": settings.SITE_URL,
                    "unsubscribe_url": unsubscribe,
                    "preferences_url": f"{settings.SITE_URL}/me/#notifications",
                }
                message = EmailMultiAlternatives(
                    subject=f"[{settings.SITE_NAME}] Your daily digest: {len(items)} new",
                    body=render_to_string("notifications/digest.txt", context),
                    to=[reader.email],
                    headers={
                        # One-click unsubscribe (RFC 8058): mail clients POST to the link.
                        "List-Unsubscribe": f"<{unsubscribe}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                )
                message.attach_alternative(
                    render_to_string("notifications/digest.html", context), "text/html"
                )
                message.send()
                Notification.objects.filter(pk__in=[i.pk for i in items]).update(
                    emailed_at=timezone.now()
                )
                sent += 1
        self.stdout.write(f"Sent {sent} digests.")
