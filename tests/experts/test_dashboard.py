"""The expert's dashboard (/experts/me/dashboard/) and replying once to a thank-you note."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.actions import NotFound, Refused
from accounts.models import Notification
from experts import actions as expert_actions
from experts.models import ExpertProfile, Rating
from forum import actions
from tests.factories import (
    AnswerFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DASHBOARD = "/experts/me/dashboard/"
NOTE = "Thank you, the stretches worked wonders."


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def expert(massage):
    return ExpertProfileFactory(user__display_name="Dana Deeptissue", categories=[massage]).user


@pytest.fixture
def asker(db):
    return UserFactory(display_name="Ria Runner")


def answered(expert, asker, massage, *, title, note="", private=False, asked_hours_ago=1):
    """A question of `asker` answered by `expert` (now), rated by the asker."""
    question = QuestionFactory(
        category=massage,
        asker=asker,
        expert=expert,
        title=title,
        visibility="private" if private else "public",
        created_at=timezone.now() - timedelta(hours=asked_hours_ago),
    )
    answer = AnswerFactory(question=question, author=expert, body="Stretch twice a day.")
    rating, _ = actions.rate_answer(
        answer=answer,
        rater=asker,
        knowledgeability=9,
        clarity=7,
        politeness=10,
        thank_you_note=note,
    )
    return rating


def reply(client, rating, text, follow=False, **extra):
    """What the reply form sends: to the dashboard, naming the rating."""
    return client.post(DASHBOARD, {"rating": rating.pk, "reply": text, **extra}, follow=follow)


def reply_form(rating):
    """The reply form's mark in a page."""
    return f'name="rating" value="{rating.pk}"'


# -- Who sees it ---------------------------------------------------------------------------------


def test_the_dashboard_url():
    assert reverse("experts:dashboard") == DASHBOARD


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(DASHBOARD)

    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("status", [None, "pending", "refused"])
def test_a_member_who_is_not_an_expert_is_sent_to_apply(massage, status):
    user = UserFactory()
    if status:
        ExpertProfileFactory(user=user, status=status, categories=[massage])

    response = signed_in(user).get(DASHBOARD)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("experts:apply")


def test_links_lead_to_the_dashboard_for_experts_only(expert):
    client = signed_in(expert)
    for url in (reverse("experts:manage"), reverse("forum:inbox"), "/"):
        assert DASHBOARD in client.get(url).text, url

    assert DASHBOARD not in signed_in(UserFactory()).get("/").text


# -- What it shows -------------------------------------------------------------------------------


def test_questions_waiting_oldest_first_with_how_long(expert, asker, massage):
    now = timezone.now()
    QuestionFactory(category=massage, expert=expert, title="Asked of me yesterday",
                    created_at=now - timedelta(days=1))  # fmt: skip
    QuestionFactory(category=massage, title="Open for three days",
                    created_at=now - timedelta(days=3))  # fmt: skip
    QuestionFactory(category=massage, expert=UserFactory(), title="Asked of someone else")
    QuestionFactory(category=massage, asker=expert, title="My own open question")

    response = signed_in(expert).get(DASHBOARD)

    waiting = [q.title for q in response.context["waiting"]]
    assert waiting == ["Open for three days", "Asked of me yesterday"]
    assert response.context["waiting_count"] == 2
    assert "waiting for" in response.text and "3\xa0days" in response.text
    assert "Asked of you by" in response.text
    assert "Open to your categories" in response.text


def test_answers_newest_first_with_scores_notes_and_private_ratings(expert, asker, massage):
    answered(expert, asker, massage, title="Calf cramps at night", asked_hours_ago=5)
    answered(expert, asker, massage, title="A private matter", note=NOTE, private=True)

    response = signed_in(expert).get(DASHBOARD)

    titles = [a.question.title for a in response.context["page_obj"]]
    assert titles == ["A private matter", "Calf cramps at night"]
    assert "9/10" in response.text and "7/10" in response.text and "10/10" in response.text
    assert NOTE in response.text
    assert "a private thread: only you see it" in response.text
    assert "Your reply to the thank-you note" in response.text


def test_another_experts_ratings_are_not_shown(expert, asker, massage):
    other = ExpertProfileFactory(categories=[massage]).user
    answered(other, asker, massage, title="Not mine", note="Private thanks", private=True)

    response = signed_in(expert).get(DASHBOARD)

    assert "Not mine" not in response.text
    assert "Private thanks" not in response.text


