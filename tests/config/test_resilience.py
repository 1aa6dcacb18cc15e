"""The site survives its dependencies failing: the cache, the database, the worker, the mailer.

- With Redis unreachable the cache serves as an empty one: pages render, sessions
  come from the database, writes work, sign-in waits (503), the outage is logged
  once and Redis is tried again by itself.
- /healthz/ reports each dependency and answers 503 only when the database is down.
- Cached pages answer only the hosts in ALLOWED_HOSTS.
- Each notification is e-mailed once, with one Message-ID for every try, and a
  crashed sender's e-mail and a dead worker's task are taken again after a timeout.
"""

import json
import logging
import os
import uuid
from datetime import timedelta
from http import HTTPStatus
from unittest import mock

import pytest
import redis as redis_py
from django.core import mail
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from accounts.notifications import NotificationKind, notify
from accounts.tasks import (
    pending_notifications,
    requeue_abandoned_tasks,
    send_notification_email,
)
from config.cache import RedisCache, RedisCacheClient
from tests.factories import AnswerFactory, CategoryFactory, ExpertProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

UNREACHABLE = {
    "default": {
        "BACKEND": "config.cache.RedisCache",
        # Nothing listens on port 1: connections are refused at once.
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
    }
}
# CI runs the suite twice at once: each run names its own Redis database.
LIVE_REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(autouse=True)
def _fresh_outage():
    RedisCache.outage.down_until = 0.0
    RedisCache.outage.since = None
    yield
    RedisCache.outage.down_until = 0.0
    RedisCache.outage.since = None


@pytest.fixture
def redis_down(settings):
    settings.CACHES = UNREACHABLE
    settings.PAGE_CACHE_SECONDS = 300
    yield caches["default"]


class TestRedisDown:
    def test_pages_render_without_the_cache_and_the_outage_is_logged_once(self, redis_down, caplog):
        answer = AnswerFactory(question__title="Knee pain after running")
        visitor = Client()

        with caplog.at_level(logging.ERROR, logger="config.cache"):
            pages = [
                visitor.get("/"),
                visitor.get(answer.question.get_absolute_url()),
                visitor.get(answer.question.get_absolute_url()),
                visitor.get(reverse("forum:answers")),
            ]

        assert [page.status_code for page in pages] == [HTTPStatus.OK] * 4
        assert "Knee pain after running" in pages[1].text
        outages = [r for r in caplog.records if "unreachable" in r.getMessage()]
        assert len(outages) == 1

    def test_members_stay_signed_in_and_can_post(self, redis_down):
        massage = CategoryFactory()
        ExpertProfileFactory(categories=[massage])
        member = UserFactory()
        client = Client()
        client.force_login(member)  # the session is written to the database

        response = client.post(
            reverse("forum:ask"),
            {
                "category": massage.pk,
                "title": "Sore calves after a long walk",
                "body": "Both legs.",
                "visibility": "public",
                "submission_key": str(uuid.uuid4()),
            },
        )

        assert response.status_code == HTTPStatus.FOUND  # the rate limit fails open
        page = client.get(response.url)
        assert "Sore calves after a long walk" in page.text
        assert member.display_name in page.text  # still signed in

    def test_signing_in_waits_while_the_cache_is_down(self, redis_down):
        # A first call finds Redis unreachable; from then on the outage is known.
        assert cache.get("anything") is None

        response = Client().post(
            reverse("account_login"), {"login": "someone@example.com", "password": "x"}
        )

        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert "Signing in is paused for a moment" in response.text

    def test_the_health_check_says_degraded_but_serving(self, redis_down):
        response = Client().get("/healthz/")

        body = json.loads(response.content)
        assert response.status_code == HTTPStatus.OK
        assert body["status"] == "degraded"
        assert body["checks"]["cache"]["ok"] is False
        assert body["checks"]["database"]["ok"] is True


def test_redis_is_used_again_by_itself_once_it_is_back(caplog):
    try:
        redis_py.Redis.from_url(LIVE_REDIS).ping()
    except redis_py.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    backend = RedisCache(LIVE_REDIS, {"KEY_PREFIX": "test-resilience"})
    backend.set("kept", 1, 30)
    refused = redis_py.ConnectionError("Connection refused")

    with mock.patch.object(RedisCacheClient, "get_client", side_effect=refused):
        assert backend.get("kept") is None  # down: a miss, not an error
        assert not backend.available
    RedisCache.outage.down_until = 0.0  # the retry pause is over

    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert backend.get("kept") == 1
    assert backend.available
    assert any("back after" in record.getMessage() for record in caplog.records)
    backend.clear()


