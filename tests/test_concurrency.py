"""Concurrent writes through the whole stack: requests at the same moment stay correct.

Every thread write locks its question row first (forum.actions.hooks.lock_question), so
writes on one thread run one after the other; asks addressed to one expert lock that
expert's profile, so the daily limit holds. These tests send real requests at once, each
from its own thread with its own test client and database connection, and check that
nothing fails (a deadlock or a constraint error would be a 500), that the derived data
(search index, answer counts) ends up right, and that nothing is done twice.

They need PostgreSQL: SQLite has no row locks (its write transactions take the whole
database), so real concurrency is only exercised there.
"""

import re
import sys
import threading
import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core import mail
from django.core.signals import got_request_exception
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import Notification, NotificationKind
from experts.models import Rating
from forum.models import Answer, AnswerRevision, FollowUp, Question, SearchEntry
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="Concurrency tests need PostgreSQL row locks and real concurrent connections "
        "(set DATABASE_URL); CI runs the suite on PostgreSQL too.",
    ),
    # Committed data: the requests' own connections must see what the test set up.
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 20
# A made-up word that only the hidden answers contain.
SECRET_WORD = "zyzzogeton"
# Generous: only there so a hung request fails the test instead of hanging the run.
HANG_GUARD_SECONDS = 300


# -- Running requests at once -----------------------------------------------------------------


@dataclass
class Outcome:
    """What one concurrent request ended with: its response, and the exception behind a 500."""

    response: HttpResponse | None = None
    error: BaseException | None = None

    @property
    def status(self):
        return None if self.response is None else self.response.status_code

    def __repr__(self):
        if self.error is not None:
            first_line = str(self.error).split("\n", 1)[0]
            return f"<{self.status or 'error'} {type(self.error).__name__}: {first_line}>"
        return f"<{self.status}>"


def run_together(calls: list[Callable[[], HttpResponse]]) -> list[Outcome]:
    """Run each call in its own thread, all released at once; their outcomes in order.

    The exception behind a 500 is kept as that request's error, never lost in its
    thread. It is caught by thread here rather than re-raised by the test client: the
    client listens to a process-wide signal, so it would re-raise another thread's
    exception in every request running at that moment. Each thread closes its own
    database connection, so the test database can be dropped.
    """
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]
    by_thread = {}

    def record(sender, **kwargs):
        outcome = by_thread.get(threading.get_ident())
        if outcome is not None and outcome.error is None:
            outcome.error = sys.exc_info()[1]

    def run(outcome, call):
        by_thread[threading.get_ident()] = outcome
        try:
            barrier.wait()
            outcome.response = call()
        except BaseException as error:  # Every failure is reported by the test.
            outcome.error = outcome.error or error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(outcome, call), daemon=True)
        for outcome, call in zip(outcomes, calls, strict=True)
    ]
    got_request_exception.connect(record, dispatch_uid="run_together")
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(HANG_GUARD_SECONDS)
    finally:
        got_request_exception.disconnect(dispatch_uid="run_together")
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return outcomes


def errors_of(outcomes) -> str:
    """Each kind of exception raised, how often, and one traceback, for an assertion message."""
    found = {}
    for outcome in outcomes:
        if outcome.error is not None:
            key = (type(outcome.error).__name__, str(outcome.error))
            count, text = found.get(key, (0, "".join(traceback.format_exception(outcome.error))))
            found[key] = (count + 1, text)
    return "\n".join(f"{count} request(s) raised:\n{text}" for count, text in found.values())


def assert_no_errors(outcomes, label=""):
    """No request failed: no exception, no server error (a deadlock would be a 500)."""
    failed = [o for o in outcomes if o.error is not None or o.status >= 500]
    assert not failed, f"{label}{outcomes}\n{errors_of(outcomes)}"


def signed_in(user) -> Client:
    """A client of its own for `user`, signed in from the main thread.

    A server error comes back as a 500 response; run_together keeps its exception.
    """
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def post(client, url, data):
    """A call that posts `data` to `url` with `client`, for run_together."""
    return lambda: client.post(url, data)


def error_messages(html) -> list[str]:
    """The texts of the form errors shown on a page."""
    lists = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    return [re.sub(r"<[^>]+>", " ", errors) for errors in lists]


# -- A moderator's hide racing posts on the same thread ---------------------------------------


def visitor_finds_secret(question) -> bool:
    """Whether a visitor's search for the secret word shows a hit."""
    response = Client().get(reverse("forum:search"), {"q": SECRET_WORD})
    assert response.status_code == HTTPStatus.OK
    html = response.text
    return f"<mark>{SECRET_WORD}</mark>" in html or question.title in html


