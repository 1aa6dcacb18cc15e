"""After publication, a removed passage is gone from every surface and every row.

One private thread carries the passage everywhere a thread's text can be: the
title (so its slug), the question, an answer with its disclosure and referral
note, a follow-up, a thank-you note and its reply, a decline note, a flag note,
revisions of the question and the answer, notifications (e-mailed and not yet
e-mailed), the audit log and a moderator's note sending it back. Pages are
cached (the page cache on) before publishing. After publication every page,
feed, sitemap, API answer, search, the e-mails sent since, the cache and finally
every text column of every model in the database are scanned for it.
"""

import contextlib
import gzip
import json
import pickle

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.cache import caches
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry, Notification
from experts import actions as expert_actions
from forum import actions
from forum.models import (
    AnswerRevision,
    Decline,
    Question,
    QuestionRevision,
    SearchEntry,
)
from tests.factories import (
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# A made-up name, nowhere else on the site; the slug form too.
SECRET = "Quibblefrost"
SECRETS = [SECRET.lower(), "quibble-frost"]
# What the searches ask for: a spelling the thread never used, so that the page's echo of
# the query can be told from a hit.
QUERY = "qUiBbLeFrOsT"


def leaks(text) -> bool:
    lowered = str(text).lower()
    return any(secret in lowered for secret in SECRETS)


@pytest.fixture
def w(settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 300
    category = CategoryFactory(name="Massage", slug="massage")
    expert = ExpertProfileFactory(categories=[category]).user
    decliner = ExpertProfileFactory(categories=[category]).user
    asker = UserFactory(display_name="Ann Asker")
    moderator = ModeratorFactory()
    question = QuestionFactory(
        category=category,
        asker=asker,
        expert=expert,
        visibility="private",
        title=f"Knee pain for Mr {SECRET} of Elm Road",
        body=f"I am **{SECRET}**, I run at dawn.\n\nMy knee hurts ({SECRET.upper()}'s knee).",
    )
    Decline.objects.create(
        question=question, expert=decliner, reason="other", note=f"Sorry {SECRET}, not my area."
    )
    with django_capture_on_commit_callbacks(execute=True):
        # These notifications are e-mailed at once (their e-mails are in the outbox).
        answer, _ = actions.post_answer(
            question=question,
            author=expert,
            body=f"Dear {SECRET}, ice the knee.",
            disclosure=f"I treat {SECRET}'s neighbours.",
            referral="doctor",
            referral_urgency="soon",
            referral_note=f"A physio near {SECRET} Road",
        )
    # The rest stay unsent until after publication.
    question = Question.objects.get(pk=question.pk)
    actions.edit_question(
        question=question,
        moderator=moderator,
        title=question.title,
        body=question.body + f"\n\nEdited: {SECRET}.",
        category=category,
        base_version=question.version,
        reason=f"Typo near {SECRET}",
    )
    actions.edit_answer(
        answer=answer,
        editor=expert,
        body=f"Dear {SECRET}, ice the knee, then stretch.",
        base_version=answer.version,
    )
    actions.post_follow_up(answer=answer, author=asker, body=f"Thanks! {SECRET} here again.")
    actions.rate_answer(
        answer=answer,
        rater=asker,
        knowledgeability=9,
        clarity=9,
        politeness=9,
        thank_you_note=f"Thank you from {SECRET}.",
    )
    expert_actions.reply_to_thank_you(
        rating=answer.rating, expert=expert, text=f"You are welcome, {SECRET}."
    )
    actions.flag(item=answer, flagger=asker, reason="other", note=f"Mentions {SECRET} by name")
    # Staff once changed the question in the admin: its log names the question.
    LogEntry.objects.create(
        user=moderator,
        content_type=ContentType.objects.get_for_model(Question),
        object_id=str(question.pk),
        object_repr=question.title,
        action_flag=CHANGE,
        change_message="[]",
    )
    return {
        "category": category,
        "question": Question.objects.get(pk=question.pk),
        "answer": answer,
        "asker": asker,
        "expert": expert,
        "decliner": decliner,
        "moderator": moderator,
    }


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def cached_texts():
    """Everything in the local-memory cache, unpickled, gzipped pages unpacked."""
    store = caches["default"]._cache
    found = []

    def walk(value):
        if isinstance(value, bytes):
            with contextlib.suppress(OSError, EOFError):
                value = gzip.decompress(value)
            found.append(value.decode("utf-8", "replace"))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list | tuple | set):
            for item in value:
                walk(item)
        else:
            found.append(str(value))

    for key, value in list(store.items()):
        found.append(key)
        try:
            walk(pickle.loads(value))  # noqa: S301 - the test's own cache
        except Exception:
            found.append(repr(value))
    return found


def every_text_in_the_database():
    """(model, field, value) for every char, text and JSON column of every model."""
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*[f.attname for f in fields]):
            for field, value in zip(fields, row, strict=True):
                if value:
                    text = (
                        json.dumps(value, ensure_ascii=False)
                        if field.get_internal_type() == "JSONField"
                        else value
                    )
                    yield model._meta.label, field.name, text


