from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from experts import scorecard
from forum.actions import refresh_thread
from forum.models import Question

SEED_FIXTURE = "seed.json"
# A user the fixture creates: present means the seed is already loaded.
SEED_MARKER_EMAIL = "jeremy.lanfranco@example.com"


class Command(BaseCommand):
    help = "Load the seed thread and categories once; later runs leave the data alone."

    def handle(self, *args, **options):
        if get_user_model().objects.filter(email=SEED_MARKER_EMAIL).exists():
            self.stdout.write("Seed data already loaded.")
            return
        call_command("loaddata", SEED_FIXTURE, verbosity=options["verbosity"])
        # Fixtures skip the actions: run the hook they end with on every thread.
        for question in Question.objects.only("pk"):
            refresh_thread(question=question)
        scorecard.refresh_all()
