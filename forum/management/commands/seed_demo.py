"""A large, realistic archive beside the seed thread: `manage.py seed_demo --questions N`.

Nested categories, experts with credentials, askers, questions with 0-5
answers and 0-4 follow-ups per answer, ratings, some private and some hidden
posts, markdown bodies of varied length with their rendered HTML. Bulk
inserts throughout; repeatable with --seed; SQLite and PostgreSQL.
"""

import random
import sys
import time
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from experts import scorecard
from experts.models import Credential, ExpertProfile, Rating
from forum import search
from forum.actions.hooks import RATING_MEAN
from forum.management.loader import Loader
from forum.markdown import render_markdown
from forum.models import Answer, Category, FollowUp, Question, SearchEntry
from forum.search import documents

TOPICS = {
    "Health & Fitness": ["Massage", "Sports Injuries", "Nutrition", "Yoga", "Sleep", "Back Pain"],
    "Home & Garden": ["Gardening", "Plumbing", "Electrical", "Woodworking", "Cleaning"],
    "Computing & Technology": ["Python Programming", "Home Networking", "Linux", "Databases"],
    "Law": ["Employment Law", "Landlord & Tenant", "Consumer Rights", "Family Law"],
    "Pets": ["Dogs", "Cats", "Birds", "Aquariums"],
    "Cars & Transport": ["Car Maintenance", "Cycling", "Motorcycles"],
    "Money": ["Personal Budgeting", "Pensions", "Small Business"],
    "Arts & Music": ["Guitar", "Piano", "Painting", "Photography"],
}
NOUNS = [
    "knee",
    "shoulder",
    "back",
    "neck",
    "hip",
    "ankle",
    "wrist",
    "garden",
    "lawn",
    "roof",
    "pipe",
    "drain",
    "sink",
    "router",
    "laptop",
    "printer",
    "landlord",
    "contract",
    "deposit",
    "dog",
    "cat",
    "puppy",
    "kitten",
    "bike",
    "engine",
    "brake",
    "battery",
    "budget",
    "pension",
    "invoice",
    "guitar",
    "piano",
    "chord",
    "lens",
    "camera",
]
VERBS = [
    "hurts",
    "leaks",
    "stops",
    "breaks",
    "squeaks",
    "fails",
    "aches",
    "shakes",
    "overheats",
    "rattles",
]
WHEN = [
    "after running",
    "in the morning",
    "since last week",
    "when it rains",
    "at night",
    "after an update",
    "every few days",
    "when I lift it",
    "in winter",
    "since we moved",
]
SENTENCES = [
    "I have tried the usual things without much luck.",
    "It started about {n} weeks ago and is getting worse.",
    "My {noun} {verb} {when}, which never happened before.",
    "A friend suggested rest, but I am not sure that is right.",
    "I read conflicting advice online and would like an expert view.",
    "Is this something I can fix myself or do I need a professional?",
    "Thanks in advance for any help you can give.",
    "The {noun} is about {n} years old and otherwise fine.",
]
ADVICE = [
    "Thanks for your question. From what you describe, the {noun} is the likely cause.",
    "First, stop doing whatever makes it worse for **{n} days** and see if it settles.",
    "Check the simple things first:\n\n1. Is it clean and dry?\n2. Has anything changed recently?\n3. Does it happen every time?",  # noqa: E501
    "If it does not improve, see a professional who can examine it in person.",
    "> Prevention is easier than repair.\n\nA little care each week goes a long way.",
    "Many people have the same problem {when}; it is rarely serious.",
    "You can read more in any good guide, but the short answer is: be patient.",
    "Please follow up if anything is unclear.",
]
FOLLOW_UPS = [
    "Thank you! Should I also {verb2} it?",
    "How long before it gets better?",
    "That worked, thanks a lot.",
    "It is a bit better but still {verb} {when}.",
    "Glad to hear it. Keep an eye on it for a few weeks.",
    "Yes, that is normal. Give it {n} more days.",
]
BODY_VARIANTS = 400
# Demo users cannot log in: "!" is Django's mark of an unusable password.
UNUSABLE = "!"


