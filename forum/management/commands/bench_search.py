"""Measure search speed on a large archive: `make bench-search` (PostgreSQL).

Builds, once, a synthetic archive of --questions questions with three answers
each (text drawn from a Zipf-like vocabulary, so some words are very common
and others rare) straight into the tables and the search index, then times
the search a visitor makes for a rare and for a very common word. Not part of
the test suite: it takes minutes and a database of its own.
"""

import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from forum import search
from forum.models import Answer, Category, Question, SearchEntry

COMMON_WORDS = ["pain", "knee", "running", "doctor", "muscle", "week", "help", "water", "garden"]
FILLER = [
    "the",
    "a",
    "and",
    "of",
    "to",
    "in",
    "is",
    "it",
    "that",
    "for",
    "on",
    "with",
    "as",
    "was",
    "at",
    "by",
    "this",
    "be",
    "have",
    "from",
    "or",
    "had",
    "but",
    "not",
    "are",
    "my",
    "your",
    "when",
    "what",
    "which",
    "can",
    "will",
    "would",
    "should",
    "could",
    "about",
    "after",
]


def vocabulary(size, rng):
    """Made-up words (rare ones among them), then the common ones most often."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(5, 9))) for _ in range(size)}
    return sorted(words)


class Command(BaseCommand):
    help = "Time searches on a synthetic archive (builds it first if the database is empty)."

    def add_arguments(self, parser):
        parser.add_argument("--questions", type=int, default=100_000)
        parser.add_argument("--answers-per-question", type=int, default=3)
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, questions, answers_per_question, repeat, seed, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The search benchmark runs on PostgreSQL (set DATABASE_URL).")
        rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
        words = vocabulary(20_000, rng)
        if Question.objects.count() < questions:
            self.build(questions, answers_per_question, words, rng)
        rare = self.plant_rare_word(rng)
        self.stdout.write(
            f"Archive: {Question.objects.count():,} questions, {Answer.objects.count():,} "
            f"answers, {SearchEntry.objects.count():,} index entries."
        )
        visitor = AnonymousUser()
        for label, term in (("rare word", rare), ("very common word", "pain")):
            timings = []
            for _ in range(repeat):
                start = time.perf_counter()
                results = search.search(visitor, term)
                search.load_hits(visitor, term, results.hits[:20])
                timings.append((time.perf_counter() - start) * 1000)
            timings.sort()
            p99 = timings[min(len(timings) - 1, round(len(timings) * 0.99))]
            self.stdout.write(
                f"{label} ({term!r}): {len(results.hits):,}{'+' if results.capped else ''} "
                f"threads; p50 {statistics.median(timings):.1f} ms, p99 {p99:.1f} ms"
            )

    def plant_rare_word(self, rng, word="quixotically", copies=12):
        """A word found in only a dozen answers: the rare-word case."""
        if not SearchEntry.objects.filter(text__endswith=f" {word}").exists():
            ids = list(SearchEntry.objects.filter(kind="a").values_list("id", flat=True)[:50_000])
            chosen = rng.sample(ids, copies)
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE forum_searchentry SET text = text || %s, "
                    "vector = vector || setweight(to_tsvector('english', %s), 'C') "
                    "WHERE id = ANY(%s)",
                    [f" {word}", word, chosen],
                )
        return word

    def text(self, words, rng, length):
        chosen = []
        for _ in range(length):
            roll = rng.random()
            if roll < 0.45:
                chosen.append(rng.choice(FILLER))
            elif roll < 0.55:
                chosen.append(rng.choice(COMMON_WORDS))
            else:
                # Zipf-like: low indexes far more often than high ones.
                chosen.append(words[min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)]
                              if rng.random() < 0.5 else rng.choice(words))  # fmt: skip
        return " ".join(chosen)

    def build(self, total, per_question, words, rng):
        self.stdout.write(f"Building {total:,} questions with {per_question} answers each…")
        User = get_user_model()
        started = time.perf_counter()
        with transaction.atomic():
            categories = list(Category.objects.all()) or [
                Category.objects.create(name="General", slug="general")
            ]
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"bench{n}@example.com",
                        handle=f"bench-{n}",
                        display_name=f"Bench {n}",
                        password="!",  # noqa: S106 - an unusable password
                    )
                    for n in range(2_000)
                ],
                batch_size=1_000,
            )
            now = timezone.now()
            batch = 5_000
            for offset in range(0, total, batch):
                rows = []
                for n in range(offset, min(offset + batch, total)):
                    body = self.text(words, rng, rng.randint(30, 120))
                    title = self.text(words, rng, rng.randint(4, 9))[:200]
                    rows.append(
                        Question(
                            category=rng.choice(categories),
                            asker=rng.choice(users),
                            title=title,
                            slug=f"bench-{n}",
                            body=body,
                            body_html=f"<p>{body}</p>",
                            status="answered",
                            answer_count=per_question,
                            answered_at=now,
                            created_at=now,
                            last_activity_at=now,
                        )
                    )
                created = Question.objects.bulk_create(rows)
                answers = []
                for question in created:
                    for k in range(per_question):
                        body = self.text(words, rng, rng.randint(40, 160))
                        answers.append(
                            Answer(
                                question=question,
                                author=users[(question.pk + k) % len(users)],
                                body=body,
                                body_html=f"<p>{body}</p>",
                                created_at=now,
                            )
                        )
                Answer.objects.bulk_create(answers, batch_size=5_000)
                self.stdout.write(f"  {offset + len(rows):,} questions")
            self.index_in_bulk()
        self.stdout.write(f"Built in {time.perf_counter() - started:.0f} s.")

    def index_in_bulk(self):
        """The search index for the whole archive, in four SQL statements."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO forum_searchentry (question_id, kind, post_id, author_id,
                    category_id, title, text, is_public, is_hidden,
                    answered, featured, created_at, vector)
                SELECT q.id, 'q', q.id, q.asker_id, q.category_id, q.title, q.body,
                    q.visibility = 'public' AND NOT q.is_hidden, q.is_hidden,
                    q.answer_count > 0, false, q.created_at,
                    setweight(to_tsvector('english', q.title), 'A')
                    || setweight(to_tsvector('english', q.body), 'B')
                FROM forum_question q
                WHERE NOT EXISTS (SELECT 1 FROM forum_searchentry e WHERE e.question_id = q.id)
                """
            )
            cursor.execute(
                """
                INSERT INTO forum_searchentry (question_id, kind, post_id, author_id,
                    category_id, title, text, is_public, is_hidden,
                    answered, featured, created_at, vector)
                SELECT q.id, 'a', a.id, a.author_id, q.category_id, '', a.body,
                    q.visibility = 'public' AND NOT q.is_hidden AND NOT a.is_hidden,
                    q.is_hidden OR a.is_hidden, true, false, a.created_at,
                    setweight(to_tsvector('english', a.body), 'C')
                FROM forum_answer a JOIN forum_question q ON q.id = a.question_id
                WHERE NOT EXISTS (SELECT 1 FROM forum_searchentry e
                                  WHERE e.kind = 'a' AND e.post_id = a.id)
                """
            )
            cursor.execute("ANALYZE forum_searchentry")
            cursor.execute("ANALYZE forum_question")
