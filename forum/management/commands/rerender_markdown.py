from django.core.management.base import BaseCommand

from forum.actions import rerender_thread
from forum.models import Question


class Command(BaseCommand):
    help = "Re-render the stored HTML of every post after the markdown policy changes."

    def handle(self, *args, **options):
        changed = 0
        for question in Question.objects.order_by("pk").only("pk").iterator():
            # One thread at a time, through its action: the search entries and the
            # pages that show the thread follow in the same transaction.
            changed += rerender_thread(question=question)
        self.stdout.write(f"{changed} threads re-rendered")
