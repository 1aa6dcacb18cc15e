import re
import uuid
from http import HTTPStatus
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.actions import set_notification_preferences
from accounts.models import Notification, NotificationKind
from accounts.notifications import unsubscribe_url
from forum.actions import post_answer
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def ask(client, category, **fields):
    return client.post(
        reverse("forum:ask"),
        {
            "category": category.pk,
            "title": "IT band pain need help",
            "body": "It hurts after five minutes.",
            "visibility": "public",
            "submission_key": str(uuid.uuid4()),
            **fields,
        },
    )


def test_a_private_question_notifies_the_addressed_expert_once(commit, massage, jeremy):
    asker = as_user(UserFactory(display_name="Annabelle"))

    commit(ask, asker, massage, expert=jeremy.expert_profile.pk, visibility="private")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [jeremy.email]
    assert "Annabelle asked you: IT band pain need help" in message.subject
    assert "http://testserver/q/" in message.body
    assert message.alternatives[0][1] == "text/html"
    notification = Notification.objects.get()
    assert notification.recipient == jeremy and notification.emailed_at is not None


def test_an_answer_notifies_the_asker(commit, massage, jeremy):
    question = QuestionFactory(category=massage, expert=jeremy)

    commit(post_answer, question=question, author=jeremy, body="Rest it.")

    assert [m.to for m in mail.outbox] == [[question.asker.email]]
    assert Notification.objects.get().recipient == question.asker


def test_a_follow_up_notifies_only_the_other_party(commit, massage, jeremy):
    answer = AnswerFactory(question__category=massage, author=jeremy)
    asker = answer.question.asker

    def follow_up(user, body):
        return as_user(user).post(
            reverse("forum:follow_up", args=[answer.pk]),
            {"body": body, "submission_key": str(uuid.uuid4())},
        )

    commit(follow_up, asker, "Heat or ice?")
    assert [m.to for m in mail.outbox] == [[jeremy.email]]
    commit(follow_up, jeremy, "Heat.")
    assert [m.to for m in mail.outbox] == [[jeremy.email], [asker.email]]
    assert list(Notification.objects.values_list("recipient", flat=True).order_by("pk")) == [
        jeremy.pk,
        asker.pk,
    ]


def test_the_unsubscribe_link_stops_those_emails_without_signing_in(commit, massage, jeremy):
    question = QuestionFactory(category=massage, expert=jeremy)
    commit(post_answer, question=question, author=jeremy, body="Rest it.")
    message = mail.outbox[0]
    link = re.search(
        r"<(http://testserver(/me/unsubscribe/[^>]+))>", message.extra_headers["List-Unsubscribe"]
    )[2]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body

    visitor = Client(enforce_csrf_checks=True)
    assert "Stop these e-mails?" in visitor.get(link).text
    response = visitor.post(link, {"List-Unsubscribe": "One-Click"})
    assert "You are unsubscribed" in response.text

    second = QuestionFactory(category=massage, expert=jeremy, asker=question.asker)
    commit(post_answer, question=second, author=jeremy, body="Again.")
    assert len(mail.outbox) == 1
    # No e-mail, nothing more: the answer is still on the site.
    assert Notification.objects.filter(recipient=question.asker).count() == 2


def test_a_forged_unsubscribe_token_is_404(client, member):
    good = unsubscribe_url(member, "answer").split("/me/unsubscribe/")[1].rstrip("/")
    assert client.get(f"/me/unsubscribe/{good}x/").status_code == HTTPStatus.NOT_FOUND
    assert client.post("/me/unsubscribe/garbage/").status_code == HTTPStatus.NOT_FOUND


def test_a_rolled_back_write_sends_nothing(commit, massage, jeremy):
    question = QuestionFactory(category=massage, expert=jeremy)

    def answer_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            post_answer(question=question, author=jeremy, body="Rest it.")
            raise RuntimeError("the write fails after the answer")

    commit(answer_then_fail)

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_failed_send_is_retried_and_the_notification_is_kept(commit, massage, jeremy):
    question = QuestionFactory(category=massage, expert=jeremy)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("mail server down")
    ):
        commit(post_answer, question=question, author=jeremy, body="Rest it.")

    notification = Notification.objects.get()
    assert notification.emailed_at is None and notification.email_attempts == 1
    assert mail.outbox == []

    call_command("send_pending_emails", stdout=mock.MagicMock())

    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(("channel", "notified", "emailed"), [
    ("onsite", True, False), ("off", False, False), ("email", True, True),
])  # fmt: skip
def test_each_kind_follows_the_members_choice(commit, massage, jeremy, channel, notified, emailed):
    question = QuestionFactory(category=massage, expert=jeremy)
    set_notification_preferences(
        user=question.asker, channels={"answer": channel}, daily_digest=False
    )

    commit(post_answer, question=question, author=jeremy, body="Rest it.")

    assert Notification.objects.exists() == notified
    assert bool(mail.outbox) == emailed


def test_the_daily_digest_replaces_single_emails(commit, massage, jeremy):
    asker = UserFactory(daily_digest=True)
    for title in ("First question", "Second question"):
        question = QuestionFactory(category=massage, expert=jeremy, asker=asker, title=title)
        commit(post_answer, question=question, author=jeremy, body="Rest it.")
    assert mail.outbox == []

    call_command("send_digests", stdout=mock.MagicMock())
    call_command("send_digests", stdout=mock.MagicMock())

    assert len(mail.outbox) == 1
    assert "First question" in mail.outbox[0].body and "Second question" in mail.outbox[0].body


