"""Reading what a notification is about marks it read; a notification is a plain link."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notification
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def notify(user, question, title="Jeremy answered you"):
    return Notification.objects.create(
        recipient=user,
        kind="answer",
        title=title,
        url=question.get_absolute_url(),
        thread_id=question.pk,
    )


def test_reading_the_thread_marks_its_notifications_read_and_no_others(member_client, member):
    question = QuestionFactory(asker=member)
    other = QuestionFactory(asker=member)
    about_it = [notify(member, question), notify(member, question, title="A follow-up")]
    elsewhere = notify(member, other)
    someone_elses = notify(UserFactory(), question)
    assert '2<span class="visually-hidden"> unread' not in member_client.get("/").text

    page = member_client.get(question.get_absolute_url())

    assert page.status_code == HTTPStatus.OK
    # The header counts what is still unread once the thread is read: the other thread's one.
    assert '1<span class="visually-hidden"> unread' in page.text
    for notification in about_it:
        notification.refresh_from_db()
        assert notification.read_at is not None
    elsewhere.refresh_from_db()
    someone_elses.refresh_from_db()
    assert elsewhere.read_at is None and someone_elses.read_at is None


def test_marking_read_on_the_thread_is_one_query_however_many_notifications(
    member, django_assert_num_queries
):
    """Guards against a query per notification on the thread page."""
    question = QuestionFactory(asker=member)
    AnswerFactory(question=question)
    client = Client()
    client.force_login(member)
    client.get(question.get_absolute_url())  # warm: sessions, the first render

    notify(member, question)
    with CaptureQueriesContext(connection) as one:
        client.get(question.get_absolute_url())
    for n in range(30):
        notify(member, question, title=f"Follow-up {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(question.get_absolute_url())
    updates = [q for q in one.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and "accounts_notification" in updates[0]["sql"]
    assert not Notification.objects.filter(recipient=member, read_at=None).exists()


def test_a_notification_is_a_plain_link_that_opens_in_a_new_tab_and_marks_read(
    member_client, member
):
    question = QuestionFactory(asker=member)
    notification = notify(member, question)
    link = reverse("accounts:read_notification", args=[notification.pk])

    page = member_client.get(reverse("accounts:notifications"))
    assert f'<a class="notification-link" href="{link}">' in page.text
    assert '<button class="notification-link"' not in page.text

    response = member_client.get(link)  # what a new tab, or a copied address, does
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == question.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_read_link_is_the_readers_own(member_client):
    other = notify(UserFactory(), QuestionFactory())
    link = reverse("accounts:read_notification", args=[other.pk])

    assert member_client.get(link).status_code == HTTPStatus.NOT_FOUND
    other.refresh_from_db()
    assert other.read_at is None
    signed_out = Client().get(link)
    assert signed_out.status_code == HTTPStatus.FOUND
    assert signed_out["Location"].startswith(reverse("account_login"))


def test_members_are_not_offered_the_experts_notification_settings(member_client):
    from tests.factories import ExpertProfileFactory

    html = member_client.get(reverse("accounts:account")).text
    assert 'name="answer"' in html
    for kind in ("question_addressed", "open_question", "rating", "credential_verified"):
        assert f'name="{kind}"' not in html

    expert = Client()
    expert.force_login(ExpertProfileFactory().user)
    html = expert.get(reverse("accounts:account")).text
    for kind in ("question_addressed", "open_question", "rating", "credential_verified"):
        assert f'name="{kind}"' in html
