"""The writer of `make bench`'s mixed run: follow-ups posted at a steady rate to random threads.

Readers are measured while this runs, so the page cache is measured as a real
forum uses it, with writes every second. Each follow-up goes through the action
layer (forum.actions.post_follow_up), as a member's would: the same locks, the
same post-write hook, the same cache keys moved. The askers of the demo threads
(manage.py seed_demo) write them.
"""

import random
import re
import time

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand

from accounts.actions import NotFound, Refused
from forum import actions
from forum.models import Answer

THREAD = re.compile(r"/q/(\d+)/")


class Command(BaseCommand):
    help = "Post follow-ups to random public threads at a steady rate (for make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=10, help="How long to write.")
        parser.add_argument("--per-second", type=float, default=1, help="Follow-ups a second.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--paths", help="A file of thread paths (/q/<id>/...), one a line: write only there."
        )

    def handle(self, *args, seconds, per_second, seed, paths=None, **options):
        rng = random.Random(seed)  # noqa: S311 - which thread to write to, not a secret
        # Answers under which the asker may follow up: public, open threads of askers
        # with a verified address.
        verified = EmailAddress.objects.filter(verified=True).values("user_id")
        answers = Answer.objects.public().filter(
            question__locked=False, question__asker__in=verified
        )
        if paths:
            with open(paths) as lines:
                threads = [int(found[1]) for line in lines if (found := THREAD.match(line))]
            answers = answers.filter(question__in=threads)
        answers = list(answers.values_list("pk", flat=True)[:5000])
        if not answers:
            self.stderr.write("No answer to follow up on: run manage.py seed_demo first.")
            return
        interval = 1 / per_second
        written = refused = 0
        start = time.monotonic()
        while (now := time.monotonic()) - start < seconds:
            answer = Answer.objects.select_related("question__asker").get(pk=rng.choice(answers))
            try:
                actions.post_follow_up(
                    answer=answer,
                    author=answer.question.asker,
                    body=f"Thank you. One more detail, written at {time.time():.3f}.",
                )
                written += 1
            except (Refused, NotFound):
                refused += 1  # the thread moved on meanwhile (locked, hidden): skip it
            # Steady: the next write on the schedule, however long this one took.
            time.sleep(max(0, start + (written + refused) * interval - time.monotonic()))
        self.stdout.write(f"{written} follow-ups in {now - start:.0f} s ({refused} refused)")