def publish_with_consent(w):
    question = w["question"]
    request = actions.request_publication(question=question, user=w["expert"])
    request = actions.agree_publication(request=request, user=w["asker"])
    request = actions.submit_for_review(request=request, user=w["asker"], text=SECRET)
    request = actions.return_publication(
        request=request, moderator=w["moderator"], note=f"Also check {SECRET} in the title?"
    )
    request = actions.submit_for_review(request=request, user=w["asker"], text=SECRET.upper())
    return actions.publish(request=request, moderator=w["moderator"])


def test_the_passage_is_everywhere_before(w):
    """The test is not vacuous: before publication each place holds the passage."""
    question, answer = w["question"], w["answer"]
    assert leaks(question.title) and leaks(question.slug) and leaks(question.body)
    assert QuestionRevision.objects.filter(question=question).exists()
    assert AnswerRevision.objects.filter(answer=answer).exists()
    assert any(leaks(n.title + n.body) for n in Notification.objects.filter(emailed_at=None))
    assert any(leaks(n.title + n.body) for n in Notification.objects.exclude(emailed_at=None))
    assert any(leaks(m.body) for m in mail.outbox)
    assert any(leaks(e.reason) for e in AuditEntry.objects.all())
    assert SearchEntry.objects.filter(text__icontains=SECRET).exists()
    assert leaks(LogEntry.objects.get().object_repr)
    assert any(leaks(text) for _, _, text in every_text_in_the_database())


def test_no_trace_of_the_passage_after_publication(w, django_capture_on_commit_callbacks):
    question = w["question"]
    old_url = question.get_absolute_url()
    people = {
        "visitor": Client(),
        "asker": signed_in(w["asker"]),
        "expert": signed_in(w["expert"]),
        "moderator": signed_in(w["moderator"]),
        "member": signed_in(UserFactory()),
    }
    public_urls = [
        "/",
        reverse("forum:answers"),
        w["category"].get_absolute_url(),
        "/feeds/rss/answered/",
        "/feeds/atom/answered/",
        f"/feeds/rss/c/{w['category'].path}/",
        f"/feeds/rss/experts/{w['expert'].handle}/",
        "/sitemap.xml",
        "/sitemap-threads.xml",
        "/api/v1/questions",
        f"/api/v1/search?q={QUERY}",
    ]
    # Before: every page once, so whatever may be cached is cached.
    for client in people.values():
        client.get(old_url)
        for url in public_urls:
            client.get(url)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        request = publish_with_consent(w)

    question = Question.objects.get(pk=question.pk)
    assert question.visibility == "public"
    assert request.redactions == ""
    new_url = question.get_absolute_url()
    assert new_url != old_url
    # Every page, for every reader, under the old address and the new.
    thread_urls = [
        old_url,
        new_url,
        f"/q/{question.pk}/",
        f"/feeds/rss/q/{question.pk}/",
        f"/api/v1/questions/{question.pk}",
        reverse("forum:search") + f"?q={QUERY}",
        reverse("forum:search") + "?q=knee",
        "/api/v1/search?q=knee",
    ]
    for name, client in people.items():
        for url in [*thread_urls, *public_urls]:
            response = client.get(url, follow=True)
            assert response.status_code == 200, (name, url, response.status_code)
            body = response.content.decode().replace(QUERY, "")
            assert not leaks(body), f"{name} reads the passage at {url}"
    # The thread is public and reachable: the visitor sees it, with the marker.
    page = people["visitor"].get(new_url).content.decode()
    assert "Knee pain for Mr [removed] of Elm Road" in page
    assert "application/ld+json" in page
    # The revisions are gone; the index, notifications and log are clean.
    assert not QuestionRevision.objects.filter(question=question).exists()
    assert not AnswerRevision.objects.filter(answer__question=question).exists()
    assert not SearchEntry.objects.filter(text__icontains=SECRET).exists()
    assert not SearchEntry.objects.filter(title__icontains=SECRET).exists()
    for notification in Notification.objects.all():
        assert not leaks(notification.title + notification.body + notification.url)
    for entry in AuditEntry.objects.all():
        assert not leaks([entry.target_label, entry.reason, entry.before, entry.after])
    # E-mails not yet sent go now, from the redacted rows.
    from accounts.tasks import send_notification_email

    unsent = Notification.objects.filter(email_wanted=True, emailed_at=None)
    assert unsent.exists()
    for notification in unsent:
        send_notification_email.enqueue(notification_id=notification.pk)
    assert mail.outbox
    for message in mail.outbox:
        texts = [message.subject, message.body, *(c for c, _ in message.alternatives)]
        assert not any(leaks(text) for text in texts)
    # The cache: nothing stored, under any generation, holds it.
    for text in cached_texts():
        assert not leaks(text), text[:300]
    # SQLite's full-text table holds its own copy of the words.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT title, text FROM forum_search_fts")
            assert not any(leaks(a) or leaks(b) for a, b in cursor.fetchall())
    # And finally every text column of every model.
    found = [(m, f) for m, f, text in every_text_in_the_database() if leaks(text)]
    assert found == []
