from django.core.management.base import BaseCommand

from accounts.tasks import pending_notifications, requeue_abandoned_tasks, send_notification_email


class Command(BaseCommand):
    help = (
        "Queue again every notification e-mail due and not yet sent, and take back tasks a dead "
        "worker left running (run it every few minutes)."
    )

    def handle(self, *args, **options):
        abandoned = requeue_abandoned_tasks()
        ids = list(pending_notifications().values_list("pk", flat=True)[:1000])
        for pk in ids:
            send_notification_email.enqueue(notification_id=pk)
        self.stdout.write(f"Queued {len(ids)} e-mails; took back {abandoned} abandoned tasks.")