def test_the_response_time_trend_per_month(expert, asker, massage):
    answered(expert, asker, massage, title="Two hours", asked_hours_ago=2)
    answered(expert, asker, massage, title="Four hours", asked_hours_ago=4)
    answered(expert, asker, massage, title="Nine hours", asked_hours_ago=9)

    response = signed_in(expert).get(DASHBOARD)

    trend = response.context["trend"]
    assert len(trend) == 12
    month, count, median = trend[-1]
    assert (month.year, month.month) == (timezone.localdate().year, timezone.localdate().month)
    assert count == 3
    assert round(median.total_seconds() / 3600) == 4
    assert all(c == 0 and m is None for _, c, m in trend[:-1])
    assert '<th scope="row">' in response.text and "about 4 hours" in response.text


def test_the_answers_are_paginated(expert, asker, massage):
    for _ in range(12):
        AnswerFactory(question=QuestionFactory(category=massage, expert=expert), author=expert)

    client = signed_in(expert)

    assert len(client.get(DASHBOARD).context["page_obj"]) == 10
    assert len(client.get(DASHBOARD, {"page": 2}).context["page_obj"]) == 2


def test_a_suspended_expert_reads_the_dashboard_without_acting(expert, asker, massage):
    rating = answered(expert, asker, massage, title="Sore heel", note=NOTE)
    QuestionFactory(category=massage, title="Open question")
    ExpertProfile.objects.filter(user=expert).update(status="suspended")

    response = signed_in(expert).get(DASHBOARD)

    assert response.status_code == HTTPStatus.OK
    assert "Your expert profile is suspended" in response.text
    assert NOTE in response.text
    assert reply_form(rating) not in response.text
    assert response.context["waiting"] == []


def test_the_same_queries_at_2_and_at_30_answers(expert, asker, massage):
    def grow(count):
        for n in range(count):
            question = QuestionFactory(category=massage, asker=asker, expert=expert)
            answer = AnswerFactory(question=question, author=expert)
            Rating.objects.create(
                answer=answer,
                expert=expert,
                rater=asker,
                knowledgeability=8,
                clarity=8,
                politeness=8,
                thank_you_note="Thanks!" if n % 2 else "",
                reply="You are welcome." if n % 4 == 1 else "",
                replied_at=timezone.now() if n % 4 == 1 else None,
            )
        QuestionFactory(category=massage, expert=expert)
        QuestionFactory(category=massage)

    def queries():
        client = signed_in(expert)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DASHBOARD).status_code == HTTPStatus.OK
        return len(captured)

    grow(2)
    small = queries()
    grow(28)

    assert queries() == small


# -- Replying to a thank-you note ----------------------------------------------------------------


def test_the_expert_replies_once_and_the_asker_is_told(expert, asker, massage):
    rating = answered(expert, asker, massage, title="Tight hamstrings", note=NOTE)
    client = signed_in(expert)

    response = reply(client, rating, "Glad to hear it, keep going!")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(DASHBOARD)
    rating.refresh_from_db()
    assert rating.reply == "Glad to hear it, keep going!"
    assert rating.replied_at is not None
    notice = Notification.objects.get(recipient=asker, kind="follow_up")
    assert "replied to your thank-you note" in notice.title
    assert notice.body == "Glad to hear it, keep going!"
    page = client.get(DASHBOARD).text
    assert "Glad to hear it, keep going!" in page
    assert reply_form(rating) not in page
    thread = Client().get(rating.answer.question.get_absolute_url()).text
    assert "Glad to hear it, keep going!" in thread
    assert "Dana Deeptissue, replying on" in thread


def test_a_second_reply_changes_nothing_and_says_it_was_sent(expert, asker, massage):
    rating = answered(expert, asker, massage, title="Tight hamstrings", note=NOTE)
    client = signed_in(expert)
    reply(client, rating, "First words.")

    response = reply(client, rating, "Second words.", follow=True)

    assert "already sent" in response.text
    rating.refresh_from_db()
    assert rating.reply == "First words."
    assert Notification.objects.filter(recipient=asker, kind="follow_up").count() == 1


def test_the_reply_form_on_the_thread_returns_to_the_thread(expert, asker, massage):
    rating = answered(expert, asker, massage, title="Tight hamstrings", note=NOTE)
    thread = rating.answer.question.get_absolute_url()
    client = signed_in(expert)
    assert reply_form(rating) in client.get(thread).text
    assert reply_form(rating) not in signed_in(asker).get(thread).text
    assert reply_form(rating) not in Client().get(thread).text

    response = reply(client, rating, "Anytime.", next="thread")

    assert response["Location"] == rating.answer.get_absolute_url()


