"""Edits carry the version they were based on; double submits are one write.

A save based on an older version is refused with a conflict page that shows
the current text and keeps the editor's own; each revision holds the text it
replaced. A form sent twice, a rating sent again unchanged, or a second answer
from the same expert never writes twice, notifies twice, or drops a text.
"""

from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from accounts.actions import Refused
from accounts.models import Notification
from forum import actions
from forum.models import Answer, Question
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def answer():
    return AnswerFactory(body="First text.")


class TestEditConflicts:
    def test_a_stale_edit_gets_the_conflict_page_with_both_texts(self, answer):
        url = reverse("forum:edit_answer", args=[answer.pk])
        tab_one, tab_two = as_user(answer.author), as_user(answer.author)
        tab_one.get(url)
        tab_two.get(url)

        saved = tab_one.post(url, {"body": "Second text.", "base_version": 1})
        stale = tab_two.post(url, {"body": "Third text, typed meanwhile.", "base_version": 1})

        assert saved.status_code == HTTPStatus.FOUND
        assert stale.status_code == HTTPStatus.CONFLICT
        assert "not saved" in stale.text
        assert "Second text." in stale.text  # what is on the site now
        form = stale.context["form"]
        assert form["body"].value() == "Third text, typed meanwhile."  # theirs, kept
        assert form["base_version"].value() == 2
        answer.refresh_from_db()
        assert answer.body == "Second text."

        again = tab_two.post(url, {"body": "Third text, typed meanwhile.", "base_version": 2})

        assert again.status_code == HTTPStatus.FOUND
        answer.refresh_from_db()
        assert (answer.body, answer.version) == ("Third text, typed meanwhile.", 3)
        # Each revision holds the text its edit replaced: nothing acknowledged is lost.
        assert list(answer.revisions.order_by("id").values_list("body", flat=True)) == [
            "First text.",
            "Second text.",
        ]

    def test_saving_the_text_already_there_is_not_a_conflict(self, answer):
        actions.edit_answer(answer=answer, editor=answer.author, body="New.", base_version=1)

        actions.edit_answer(answer=answer, editor=answer.author, body="New.", base_version=1)

        answer.refresh_from_db()
        assert (answer.version, answer.revisions.count()) == (2, 1)

    def test_a_moderators_stale_question_edit_is_a_conflict(self):
        question = QuestionFactory(title="Original title here", body="Original text.")
        moderator = ModeratorFactory()
        url = reverse("moderation:edit_question", args=[question.pk])
        actions.edit_question(
            question=question,
            moderator=ModeratorFactory(),
            title="Someone else's title",
            body="Original text.",
            category=question.category,
            base_version=1,
        )

        response = as_user(moderator).post(
            url,
            {
                "title": "My better title",
                "body": "Original text.",
                "category": question.category.pk,
                "base_version": 1,
            },
        )

        assert response.status_code == HTTPStatus.CONFLICT
        assert "Someone else&#x27;s title" in response.text
        assert response.context["form"]["title"].value() == "My better title"
        question.refresh_from_db()
        assert question.title == "Someone else's title"

    def test_a_roll_back_from_an_old_page_changes_nothing(self, answer):
        actions.edit_answer(answer=answer, editor=answer.author, body="Second.", base_version=1)
        revision = answer.revisions.get()
        actions.edit_answer(answer=answer, editor=answer.author, body="Third.", base_version=2)
        moderator = as_user(ModeratorFactory())

        response = moderator.post(
            reverse("moderation:rollback", args=["answer", revision.pk]), {"base_version": 2}
        )

        assert response.status_code == HTTPStatus.FOUND
        answer.refresh_from_db()
        assert answer.body == "Third."
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("Nothing was rolled back" in m for m in messages)


