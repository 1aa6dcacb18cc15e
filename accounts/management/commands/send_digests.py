from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification
from accounts.notifications import DIGEST
from accounts.tasks import absolute, compose


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
                message = compose(
                    reader,
                    DIGEST,
                    subject=f"Your daily digest: {len(items)} new",
                    template="notifications/digest",
                    context={"items": [(item, absolute(item.url)) for item in items]},
                )
                message.send()
                Notification.objects.filter(pk__in=[i.pk for i in items]).update(
                    emailed_at=timezone.now()
                )
                sent += 1
        self.stdout.write(f"Sent {sent} digests.")
