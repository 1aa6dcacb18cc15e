from django.core.management.base import BaseCommand

from accounts.tasks import pending_notifications, send_notification_email


class Command(BaseCommand):
    help = "Queue again every notification e-mail not yet sent (run it every few minutes)."

    def handle(self, *args, **options):
        ids = list(pending_notifications().values_list("pk", flat=True)[:1000])
        for pk in ids:
            send_notification_email.enqueue(notification_id=pk)
        self.stdout.write(f"Queued {len(ids)} e-mails.")
