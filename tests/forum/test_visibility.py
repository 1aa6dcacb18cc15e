"""Question.objects.visible_to(user) is the one rule every page, list and search uses."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError

from forum.models import Answer, FollowUp, Question
from tests.factories import (
    AnswerFactory,
    ExpertProfileFactory,
    FollowUpFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    expert = ExpertProfileFactory().user
    return {
        "asker": UserFactory(),
        "expert": expert,
        "other_expert": ExpertProfileFactory().user,
        "stranger": UserFactory(),
        "moderator": ModeratorFactory(),
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize(
    ("kind", "sees"),
    [
        ("public", {"asker", "expert", "other_expert", "stranger", "moderator", "anonymous"}),
        ("private", {"asker", "expert", "moderator"}),
        ("hidden", {"asker", "moderator"}),
        ("hidden_private", {"asker", "moderator"}),
    ],
)
def test_who_sees_a_question(people, kind, sees):
    question = QuestionFactory(
        asker=people["asker"],
        expert=people["expert"],
        visibility="private" if "private" in kind else "public",
        is_hidden="hidden" in kind,
    )

    for name, user in people.items():
        visible = Question.objects.visible_to(user).filter(pk=question.pk).exists()
        assert visible == (name in sees), name


def test_a_private_question_must_be_addressed_to_an_expert():
    with pytest.raises(IntegrityError):
        QuestionFactory(visibility="private", expert=None)


def test_hidden_answers_and_follow_ups_show_only_to_their_author_and_moderators(people):
    question = QuestionFactory(asker=people["asker"])
    answer = AnswerFactory(question=question, author=people["expert"], is_hidden=True)
    follow_up = FollowUpFactory(answer=answer, author=people["asker"], is_hidden=True)

    for name, user in people.items():
        assert Answer.objects.visible_to(user).filter(pk=answer.pk).exists() == (
            name in {"expert", "moderator"}
        ), name
        assert FollowUp.objects.shown_to(user).filter(pk=follow_up.pk).exists() == (
            name in {"asker", "moderator"}
        ), name


def test_answers_of_a_private_question_are_as_private_as_the_question(people):
    question = QuestionFactory(asker=people["asker"], expert=people["expert"], visibility="private")
    answer = AnswerFactory(question=question, author=people["expert"])

    assert not Answer.objects.visible_to(people["stranger"]).filter(pk=answer.pk).exists()
    assert not Answer.objects.public().filter(pk=answer.pk).exists()
    assert Answer.objects.visible_to(people["asker"]).filter(pk=answer.pk).exists()
