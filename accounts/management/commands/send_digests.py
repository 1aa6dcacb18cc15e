from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.core.management.base import BaseCommand
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Notification
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
                items = list(
                    Notification.objects.select_for_update()
                    .filter(recipient=reader, email_wanted=True, emailed_at=None, redacted=False)
                    .order_by("created_at")
                )
                if not items:
                    continue
                context = {
                    "recipient": reader,
                    "items": [(item, absolute(item.url)) for item in items],
                    "site_name": settings.SITE_NAME,
                    "site_url": settings.SITE_URL,
                }
                message = EmailMultiAlternatives(
                    subject=f"[{settings.SITE_NAME}] Your daily digest: {len(items)} new",
                    body=render_to_string("notifications/digest.txt", context),
                    to=[reader.email],
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