def follow_up(client, answer, text):
    """A call that posts a follow-up under `answer`, with a submission key of its own."""
    url = reverse("forum:follow_up", args=[answer.pk])
    return post(client, url, {"body": text, "submission_key": str(uuid.uuid4())})


def check_thread_after_race(question, hidden):
    """The thread's derived data once the racing writes are done."""
    assert not visitor_finds_secret(question), "a visitor still finds the hidden answer"
    entries = SearchEntry.objects.filter(kind=SearchEntry.Kind.ANSWER, post_id=hidden.pk)
    assert entries.count() == 1
    assert not entries.filter(is_public=True).exists(), "the hidden answer's entry is public"

    answers = Answer.objects.filter(question=question)
    expected = Counter(
        [
            (SearchEntry.Kind.QUESTION, question.pk),
            *((SearchEntry.Kind.ANSWER, pk) for pk in answers.values_list("pk", flat=True)),
            *(
                (SearchEntry.Kind.FOLLOW_UP, pk)
                for pk in FollowUp.objects.filter(answer__question=question).values_list(
                    "pk", flat=True
                )
            ),
        ]
    )
    indexed = Counter(
        SearchEntry.objects.filter(question_id=question.pk).values_list("kind", "post_id")
    )
    assert indexed == expected, "not exactly one search entry per post of the thread"

    question.refresh_from_db()
    assert question.answer_count == answers.filter(is_hidden=False).count() == 2


def test_a_moderators_hide_racing_follow_ups_and_a_new_answer_keeps_the_thread_consistent():
    """A hide committed between other writes on the thread is never undone by them.

    Each round, on a fresh open question: a moderator hides expert A's answer while
    the asker and expert B exchange three follow-ups under B's answer and expert C
    answers. Every request succeeds (a deadlock would be a 500), visitors no longer
    find the hidden text, the index holds exactly one entry per post and the answer
    count matches the visible answers.
    """
    category = CategoryFactory()
    expert_a, expert_b, expert_c = (
        ExpertProfileFactory(categories=[category]).user for _ in range(3)
    )
    asker = UserFactory()
    moderator, asker_client, b_client, c_client = (
        signed_in(user) for user in (ModeratorFactory(), asker, expert_b, expert_c)
    )

    for round_ in range(ROUNDS):
        label = f"round {round_}: "
        question = QuestionFactory(category=category, asker=asker, expert=None)
        hidden = AnswerFactory(
            question=question, author=expert_a, body=f"Try {SECRET_WORD} oil, twice a day."
        )
        conversation = AnswerFactory(question=question, author=expert_b, body="Rest it.")
        assert visitor_finds_secret(question), label + "the index missed the answer at first"

        outcomes = run_together(
            [
                post(
                    moderator,
                    reverse("moderation:hide", args=["answer", hidden.pk]),
                    {"reason": "Unsafe advice."},
                ),
                follow_up(asker_client, conversation, "How long should I rest it?"),
                follow_up(b_client, conversation, "Two weeks at least."),
                follow_up(asker_client, conversation, "Thank you, I will."),
                post(
                    c_client,
                    reverse("forum:answer_question", args=[question.pk]),
                    {"body": "Ice it after each walk."},
                ),
            ]
        )

        assert_no_errors(outcomes, label)
        assert [o.status for o in outcomes] == [HTTPStatus.FOUND] * 5, label + repr(outcomes)
        hidden.refresh_from_db()
        assert hidden.is_hidden, label
        assert FollowUp.objects.filter(answer=conversation).count() == 3, label
        assert Answer.objects.filter(question=question, author=expert_c).exists(), label
        check_thread_after_race(question, hidden)


# -- Editors of one answer at once -------------------------------------------------------------


def test_concurrent_edits_from_one_version_save_once_and_show_the_others_a_conflict():
    """Eight edits of one answer, all based on the same version: exactly one is saved.

    The others get the conflict page (409) that keeps their own text, and the text the
    saved edit replaced is kept as a revision: nothing typed is lost silently.
    """
    answer = AnswerFactory(body="The original answer text.")
    original, base_version = answer.body, answer.version
    texts = [f"Edited text number {n} from its own browser tab." for n in range(8)]
    url = reverse("forum:edit_answer", args=[answer.pk])

    outcomes = run_together(
        [
            post(signed_in(answer.author), url, {"body": text, "base_version": base_version})
            for text in texts
        ]
    )

    assert_no_errors(outcomes)
    statuses = [o.status for o in outcomes]
    assert set(statuses) <= {HTTPStatus.FOUND, HTTPStatus.CONFLICT}, outcomes
    assert statuses.count(HTTPStatus.FOUND) == 1, outcomes
    for text, outcome in zip(texts, outcomes, strict=True):
        if outcome.status == HTTPStatus.CONFLICT:
            assert text in outcome.response.text, "the conflict page lost the editor's text"

    answer.refresh_from_db()
    saved = [text for text, o in zip(texts, outcomes, strict=True) if o.status == HTTPStatus.FOUND]
    revisions = list(AnswerRevision.objects.filter(answer=answer).values_list("body", flat=True))
    assert len(revisions) == len(saved)
    assert original in revisions
    for text in saved:
        assert text == answer.body or text in revisions
    assert answer.version == base_version + len(saved)