def test_open_questions_reach_the_experts_who_opted_in_for_the_category(commit, massage):
    opted_in = ExpertProfileFactory(categories=[massage])
    opted_in.alert_categories.add(massage)
    ExpertProfileFactory(categories=[massage])  # Did not opt in.
    ExpertProfileFactory(categories=[CategoryFactory()]).alert_categories.add(CategoryFactory())

    commit(ask, as_user(UserFactory()), massage)

    assert [m.to for m in mail.outbox] == [[opted_in.user.email]]


def test_the_account_page_saves_preferences(member_client, member):
    response = member_client.post(
        reverse("accounts:account"),
        {
            "action": "notifications",
            **dict.fromkeys(NotificationKind.values, "onsite"),
            "answer": "off",
            "daily_digest": "on",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.daily_digest
    assert member.notification_preferences.get(kind="answer").channel == "off"


def test_only_moderators_are_offered_flag_notifications(member_client, moderator):
    assert 'name="new_flag"' not in member_client.get(reverse("accounts:account")).text
    moderator_page = as_user(moderator).get(reverse("accounts:account")).text
    assert 'name="new_flag"' in moderator_page


def test_account_notices_cannot_be_switched_off(member_client, member):
    set_notification_preferences(user=member, channels={"account": "off"}, daily_digest=False)

    from accounts.notifications import preferences

    assert preferences(member)["account"] == "onsite"


class TestNotificationsPage:
    def test_unread_marked_then_read_on_click(self, member_client, member):
        notification = Notification.objects.create(
            recipient=member, kind="answer", title="Jeremy answered you", url="/q/1/x/"
        )

        page = member_client.get(reverse("accounts:notifications"))
        assert "Jeremy answered you" in page.text and "New" in page.text
        assert '1<span class="visually-hidden"> unread' in member_client.get("/").text

        response = member_client.post(reverse("accounts:read_notification", args=[notification.pk]))
        assert response["Location"] == "/q/1/x/"
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_mark_all_read(self, member_client, member):
        for n in range(3):
            Notification.objects.create(recipient=member, kind="answer", title=f"N{n}", url="/")

        member_client.post(reverse("accounts:read_all_notifications"))

        assert not member.notifications.filter(read_at=None).exists()

    def test_others_notifications_are_404(self, member_client):
        other = Notification.objects.create(
            recipient=UserFactory(), kind="answer", title="Private", url="/"
        )

        response = member_client.post(reverse("accounts:read_notification", args=[other.pk]))

        assert response.status_code == HTTPStatus.NOT_FOUND

    def test_an_offsite_url_is_never_followed(self, member_client, member):
        notification = Notification.objects.create(
            recipient=member, kind="answer", title="x", url="https://evil.example/"
        )

        response = member_client.post(reverse("accounts:read_notification", args=[notification.pk]))

        assert response["Location"] == reverse("accounts:notifications")

    def test_queries_do_not_grow(self, member_client, member, django_assert_num_queries):
        """Guards against N+1 queries over notifications."""
        Notification.objects.create(recipient=member, kind="answer", title="x", url="/")
        with django_assert_num_queries(3):
            member_client.get(reverse("accounts:notifications"))
        for n in range(25):
            Notification.objects.create(recipient=member, kind="answer", title=f"{n}", url="/")
        with django_assert_num_queries(3):
            member_client.get(reverse("accounts:notifications"))


# --- Excerpts: plain text with the post's blocks apart, escaped once where shown -------

HOSTILE_ANSWER = 'Try this:\n\n1. Rest <script>alert(1)</script>\n2. Ice & "heat" &amp; it\'s'


def test_an_excerpt_keeps_list_items_apart_and_is_escaped_once_everywhere(commit, massage, jeremy):
    question = QuestionFactory(category=massage, expert=jeremy)

    commit(post_answer, question=question, author=jeremy, body=HOSTILE_ANSWER)

    notification = Notification.objects.get()
    # Plain text, as typed: nothing escaped yet, and the items on lines of their own.
    assert notification.body == (
        'Try this:\n1. Rest <script>alert(1)</script>\n2. Ice & "heat" & it\'s'
    )
    [message] = mail.outbox
    assert 'Try this:\n1. Rest <script>alert(1)</script>\n2. Ice & "heat" & it\'s' in message.body
    html = message.alternatives[0][0]
    assert (
        "Try this:<br>1. Rest &lt;script&gt;alert(1)&lt;/script&gt;<br>"
        "2. Ice &amp; &quot;heat&quot; &amp; it&#x27;s"
    ) in html
    assert "<script>" not in html
    page = as_user(question.asker).get(reverse("accounts:notifications")).text
    assert "1. Rest &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "2. Ice &amp; &quot;heat&quot; &amp; it&#x27;s" in page
    assert "&amp;lt;" not in page and "&amp;amp;" not in page and "<script>alert" not in page


def test_a_question_excerpt_reaches_the_expert_escaped_once(commit, massage, jeremy):
    asker = as_user(UserFactory(display_name="Annabelle"))

    commit(
        ask,
        asker,
        massage,
        expert=jeremy.expert_profile.pk,
        body="- knee <b>hurts</b>\n- hip & back",
    )

    [message] = mail.outbox
    assert "- knee <b>hurts</b>\n- hip & back" in message.body
    assert "- knee &lt;b&gt;hurts&lt;/b&gt;<br>- hip &amp; back" in message.alternatives[0][0]
