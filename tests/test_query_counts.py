"""Every page makes the same number of queries with 10 rows as with 1,000.

Each test renders a page, grows what the page lists from 10 rows to 1,000 (a
thread from 10 answers to 50 with 200 follow-ups), and renders it again. The
pinned numbers are for an uncached render (the page cache is off in tests):
what a signed-in member's request costs.
"""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from experts import scorecard
from forum.models import Answer, Flag, FollowUp, Question
from tests import bulk
from tests.factories import (
    CategoryFactory,
    CredentialFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 1_000


def queries(client, url, **params):
    # Nothing cached (counts, charts, fragments): the full cost of the page. The
    # signed-in session stays in the cache, as it does between requests.
    cache.clear()
    if settings.SESSION_COOKIE_NAME in client.cookies:
        client.session.load()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == HTTPStatus.OK
    return len(captured)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def massage():
    # Guidance that Massage inherits: shown on every thread, list and feed at no query more.
    health = CategoryFactory(name="Health", slug="health", guidance="Not medical advice.")
    return CategoryFactory(name="Massage", slug="massage", parent=health)


@pytest.fixture
def expert(massage):
    profile = ExpertProfileFactory(categories=[massage])
    CredentialFactory(profile=profile, verified_at=timezone.now())
    return profile.user


@pytest.fixture
def asker():
    return UserFactory()


def grow(count, massage, asker, **kwargs):
    return bulk.threads(count, massage, asker=asker, **kwargs)


@pytest.mark.parametrize(
    ("page", "url", "params", "expected"),
    [
        ("home", "/", {}, 4),
        ("categories", "/categories/", {}, 2),
        ("category", "/c/health/", {}, 9),
        ("All Answers", "/answers/", {}, 5),
        ("search", "/search/", {"q": "knee"}, 6),
    ],
)
def test_public_pages(massage, expert, asker, page, url, params, expected):
    visitor = Client()
    grow(SMALL, massage, asker, expert=expert)
    Answer.objects.update(is_featured=True, featured_at=timezone.now())
    small = queries(visitor, url, **params)
    grow(LARGE - SMALL, massage, asker, expert=expert, title="Another knee")
    Answer.objects.update(is_featured=True, featured_at=timezone.now())

    assert (small, queries(visitor, url, **params)) == (expected, expected), page


@pytest.mark.parametrize(
    ("url", "expected"), [("/c/health/massage/", 9), ("/answers/", 5)], ids=["category", "all"]
)
def test_deep_archive_pages(massage, expert, asker, url, expected):
    """Page 2 of 25 questions, then page 45 of 1,000: the same queries, none of them a count."""
    visitor = Client()
    grow(25, massage, asker, expert=expert)
    small = queries(visitor, url, page=2)
    grow(LARGE - 25, massage, asker, expert=expert, title="Another knee")

    assert (small, queries(visitor, url, page=45)) == (expected, expected)
    assert visitor.get(url, {"page": 45}).context["page_obj"].number == 45


def test_expert_profile(massage, expert, asker):
    url = expert.expert_profile.get_absolute_url()
    grow(SMALL, massage, asker, expert=expert)
    small = queries(Client(), url)
    grow(LARGE - SMALL, massage, asker, expert=expert, title="Another knee")
    for _ in range(5):
        CredentialFactory(profile=expert.expert_profile, verified_at=timezone.now())

    assert (small, queries(Client(), url)) == (9, 9)


@pytest.mark.parametrize(("tab", "expected"), [("addressed", 6), ("open", 6)])
def test_expert_inbox(massage, expert, asker, tab, expected):
    client = signed_in(expert)
    url = reverse("forum:inbox")
    grow(SMALL, massage, asker, expert_id=expert.pk)
    grow(SMALL, massage, asker, title="Open knee")
    small = queries(client, url, tab=tab)
    grow(LARGE, massage, asker, expert_id=expert.pk, title="More knee")
    grow(LARGE, massage, asker, title="More open knee")

    assert (small, queries(client, url, tab=tab)) == (expected, expected)


def test_expert_inbox_of_follow_ups_to_reply_to(massage, expert, asker):
    client = signed_in(expert)
    url = reverse("forum:inbox")

    def owe_replies(count):
        ids = grow(count, massage, asker, expert=expert)
        FollowUp.objects.bulk_create(
            FollowUp(answer=answer, author=asker, body="And then?", body_html="<p>And then?</p>")
            for answer in Answer.objects.filter(question_id__in=ids)
        )

    owe_replies(SMALL)
    small = queries(client, url, tab="replies")
    owe_replies(LARGE - SMALL)

    assert client.get(url, {"tab": "replies"}).context["counts"]["replies"] == LARGE
    assert (small, queries(client, url, tab="replies")) == (6, 6)


def test_my_questions(massage, expert, asker):
    client = signed_in(asker)
    url = reverse("forum:my_questions")
    grow(SMALL, massage, asker, expert=expert)
    small = queries(client, url)
    grow(LARGE - SMALL, massage, asker, expert_id=expert.pk, title="Another knee")

    assert (small, queries(client, url)) == (3, 3)


def test_notifications(asker):
    client = signed_in(asker)
    url = reverse("accounts:notifications")

    def notify(count):
        Notification.objects.bulk_create(
            Notification(recipient=asker, kind="answer", title=f"Answer {n}", url="/")
            for n in range(count)
        )

    notify(SMALL)
    small = queries(client, url)
    notify(LARGE - SMALL)

    assert (small, queries(client, url)) == (3, 3)


def test_moderation_queue(massage, expert, asker):
    client = signed_in(ModeratorFactory())
    url = reverse("moderation:queue")
    flaggers = [UserFactory() for _ in range(3)]

    def flag(question_ids):
        Flag.objects.bulk_create(
            Flag(question_id=pk, flagger=flagger, reason="spam")
            for pk in question_ids
            for flagger in flaggers
        )

    flag(grow(SMALL, massage, asker, expert=expert))
    small = queries(client, url)
    flag(grow(LARGE - SMALL, massage, asker, expert=expert, title="Flagged knee"))

    assert (small, queries(client, url)) == (15, 15)


class TestThread:
    """A thread from 10 answers with 40 follow-ups to 50 answers with 200 follow-ups."""

    @pytest.fixture
    def thread(self, massage, asker):
        return QuestionFactory(category=massage, asker=asker, title="Which stretch?")

    def grow_to(self, thread, answers):
        now = timezone.now()
        for n in range(answers - thread.answers.count()):
            expert = ExpertProfileFactory(categories=[thread.category])
            CredentialFactory(profile=expert, verified_at=now)
            answer = Answer.objects.create(
                question=thread, author=expert.user, body=f"Stretch number {n}."
            )
            FollowUp.objects.bulk_create(
                FollowUp(
                    answer=answer,
                    author_id=thread.asker_id if turn % 2 == 0 else answer.author_id,
                    body=f"Follow-up {turn}.",
                    body_html=f"<p>Follow-up {turn}.</p>",
                    created_at=now + timedelta(minutes=turn),
                )
                for turn in range(4)
            )
        # Written around the actions for speed: the state they would have left.
        Question.objects.filter(pk=thread.pk).update(status="answered")

    @pytest.mark.parametrize(
        ("viewer", "expected"),
        # A signed-in reader's notifications about the thread are marked read: one UPDATE
        # (in tests, with the action's savepoint around it: three queries).
        [("visitor", 7), ("member", 9), ("asker", 9), ("moderator", 12)],
    )
    def test_queries_do_not_grow(self, thread, asker, viewer, expected):
        client = {
            "visitor": Client,
            "member": lambda: signed_in(UserFactory()),
            "asker": lambda: signed_in(asker),
            "moderator": lambda: signed_in(ModeratorFactory()),
        }[viewer]()
        url = thread.get_absolute_url()
        self.grow_to(thread, 10)
        small = queries(client, url)
        self.grow_to(thread, 50)

        assert FollowUp.objects.filter(answer__question=thread).count() == 200
        assert (small, queries(client, url)) == (expected, expected)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"order": "rated"}, 5),
        ({"order": "answered", "category": "health"}, 5),
        ({"order": "rated", "category": "health/massage", "featured": "on"}, 6),
        ({"expert": "EXPERT", "order": "answered", "page": 2}, 6),
    ],
    ids=["rated", "answered-in-category", "featured-in-category", "by-expert-page-2"],
)
def test_all_answers_sorted_and_filtered(massage, expert, asker, params, expected):
    """Each order and filter of All Answers: the same queries for 25 rows as for 1,000.

    A filter by expert or editor's pick adds one COUNT; nothing grows with the rows.
    """
    visitor = Client()
    params = {k: expert.handle if v == "EXPERT" else v for k, v in params.items()}
    grow(25, massage, asker, expert=expert)
    Answer.objects.update(is_featured=True, featured_at=timezone.now())
    # Written around the actions: the scorecard the hook would have refreshed.
    scorecard.refresh(expert.pk)
    small = queries(visitor, "/answers/", **params)
    grow(LARGE - 25, massage, asker, expert=expert, title="Another knee")
    Answer.objects.update(is_featured=True, featured_at=timezone.now())
    scorecard.refresh(expert.pk)

    assert (small, queries(visitor, "/answers/", **params)) == (expected, expected)
    assert len(visitor.get("/answers/", params).context["page_obj"]) == 20


@pytest.mark.parametrize(
    "params",
    [{}, {"category": "health"}, {"category": "health/massage", "page": 2}],
    ids=["all", "category", "page-2"],
)
def test_unanswered(massage, expert, asker, params):
    """The Unanswered list: 25 waiting questions, then 1,000, among as many answered ones."""
    visitor = Client()
    grow(25, massage, asker, title="Waiting knee")
    grow(25, massage, asker, expert=expert)
    small = queries(visitor, "/unanswered/", **params)
    grow(LARGE - 25, massage, asker, title="Another waiting knee")
    grow(LARGE - 25, massage, asker, expert=expert, title="Answered knee")

    assert (small, queries(visitor, "/unanswered/", **params)) == (4, 4)
    assert visitor.get("/unanswered/", params).context["page_obj"].paginator.count == LARGE