class Command(BaseCommand):
    help = "Build a large realistic demo archive beside the seed thread."

    def add_arguments(self, parser):
        parser.add_argument("--questions", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--experts", type=int, default=300)
        parser.add_argument("--askers", type=int, default=5_000)

    def handle(self, *args, questions, seed, experts, askers, **options):
        started = time.perf_counter()
        self.rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
        call_command("seed", verbosity=0)
        with transaction.atomic(), search.backend().bulk_load():
            leaves = self.categories()
            self.bodies()
            expert_users = self.experts(experts, leaves)
            asker_users = self.askers(askers)
            self.threads(questions, leaves, expert_users, asker_users)
            self.big_thread(leaves[0], expert_users, asker_users)
            self.best_ratings()
            self.progress("Indexes", 0, 1)
        self.progress("Scorecards", 0, 1)
        scorecard.refresh_all()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                # Fresh statistics, and the visibility map that index-only scans need.
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"\nDone in {time.perf_counter() - started:.0f} s.")

    # -- pieces -------------------------------------------------------------------------------

    def progress(self, label, done, total):
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stdout.write(
            f"\r{label:<12} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}"
        )
        sys.stdout.flush()

    def fill(self, template):
        rng = self.rng
        return template.format(
            noun=rng.choice(NOUNS),
            verb=rng.choice(VERBS),
            verb2=rng.choice(VERBS),
            when=rng.choice(WHEN),
            n=rng.randint(2, 12),
        )

    def bodies(self):
        """A pool of markdown bodies, rendered once each: rendering is the slow part."""
        rng = self.rng

        def make(parts, count):
            text = "\n\n".join(self.fill(rng.choice(parts)) for _ in range(count))
            return text, render_markdown(text)

        self.question_bodies = [make(SENTENCES, rng.randint(2, 8)) for _ in range(BODY_VARIANTS)]
        self.answer_bodies = [make(ADVICE, rng.randint(2, 9)) for _ in range(BODY_VARIANTS)]
        self.follow_up_bodies = [make(FOLLOW_UPS, 1) for _ in range(BODY_VARIANTS)]
        self.plain = {}

    def categories(self):
        leaves = []
        for position, (name, children) in enumerate(TOPICS.items(), start=10):
            parent = Category.objects.filter(name=name, parent=None).first()
            if parent is None:
                parent = Category(
                    name=name,
                    slug=name.lower().replace(" & ", "-").replace(" ", "-"),
                    position=position,
                )
                parent.save()
            for child_position, child in enumerate(children):
                category = Category.objects.filter(name=child, parent=parent).first()
                if category is None:
                    slug = child.lower().replace(" & ", "-").replace(" ", "-")
                    category = Category(
                        name=child, slug=slug, parent=parent, position=child_position
                    )
                    category.save()
                leaves.append(category)
        return leaves

    def experts(self, count, leaves):
        User = get_user_model()
        rng = self.rng
        users = User.objects.bulk_create(
            [
                User(
                    email=f"expert{n}@demo.example",
                    handle=f"demo-expert-{n}",
                    display_name=f"Expert {n}",
                    password=UNUSABLE,
                )
                for n in range(count)
            ],
            batch_size=1_000,
        )
        profiles = ExpertProfile.objects.bulk_create(
            [
                ExpertProfile(
                    user=user,
                    headline=f"Volunteer expert in {rng.choice(NOUNS)} problems",
                    expertise="I answer practical questions in my field.",
                    experience=f"{rng.randint(2, 30)} years of practice.",
                    status="approved",
                    approved_at=timezone.now(),
                )
                for user in users
            ],
        )
        through = ExpertProfile.categories.through
        links, credentials = [], []
        for profile in profiles:
            for category in rng.sample(leaves, 2):
                links.append(through(expertprofile_id=profile.pk, category_id=category.pk))
            for kind in rng.sample(["education", "certification", "organization", "award"], 2):
                credentials.append(
                    Credential(
                        profile=profile,
                        kind=kind,
                        title=f"{kind.title()} {rng.randint(1, 99)}",
                        year=rng.randint(1980, 2025),
                    )
                )
        through.objects.bulk_create(links, ignore_conflicts=True)
        Credential.objects.bulk_create(credentials)
        by_profile = {p.pk: u for p, u in zip(profiles, users, strict=True)}
        self.expert_categories = {}
        for link in links:
            self.expert_categories.setdefault(link.category_id, []).append(
                by_profile[link.expertprofile_id]
            )
        return users

    def askers(self, count):
        User = get_user_model()
        users = User.objects.bulk_create(
            [
                User(
                    email=f"asker{n}@demo.example",
                    handle=f"demo-asker-{n}",
                    display_name=f"Asker {n}",
                    password=UNUSABLE,
                )
                for n in range(count)
            ],
            batch_size=2_000,
        )
        # Verified addresses, as members who asked have: signed in (`make bench`), an
        # asker sees the follow-up and rating forms under the answers to their question.
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=2_000,
        )
        return users

    def threads(self, total, leaves, experts, askers):
        """The questions with their answers, follow-ups, ratings and search entries.

        Rows go straight into the tables (forum.management.loader); the search
        entries are made from the same rows in memory.
        """
        rng = self.rng
        now = timezone.now()
        tables = {model: Loader(model) for model in (Question, Answer, FollowUp, Rating)}
        entries = Loader(SearchEntry)
        for n in range(total):
            category = rng.choice(leaves)
            candidates = self.expert_categories.get(category.pk) or experts
            answer_count = rng.choice([0, 1, 1, 1, 2, 2, 3, 4, 5])
            private = rng.random() < 0.05
            expert = rng.choice(candidates) if private or rng.random() < 0.4 else None
            body, html = rng.choice(self.question_bodies)
            asked = now - timedelta(minutes=rng.randint(60, 60 * 24 * 900))
            asker = rng.choice(askers)
            question = tables[Question].row(
                category_id=category.pk,
                asker_id=asker.pk,
                expert_id=expert.pk if expert else None,
                title=self.fill(f"My {{noun}} {{verb}} {{when}} (#{n})")[:200],
                slug=f"demo-question-{n}",
                body=body,
                body_html=html,
                visibility="private" if private else "public",
                status="answered" if answer_count else "addressed" if expert else "open",
                addressed_at=asked,
                answer_count=answer_count,
                answered_at=asked + timedelta(hours=3) if answer_count else None,
                is_hidden=rng.random() < 0.01,
                created_at=asked,
                last_activity_at=asked,
            )
            authors = ([expert] if expert else []) + rng.sample(
                candidates, min(len(candidates), answer_count)
            )
            answers, follow_ups = [], []
            for k, author in enumerate(dict.fromkeys(authors[:answer_count])):
                body, html = rng.choice(self.answer_bodies)
                answer = tables[Answer].row(
                    question_id=question.pk,
                    author_id=author.pk,
                    body=body,
                    body_html=html,
                    created_at=asked + timedelta(hours=3 + k * 5),
                    is_hidden=rng.random() < 0.01,
                    is_featured=rng.random() < 0.005,
                )
                answers.append(answer)
                for turn in range(rng.choice([0, 0, 1, 2, 3, 4])):
                    body, html = rng.choice(self.follow_up_bodies)
                    follow_ups.append(
                        tables[FollowUp].row(
                            answer_id=answer.pk,
                            author_id=asker.pk if turn % 2 == 0 else author.pk,
                            body=body,
                            body_html=html,
                            created_at=answer.created_at + timedelta(hours=turn + 1),
                        )
                    )
                if rng.random() < 0.4:
                    tables[Rating].add(
                        answer_id=answer.pk,
                        expert_id=author.pk,
                        rater_id=asker.pk,
                        knowledgeability=rng.randint(5, 10),
                        clarity=rng.randint(4, 10),
                        politeness=rng.randint(6, 10),
                        thank_you_note=rng.choice(["", "", "Thank you!", "Very helpful."]),
                    )
            for values in documents.entry_values(
                question, answers, follow_ups, text=self.plain_text
            ):
                entries.add(**values)
            if n % 2_000 == 0:
                self.progress("Threads", n, total)
        for loader in (*tables.values(), entries):
            loader.flush()
        self.progress("Threads", total, total)
        self.stdout.write("")

    def best_ratings(self):
        """What the post-write hook stores for the archive's "Best rated" order, in one UPDATE."""
        best = (
            Answer.objects.filter(question=OuterRef("pk"), is_hidden=False)
            .values("question")
            .annotate(best=Max(RATING_MEAN))
            .values("best")
        )
        Question.objects.filter(answers__rating__isnull=False).update(
            best_rating=Coalesce(Round(Subquery(best), 2), 0.0)
        )

    def big_thread(self, category, experts, askers, answers=50, follow_ups=200):
        """One public thread with many answers and follow-ups: the heavy page to measure."""
        rng = self.rng
        now = timezone.now() - timedelta(days=1)
        body, html = rng.choice(self.question_bodies)
        question = Question.objects.create(
            category=category, asker=askers[0], title="A question with many answers",
            slug="a-question-with-many-answers", body=body, status="answered",
            answer_count=min(answers, len(experts)), answered_at=now, created_at=now,
        )  # fmt: skip
        rows = []
        for k, author in enumerate(experts[:answers]):
            body, html = rng.choice(self.answer_bodies)
            rows.append(Answer(question=question, author=author, body=body, body_html=html,
                               created_at=now + timedelta(minutes=k)))  # fmt: skip
        rows = Answer.objects.bulk_create(rows)
        extra = []
        for k in range(follow_ups):
            answer = rows[k % len(rows)]
            body, html = rng.choice(self.follow_up_bodies)
            author_id = question.asker_id if k % 2 == 0 else answer.author_id
            extra.append(FollowUp(answer=answer, author_id=author_id, body=body, body_html=html,
                                  created_at=answer.created_at + timedelta(hours=k)))  # fmt: skip
        FollowUp.objects.bulk_create(extra)
        search.index_thread(question.pk)

    def plain_text(self, body_html):
        # Bodies come from a small pool: convert each once.
        if body_html not in self.plain:
            self.plain[body_html] = documents.plain_text(body_html)
        return self.plain[body_html]