# -- Asking one expert with one slot left -----------------------------------------------------


def test_concurrent_asks_never_exceed_the_experts_daily_limit():
    """Ten members ask one expert with one question left today: one question is made.

    The other nine get the form back with their text and a message about the daily limit
    ("... has reached today's limit of questions").
    """
    category = CategoryFactory()
    profile = ExpertProfileFactory(categories=[category], daily_question_limit=3)
    for _ in range(profile.daily_question_limit - 1):
        QuestionFactory(category=category, expert=profile.user)
    members = [UserFactory() for _ in range(10)]
    url = reverse("forum:ask")

    outcomes = run_together(
        [
            post(
                signed_in(member),
                url,
                {
                    "category": category.pk,
                    "expert": profile.pk,
                    "title": f"Question number {n} about my sore knee",
                    "body": "It hurts when I climb the stairs.",
                    "visibility": "public",
                    "submission_key": str(uuid.uuid4()),
                },
            )
            for n, member in enumerate(members)
        ]
    )

    assert_no_errors(outcomes)
    assert Question.objects.filter(asker__in=members).count() == 1
    assert Question.objects.filter(expert=profile.user).count() == profile.daily_question_limit
    statuses = [o.status for o in outcomes]
    assert statuses.count(HTTPStatus.FOUND) == 1, outcomes
    assert statuses.count(HTTPStatus.OK) == 9, outcomes
    for n, outcome in enumerate(outcomes):
        if outcome.status == HTTPStatus.OK:
            assert f"Question number {n} about my sore knee" in outcome.response.text
            errors = error_messages(outcome.response.text)
            assert any("limit of questions" in error for error in errors), errors


# -- One rating, however many times it is sent -------------------------------------------------


def test_twenty_identical_ratings_at_once_make_one_rating_one_notification_one_email():
    """A rating sent twenty times at once (a stuck button) is one rating, told once."""
    answer = AnswerFactory()
    expert = answer.author
    asker = answer.question.asker
    url = reverse("forum:rate", args=[answer.pk])
    data = {"knowledgeability": 8, "clarity": 9, "politeness": 10, "thank_you_note": "Thanks"}
    mail.outbox.clear()

    outcomes = run_together([post(signed_in(asker), url, data) for _ in range(20)])

    assert_no_errors(outcomes)
    assert [o.status for o in outcomes] == [HTTPStatus.FOUND] * 20, outcomes
    assert Rating.objects.filter(answer=answer).count() == 1
    assert Notification.objects.filter(recipient=expert, kind=NotificationKind.RATING).count() == 1
    to_expert = [message for message in mail.outbox if message.to == [expert.email]]
    assert len(to_expert) == 1, [message.subject for message in mail.outbox]
    assert "rated your answer" in to_expert[0].subject


# -- Whole pages kept for signed-in readers while the thread is written to ----------------------


def test_pages_kept_while_follow_ups_are_posted_never_hide_one(settings):
    """A page kept while a write commits is never served after it (forum.thread_pages)."""
    settings.PAGE_CACHE_SECONDS = 300
    answer = AnswerFactory()
    question = answer.question
    url = question.get_absolute_url()
    readers = [signed_in(UserFactory()) for _ in range(3)] + [signed_in(question.asker)]
    posted = []
    for round_ in range(5):
        texts = [f"Round {round_}: the asker asks", f"Round {round_}: the expert replies"]
        calls = [
            follow_up(signed_in(question.asker), answer, texts[0]),
            follow_up(signed_in(answer.author), answer, texts[1]),
            *(lambda client=client: client.get(url) for client in readers),
        ]
        outcomes = run_together(calls)
        assert_no_errors(outcomes, f"round {round_}: ")
        posted += texts
        for client in [*readers, signed_in(UserFactory())]:
            page = client.get(url).text
            missing = [text for text in posted if text not in page]
            assert not missing, f"round {round_}: a kept page hides {missing}"
