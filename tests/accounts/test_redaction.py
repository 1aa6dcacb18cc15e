"""Notifications show a post's title and text only while their reader may still see it.

The forum's post-write hook marks a notification redacted when its reader
loses sight of what it is about (a hidden post, a private question sent to
another expert) and clears the mark when it comes back. A redacted
notification shows no title or excerpt, is not counted as unread, and is
neither e-mailed nor put in a digest.
"""

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Notification
from accounts.tasks import send_notification_email
from forum import actions
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def notifications_page(user):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("accounts:notifications"))
    assert response.status_code == HTTPStatus.OK
    return response


def test_the_first_expert_loses_a_private_question_sent_to_another(
    django_capture_on_commit_callbacks,
):
    massage = CategoryFactory()
    first = ExpertProfileFactory(categories=[massage]).user
    second = ExpertProfileFactory(categories=[massage]).user
    asker = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        question, _ = actions.ask_question(
            asker=asker,
            category=massage,
            expert=first,
            title="A quillotic rash",
            body="Confidential details.",
            visibility="private",
        )
    actions.decline_question(question=question, expert=first, reason="not_my_area")
    assert "quillotic" in notifications_page(first).text

    actions.reroute_question(
        question=question, asker=asker, category=question.category, expert=second
    )

    page = notifications_page(first)
    assert "quillotic" not in page.text and "Confidential" not in page.text
    assert "no longer available to you" in page.text
    assert "The asker sent this question to another expert." in page.text
    assert "notification-count" not in page.text  # no unread badge for it
    assert "quillotic" in notifications_page(second).text


def test_a_hidden_answer_is_redacted_for_the_asker_until_restored():
    answer = AnswerFactory(body="Try the snorkwhistle stretch.")
    asker = answer.question.asker
    actions.post_follow_up(answer=answer, author=answer.author, body="Any news?")
    moderator = ModeratorFactory()
    notification = Notification.objects.get(recipient=asker, kind="follow_up")

    actions.hide(item=answer, moderator=moderator, reason="Unsafe")

    notification.refresh_from_db()
    assert notification.redacted
    assert "Any news?" not in notifications_page(asker).text

    actions.restore(item=answer, moderator=moderator)

    notification.refresh_from_db()
    assert not notification.redacted
    assert "Any news?" in notifications_page(asker).text


def test_the_author_still_hears_about_their_own_hidden_post():
    answer = AnswerFactory()

    actions.hide(item=answer, moderator=ModeratorFactory(), reason="Needs a source")

    notice = Notification.objects.get(recipient=answer.author, kind="account")
    assert not notice.redacted
    assert "Needs a source" in notifications_page(answer.author).text


def test_a_redacted_notification_is_never_emailed():
    answer = AnswerFactory(body="A snorkwhistle answer.")
    actions.post_follow_up(answer=answer, author=answer.author, body="Snorkwhistle follow-up")
    notification = Notification.objects.get(kind="follow_up")
    actions.hide(item=answer, moderator=ModeratorFactory(), reason="Spam")
    mail.outbox.clear()

    outcome = send_notification_email.call(notification_id=notification.pk)

    assert outcome == "withheld"
    assert mail.outbox == []


def test_a_digest_leaves_out_what_its_reader_may_no_longer_see():
    answer = AnswerFactory(body="A snorkwhistle answer.")
    asker = answer.question.asker
    asker.daily_digest = True
    asker.save()
    actions.post_follow_up(answer=answer, author=answer.author, body="Snorkwhistle reply")
    second = AnswerFactory(question=answer.question, body="Another view.")
    actions.post_follow_up(answer=second, author=second.author, body="Visible reply")
    actions.hide(item=answer, moderator=ModeratorFactory(), reason="Spam")
    mail.outbox.clear()

    call_command("send_digests", stdout=None)

    (digest,) = mail.outbox
    text = digest.body + "".join(str(content) for content, _ in digest.alternatives)
    assert "Visible reply" in text or "followed up" in text
    assert "Snorkwhistle" not in text


def test_a_redacted_notification_says_what_happened():
    answer = AnswerFactory(body="A snorkwhistle answer.")
    asker = answer.question.asker
    actions.post_follow_up(answer=answer, author=answer.author, body="Any news?")

    actions.hide(item=answer, moderator=ModeratorFactory(), reason="Unsafe")

    page = notifications_page(asker).text
    assert "The moderators hid the answer this follow-up belongs to." in page