class TestDoubleSubmits:
    @override_settings(ASK_RATE_NEW_ACCOUNT="1/h")
    def test_a_triple_click_on_ask_is_one_question_and_does_not_use_up_the_rate(self):
        massage = CategoryFactory()
        ExpertProfileFactory(categories=[massage])
        client = as_user(UserFactory())
        data = {
            "category": massage.pk,
            "title": "Sore calves after running",
            "body": "Both legs, for a week.",
            "visibility": "public",
            "submission_key": "6f1b8a3e-2d4c-4f3a-9a7e-0c5d1e2f3a4b",
        }

        responses = [client.post(reverse("forum:ask"), data) for _ in range(3)]

        question = Question.objects.get()
        assert [r.status_code for r in responses] == [HTTPStatus.FOUND] * 3
        assert {r.url for r in responses} == {question.get_absolute_url()}
        other = {**data, "submission_key": "0e3c2b1a-9f8e-4d7c-8b6a-5f4e3d2c1b0a"}
        assert client.post(reverse("forum:ask"), other).status_code == (
            HTTPStatus.TOO_MANY_REQUESTS
        )

    def test_a_rating_sent_again_unchanged_tells_no_one(
        self, answer, django_capture_on_commit_callbacks
    ):
        asker = as_user(answer.question.asker)
        url = reverse("forum:rate", args=[answer.pk])
        scores = {"knowledgeability": 9, "clarity": 9, "politeness": 9, "thank_you_note": "Thanks"}

        with django_capture_on_commit_callbacks(execute=True):
            first = asker.post(url, scores, follow=True)
            second = asker.post(url, scores, follow=True)

        assert "Thank you for rating" in first.text
        assert "Your rating is unchanged" in second.text
        notices = Notification.objects.filter(recipient=answer.author, kind="rating")
        assert notices.count() == 1
        assert len([m for m in mail.outbox if "rated your answer" in m.subject]) == 1

    def test_a_changed_rating_is_told(self, answer):
        asker = answer.question.asker
        actions.rate_answer(answer=answer, rater=asker, knowledgeability=5, clarity=5, politeness=5)

        _, outcome = actions.rate_answer(
            answer=answer, rater=asker, knowledgeability=9, clarity=5, politeness=5
        )

        assert outcome == "updated"
        assert Notification.objects.filter(recipient=answer.author, kind="rating").count() == 2

    def test_a_second_different_answer_keeps_its_text_in_the_edit_form(self, answer):
        client = as_user(answer.author)
        url = reverse("forum:answer_question", args=[answer.question_id])

        response = client.post(url, {"body": "A better answer, written in another tab."})

        assert response.status_code == HTTPStatus.OK
        assert "already answered" in response.text
        form = response.context["form"]
        assert form["body"].value() == "A better answer, written in another tab."
        assert form["base_version"].value() == answer.version
        saved = client.post(
            reverse("forum:edit_answer", args=[answer.pk]),
            {"body": form["body"].value(), "base_version": form["base_version"].value()},
        )
        assert saved.status_code == HTTPStatus.FOUND
        assert Answer.objects.get().body == "A better answer, written in another tab."

    def test_the_same_answer_sent_twice_is_one_answer(self, answer):
        again, created = actions.post_answer(
            question=answer.question, author=answer.author, body=answer.body
        )

        assert (again, created) == (answer, False)


class TestDailyLimit:
    def test_an_expert_at_their_limit_cannot_be_asked(self):
        massage = CategoryFactory()
        expert = ExpertProfileFactory(categories=[massage], daily_question_limit=1).user
        QuestionFactory(category=massage, expert=expert)

        with pytest.raises(Refused, match="reached today's limit"):
            actions.ask_question(
                asker=UserFactory(),
                category=massage,
                title="One question too many",
                body="Please?",
                visibility="public",
                expert=expert,
            )

        assert Question.objects.count() == 1

    def test_an_expert_on_vacation_or_of_another_category_cannot_be_asked(self):
        massage, law = CategoryFactory(), CategoryFactory()
        away = ExpertProfileFactory(categories=[massage], accepting_questions=False).user
        lawyer = ExpertProfileFactory(categories=[law]).user

        for expert, reason in ((away, "is away"), (lawyer, "does not answer")):
            with pytest.raises(Refused, match=reason):
                actions.ask_question(
                    asker=UserFactory(),
                    category=massage,
                    title="A question for you",
                    body="Please?",
                    visibility="private",
                    expert=expert,
                )
