from django.core.management.base import BaseCommand

from forum.actions import refresh_thread
from forum.models import Question


class Command(BaseCommand):
    help = (
        "Run the post-write hook on every thread: counts, status, search entries, scorecards "
        "and notification redaction made again from the posts (after an upgrade or a bulk load)."
    )

    def handle(self, *args, **options):
        count = 0
        for question in Question.objects.order_by("pk").only("pk").iterator():
            refresh_thread(question=question)
            count += 1
        self.stdout.write(f"Refreshed {count} threads.")
