"""Issue 18: what notification e-mails say, and what stopping them stops.

Unsubscribing (from one kind, or from the digest) stops e-mails and nothing
more; the digest leaves out what was read on the site; experts away get no
open-question e-mails; automatic hiding and new flags say what happened.
"""

import re
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.actions import mark_read, set_notification_preferences
from accounts.models import Notification, NotificationKind
from accounts.notifications import preferences
from experts import actions as expert_actions
from experts.forms import AvailabilityForm
from experts.models import ExpertProfile
from forum.actions import flag, post_answer
from forum.models import FlagReason
from tests.factories import (
    AnswerFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def answer_for(commit, asker, jeremy, massage, title):
    question = QuestionFactory(category=massage, expert=jeremy, asker=asker, title=title)
    commit(post_answer, question=question, author=jeremy, body="Rest it.")
    return question


def unsubscribe_link(message):
    return re.search(
        r"<http://testserver(/me/unsubscribe/[^>]+)>", message.extra_headers["List-Unsubscribe"]
    )[1]


# -- "Stop these e-mails" means no e-mail, nothing more -------------------------------------------


def test_the_unsubscribe_link_keeps_the_notifications_on_the_site(commit, massage, jeremy):
    asker = UserFactory()
    answer_for(commit, asker, jeremy, massage, "First question")
    link = unsubscribe_link(mail.outbox[0])

    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(link).text
    assert "These notifications will still appear on the site." in page
    done = visitor.post(link).text
    assert "You still see these notifications on the site" in done
    assert 'href="/me/#notifications"' in done

    answer_for(commit, asker, jeremy, massage, "Second question")
    assert len(mail.outbox) == 1  # No e-mail ...
    titles = set(Notification.objects.filter(recipient=asker).values_list("title", flat=True))
    assert len(titles) == 2  # ... but the answer is on the site.
    assert preferences(asker)[NotificationKind.ANSWER] == "onsite"


def test_the_one_click_post_of_a_mail_client_keeps_the_notifications_on_the_site(
    commit, massage, jeremy
):
    asker = UserFactory()
    answer_for(commit, asker, jeremy, massage, "First question")
    link = unsubscribe_link(mail.outbox[0])

    # RFC 8058: no session, no CSRF token, a form body "List-Unsubscribe=One-Click".
    response = Client(enforce_csrf_checks=True).post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    answer_for(commit, asker, jeremy, massage, "Second question")
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=asker, kind="answer").count() == 2
    # Only that kind: other e-mails still come.
    assert preferences(asker)[NotificationKind.FOLLOW_UP] == "email"


# -- The daily digest ---------------------------------------------------------------------------


def test_the_digest_has_a_one_click_unsubscribe_that_stops_digest_emails_only(
    commit, massage, jeremy
):
    asker = UserFactory(daily_digest=True)
    answer_for(commit, asker, jeremy, massage, "First question")
    call_command("send_digests", stdout=mock.MagicMock())
    digest = mail.outbox[0]
    link = unsubscribe_link(digest)
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in digest.body and link in digest.alternatives[0][0]

    assert "any other notification e-mail" in Client().get(link).text
    done = Client(enforce_csrf_checks=True).post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert "No more daily digest e-mails" in done.text

    answer_for(commit, asker, jeremy, massage, "Second question")
    call_command("send_digests", stdout=mock.MagicMock())
    assert len(mail.outbox) == 1  # Neither a digest nor a single e-mail ...
    assert Notification.objects.filter(recipient=asker).count() == 2  # ... but on the site.


def test_the_digest_leaves_out_what_was_read_on_the_site(commit, massage, jeremy):
    asker = UserFactory(daily_digest=True)
    answer_for(commit, asker, jeremy, massage, "Read already")
    answer_for(commit, asker, jeremy, massage, "Not read yet")
    mark_read(user=asker, notification=Notification.objects.get(title__contains="Read already"))

    call_command("send_digests", stdout=mock.MagicMock())

    (digest,) = mail.outbox
    assert "Not read yet" in digest.body
    assert "Read already" not in digest.body and "Read already" not in digest.alternatives[0][0]
    assert "1 new" in digest.subject


def test_no_digest_when_everything_was_read_and_no_late_email_either(commit, massage, jeremy):
    asker = UserFactory(daily_digest=True)
    answer_for(commit, asker, jeremy, massage, "Read already")
    mark_read(user=asker)

    call_command("send_digests", stdout=mock.MagicMock())
    # Switching the digest off later does not e-mail it one by one either.
    set_notification_preferences(user=asker, channels={}, daily_digest=False)
    call_command("send_pending_emails", stdout=mock.MagicMock())

    assert mail.outbox == []