class TestHealthCheck:
    def test_it_reports_every_dependency(self, client):
        response = client.get("/healthz/")

        body = json.loads(response.content)
        assert response.status_code == HTTPStatus.OK
        assert body["status"] == "ok"
        assert set(body["checks"]) == {"database", "cache", "tasks"}
        assert response["Cache-Control"].startswith("max-age=0")

    def test_it_answers_503_when_the_database_is_down(self, client):
        with mock.patch.object(connection, "cursor", side_effect=OperationalError("gone")):
            response = client.get("/healthz/")

        body = json.loads(response.content)
        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert body["status"] == "down"
        assert body["checks"]["database"] == {"ok": False, "error": "gone", "ms": mock.ANY}

    @override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}, TASKS_STALE_AFTER=60
    )
    def test_it_reports_the_queue_and_its_oldest_task(self, client):
        from django_tasks_db.models import DBTaskResult

        notification = notify(
            UserFactory(), NotificationKind.ACCOUNT, title="Hello", url="/", body=""
        )
        send_notification_email.enqueue(notification_id=notification.pk)
        DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))

        body = json.loads(client.get("/healthz/").content)

        assert body["checks"]["tasks"]["queued"] == 1
        assert body["checks"]["tasks"]["oldest_queued_seconds"] >= 300
        assert body["checks"]["tasks"]["ok"] is False
        assert body["status"] == "degraded"

    def test_the_liveness_check_needs_nothing(self, client, django_assert_num_queries):
        with django_assert_num_queries(0):
            response = client.get("/livez/")

        assert response.status_code == HTTPStatus.OK
        assert response.text.strip() == "ok"


@override_settings(PAGE_CACHE_SECONDS=300, ALLOWED_HOSTS=["testserver"])
def test_cached_pages_answer_only_allowed_hosts():
    visitor = Client()
    assert visitor.get("/").status_code == HTTPStatus.OK  # now cached

    cached = visitor.get("/")
    foreign = visitor.get("/", HTTP_HOST="evil.example")

    assert cached.status_code == HTTPStatus.OK
    assert foreign.status_code == HTTPStatus.BAD_REQUEST


class TestEmailOnce:
    def notification(self):
        return notify(UserFactory(), NotificationKind.ACCOUNT, title="Your answer", url="/")

    def test_a_notification_is_sent_once_with_a_stable_message_id(self):
        notification = self.notification()

        outcomes = [send_notification_email.call(notification_id=notification.pk) for _ in "12"]

        assert outcomes == ["sent", "already sent"]
        (message,) = mail.outbox
        assert message.extra_headers["Message-ID"] == f"<notification-{notification.pk}@testserver>"

    def test_an_email_a_dead_sender_claimed_is_sent_again_after_the_claim_expires(self, settings):
        notification = self.notification()
        Notification.objects.filter(pk=notification.pk).update(email_claimed_at=timezone.now())

        assert not pending_notifications().filter(pk=notification.pk).exists()
        assert send_notification_email.call(notification_id=notification.pk) == "being sent"

        expired = timezone.now() - timedelta(seconds=settings.EMAIL_CLAIM_SECONDS + 1)
        Notification.objects.filter(pk=notification.pk).update(
            email_claimed_at=expired, created_at=expired
        )
        assert pending_notifications().filter(pk=notification.pk).exists()
        assert send_notification_email.call(notification_id=notification.pk) == "sent"
        assert len(mail.outbox) == 1

    def test_a_failed_send_is_released_and_not_queued_twice(self, settings):
        notification = self.notification()
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

        with (
            mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError),
            pytest.raises(OSError),
        ):
            send_notification_email.call(notification_id=notification.pk)

        notification.refresh_from_db()
        assert notification.email_claimed_at is None
        assert notification.email_retry_at > timezone.now()  # a retry is queued for then
        assert not pending_notifications().filter(pk=notification.pk).exists()
        call_command("send_pending_emails", stdout=None)
        from django_tasks_db.models import DBTaskResult

        assert DBTaskResult.objects.count() == 1  # the scheduled retry, and no second one

    def test_an_email_whose_task_is_still_queued_is_not_queued_again(self, settings):
        notification = self.notification()
        assert not pending_notifications().filter(pk=notification.pk).exists()

        # A retry that fell due a moment ago is the worker's; one long overdue is ours.
        now = timezone.now()
        long_ago = now - timedelta(seconds=settings.EMAIL_CLAIM_SECONDS + 1)
        Notification.objects.filter(pk=notification.pk).update(
            created_at=long_ago, email_attempts=1, email_retry_at=now
        )
        assert not pending_notifications().filter(pk=notification.pk).exists()
        Notification.objects.filter(pk=notification.pk).update(email_retry_at=long_ago)
        assert pending_notifications().filter(pk=notification.pk).exists()

    def test_a_task_a_dead_worker_left_running_is_taken_back(self, settings):
        from django_tasks_db.compat import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        notification = self.notification()
        send_notification_email.enqueue(notification_id=notification.pk)
        task = DBTaskResult.objects.get()
        task.claim("dead-worker")
        long_ago = timezone.now() - timedelta(seconds=settings.TASK_ABANDONED_AFTER + 1)
        DBTaskResult.objects.update(started_at=long_ago)

        assert requeue_abandoned_tasks() == 1

        assert DBTaskResult.objects.get().status == TaskResultStatus.READY


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
@pytest.mark.django_db(transaction=True)
def test_the_worker_starts_again_after_the_database_went_away():
    # transaction=True: the worker closes a broken connection, which inside the
    # test's wrapping transaction would leave every later query failing.
    from accounts.management.commands import run_worker

    calls = []

    def handle(self, *args, **options):
        calls.append("run")
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")

    def sleep(seconds):
        # Bound the loop: a worker that keeps failing must not spin this test forever.
        if len(sleeps) > 3:
            raise RuntimeError("the worker kept failing")
        sleeps.append(seconds)

    sleeps = []
    with (
        mock.patch.object(run_worker.db_worker.Command, "handle", handle),
        mock.patch.object(run_worker.time, "sleep", sleep),
    ):
        call_command("run_worker", "--batch")

    assert calls == ["run", "run"]
    assert sleeps == [1]