@pytest.mark.parametrize(("text", "error"), [
    ("   ", "Write a few words before sending."),
    ("x" * 1001, "Ensure this value has at most 1000 characters"),
])  # fmt: skip
def test_a_reply_empty_or_too_long_is_refused_and_kept(expert, asker, massage, text, error):
    rating = answered(expert, asker, massage, title="Tight hamstrings", note=NOTE)

    for origin in ("dashboard", "thread"):
        response = reply(signed_in(expert), rating, text, next=origin)
        assert response.status_code == HTTPStatus.OK
        assert error in response.text
        if text.strip():
            assert text in response.text
    rating.refresh_from_db()
    assert rating.replied_at is None


def test_a_private_reply_is_seen_only_by_who_sees_the_rating(expert, asker, massage):
    rating = answered(expert, asker, massage, title="A private matter", note=NOTE, private=True)
    expert_actions.reply_to_thank_you(rating=rating, expert=expert, text="Take care.")
    thread = rating.answer.question.get_absolute_url()

    assert "Take care." in signed_in(asker).get(thread).text
    assert "Take care." in signed_in(ModeratorFactory()).get(thread).text
    assert Client().get(thread).status_code == HTTPStatus.NOT_FOUND
    assert signed_in(UserFactory()).get(thread).status_code == HTTPStatus.NOT_FOUND
    assert "Take care." not in Client().get(reverse("experts:profile", args=[
        expert.handle])).text  # fmt: skip


def test_a_hostile_rating_id_is_not_found(expert):
    client = signed_in(expert)

    for value in ("", "x", "-1", "9" * 30):
        response = client.post(DASHBOARD, {"rating": value, "reply": "Hi."})
        assert response.status_code == HTTPStatus.NOT_FOUND, value


@pytest.mark.parametrize("who", ["asker", "other expert", "moderator", "member"])
def test_nobody_else_replies(expert, asker, massage, who):
    rating = answered(expert, asker, massage, title="Tight hamstrings", note=NOTE)
    user = {
        "asker": asker,
        "other expert": ExpertProfileFactory(categories=[massage]).user,
        "moderator": ModeratorFactory(),
        "member": UserFactory(),
    }[who]

    response = reply(signed_in(user), rating, "Hijacked.")

    # Another expert finds no such rating; a member without an expert profile is sent to apply.
    assert response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FOUND)
    if response.status_code == HTTPStatus.FOUND:
        assert response["Location"] == reverse("experts:apply")
    with pytest.raises(Refused):
        expert_actions.reply_to_thank_you(rating=rating, expert=user, text="Hijacked.")
    rating.refresh_from_db()
    assert rating.replied_at is None


def test_a_stranger_to_a_private_thread_gets_not_found_from_the_action(expert, asker, massage):
    rating = answered(expert, asker, massage, title="Private", note=NOTE, private=True)

    with pytest.raises(NotFound):
        expert_actions.reply_to_thank_you(rating=rating, expert=UserFactory(), text="Hi.")


def test_there_must_be_a_note_to_reply_to(expert, asker, massage):
    rating = answered(expert, asker, massage, title="No note")

    with pytest.raises(Refused, match="no thank-you note"):
        expert_actions.reply_to_thank_you(rating=rating, expert=expert, text="Thanks?")
    assert reply_form(rating) not in signed_in(expert).get(DASHBOARD).text


@pytest.mark.parametrize("suspension", ["expert", "member"])
def test_no_reply_while_suspended(expert, asker, massage, suspension):
    rating = answered(expert, asker, massage, title="Tight hamstrings", note=NOTE)
    if suspension == "expert":
        ExpertProfile.objects.filter(user=expert).update(status="suspended")
    else:
        type(expert).objects.filter(pk=expert.pk).update(suspended_at=timezone.now())
    expert.refresh_from_db()

    with pytest.raises(Refused, match="suspended"):
        expert_actions.reply_to_thank_you(rating=rating, expert=expert, text="Thanks!")
    reply(signed_in(expert), rating, "Thanks!")
    rating.refresh_from_db()
    assert rating.replied_at is None


def test_a_public_reply_shows_under_the_note_on_the_profile(expert, asker, massage):
    rating = answered(expert, asker, massage, title="Sore calves", note=NOTE)
    expert_actions.reply_to_thank_you(rating=rating, expert=expert, text="My pleasure, Ria.")

    text = Client().get(reverse("experts:profile", args=[expert.handle])).text

    assert NOTE in text
    assert "My pleasure, Ria." in text