# -- Experts away ---------------------------------------------------------------------------------


def set_away(user):
    profile = ExpertProfile.objects.get(user=user)
    form = AvailabilityForm(
        {
            "away_until": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "daily_question_limit": profile.daily_question_limit,
            "time_zone": profile.time_zone,
        },
        instance=profile,
    )
    assert form.is_valid(), form.errors
    expert_actions.set_availability(user=user, form=form)


def ask_open(massage):
    client = Client()
    client.force_login(UserFactory())
    return client.post(
        reverse("forum:ask"),
        {
            "category": massage.pk,
            "title": "Sore shoulder after swimming",
            "body": "It aches at night.",
            "visibility": "public",
            "submission_key": str(uuid.uuid4()),
        },
    )


@pytest.fixture
def alerted(massage):
    profile = ExpertProfileFactory(categories=[massage], user__daily_digest=True)
    profile.alert_categories.add(massage)
    ExpertProfileFactory(categories=[massage])  # Someone to take the question.
    return profile.user


def test_an_expert_who_goes_away_gets_no_digest_of_open_questions(commit, massage, alerted):
    commit(ask_open, massage)
    assert Notification.objects.filter(recipient=alerted, kind="open_question").exists()

    set_away(alerted)
    call_command("send_digests", stdout=mock.MagicMock())

    assert mail.outbox == []


def test_an_expert_who_goes_away_gets_no_queued_open_question_email(
    massage, alerted, django_capture_on_commit_callbacks
):
    alerted.daily_digest = False
    alerted.save()
    with django_capture_on_commit_callbacks() as queued:
        ask_open(massage)
    set_away(alerted)

    for callback in queued:  # The e-mail task runs after the expert went away.
        callback()

    assert [m.to for m in mail.outbox] == []


def test_an_expert_away_hears_nothing_of_new_open_questions(commit, massage, alerted):
    set_away(alerted)

    commit(ask_open, massage)

    assert not Notification.objects.filter(recipient=alerted).exists()
    assert mail.outbox == []


# -- Moderation notices -------------------------------------------------------------------------


def test_automatic_hiding_says_it_was_automatic_and_awaits_a_moderator(commit, massage, jeremy):
    answer = AnswerFactory(question__category=massage, author=jeremy)
    for _ in range(3):
        commit(flag, item=answer, flagger=UserFactory(), reason=FlagReason.SPAM)

    notice = Notification.objects.get(recipient=jeremy, kind="account")
    assert notice.title == "Your answer was hidden automatically after 3 members flagged it"
    assert "until a moderator reviews it" in notice.body
    (message,) = [m for m in mail.outbox if m.to == [jeremy.email]]
    assert "moderators hid" not in message.body and "by the moderators" not in message.subject
    assert "hidden automatically after 3 members flagged it" in message.subject


def test_the_new_flag_email_says_which_post_whose_and_why(commit, massage, jeremy):
    moderator = ModeratorFactory()
    set_notification_preferences(
        user=moderator, channels={NotificationKind.NEW_FLAG: "email"}, daily_digest=False
    )
    answer = AnswerFactory(
        question__category=massage, question__title="IT band pain need help", author=jeremy
    )
    flagger = UserFactory(display_name="Annabelle")

    commit(flag, item=answer, flagger=flagger, reason=FlagReason.DANGEROUS, note="Ice burns skin.")

    (message,) = mail.outbox
    assert message.to == [moderator.email]
    assert "New flag on Jeremy Lanfranco's answer in “IT band pain need help”" in message.subject
    assert "Reason: Wrong or dangerous advice." in message.body
    assert "Note from Annabelle: Ice burns skin." in message.body
    assert f"http://testserver{answer.get_absolute_url()}" in message.body
    notice = Notification.objects.get(recipient=moderator)
    assert notice.url == answer.get_absolute_url()
    assert "Jeremy Lanfranco's answer" in notice.title


def test_others_read_that_an_automatically_hidden_answer_awaits_a_moderator(
    commit, massage, jeremy
):
    question = QuestionFactory(category=massage, expert=jeremy)
    answer, _ = commit(post_answer, question=question, author=jeremy, body="Rest it.")
    for _ in range(3):
        commit(flag, item=answer, flagger=UserFactory(), reason=FlagReason.SPAM)

    client = Client()
    client.force_login(question.asker)
    page = client.get(reverse("accounts:notifications")).text

    assert "This answer is hidden until a moderator reviews the flags on it." in page
    assert "The moderators hid this answer." not in page
