"""The scorecard's figures, checked against values worked out by hand."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from experts import scorecard
from forum.actions import decline_question, rate_answer
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset():
    """Jeremy: three public answers (2 h, 4 h and 9 h after the question), one private and
    one hidden answer (neither counts), two public ratings and one private one, and one
    declined question out of four public ones addressed to him."""
    massage = CategoryFactory(slug="massage")
    jeremy = ExpertProfileFactory(categories=[massage]).user
    now = timezone.now()
    answers = []
    for hours_ago, delay in ((50, 2), (30, 4), (10, 9)):
        asked = now - timedelta(hours=hours_ago)
        question = QuestionFactory(category=massage, expert=jeremy, created_at=asked)
        answers.append(
            AnswerFactory(
                question=question, author=jeremy, created_at=asked + timedelta(hours=delay)
            )
        )
    private = QuestionFactory(
        category=massage, expert=jeremy, visibility="private", created_at=now - timedelta(hours=5)
    )
    private_answer = AnswerFactory(
        question=private, author=jeremy, created_at=now - timedelta(hours=4)
    )
    AnswerFactory(
        question__category=massage,
        author=jeremy,
        is_hidden=True,
        created_at=now - timedelta(hours=1),
    )
    rate_answer(
        answer=answers[0],
        rater=answers[0].question.asker,
        knowledgeability=10,
        clarity=8,
        politeness=9,
        thank_you_note="Great",
    )
    rate_answer(
        answer=answers[1],
        rater=answers[1].question.asker,
        knowledgeability=6,
        clarity=7,
        politeness=8,
    )
    rate_answer(
        answer=private_answer, rater=private.asker, knowledgeability=1, clarity=1, politeness=1
    )
    declined = QuestionFactory(category=massage, expert=jeremy)
    decline_question(question=declined, expert=jeremy, reason="not_my_area")
    return jeremy, answers


def test_the_stored_figures_match_the_hand_computed_values(dataset):
    jeremy, answers = dataset
    profile = scorecard.refresh(jeremy.pk)

    assert profile.answer_total == 3
    assert profile.rating_total == 2
    assert profile.knowledgeability_average == pytest.approx(8.0)
    assert profile.clarity_average == pytest.approx(7.5)
    assert profile.politeness_average == pytest.approx(8.5)
    assert profile.rating_average == pytest.approx(8.0)
    assert profile.median_response == timedelta(hours=4)
    assert profile.decline_share == pytest.approx(0.25)
    assert profile.last_answer_at == answers[2].created_at


def test_the_figures_follow_new_answers_and_ratings_without_a_manual_refresh(dataset):
    jeremy, answers = dataset
    rate_answer(
        answer=answers[2],
        rater=answers[2].question.asker,
        knowledgeability=8,
        clarity=9,
        politeness=10,
    )

    jeremy.expert_profile.refresh_from_db()
    assert jeremy.expert_profile.rating_total == 3
    assert jeremy.expert_profile.knowledgeability_average == pytest.approx(8.0)
    assert jeremy.expert_profile.politeness_average == pytest.approx(9.0)


def test_the_charts_count_by_score_and_by_month(dataset):
    jeremy, _ = dataset
    charts = scorecard.charts(jeremy.expert_profile)

    assert dict(charts["ratings"]) == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 1, 8: 0, 9: 1, 10: 0}
    assert len(charts["months"]) == 12
    assert sum(n for _, n in charts["months"]) == 3
    assert charts["months"][-1][0] == timezone.localdate().strftime("%b %Y")


def test_the_profile_shows_the_scorecard_and_charts(client, dataset):
    jeremy, _ = dataset

    html = Client().get(jeremy.expert_profile.get_absolute_url()).text

    assert "Scorecard" in html
    assert "8.0/10 from 2 ratings" in html
    assert "about 4 hours" in html
    assert "25%" in html
    assert "<svg" in html and "chart-bar" in html


def test_lists_order_by_rating_answers_or_response_time(client):
    category = CategoryFactory()
    slow = ExpertProfileFactory(user__display_name="Slow Sam", categories=[category])
    fast = ExpertProfileFactory(user__display_name="Fast Fay", categories=[category])
    for expert, delay, count in ((slow, 30, 3), (fast, 1, 1)):
        for _ in range(count):
            question = QuestionFactory(
                category=category, created_at=timezone.now() - timedelta(hours=40)
            )
            AnswerFactory(
                question=question,
                author=expert.user,
                created_at=question.created_at + timedelta(hours=delay),
            )
    answer = fast.user.answers.get()
    rate_answer(
        answer=answer, rater=answer.question.asker, knowledgeability=10, clarity=10, politeness=10
    )
    unrated = ExpertProfileFactory(user__display_name="New Nia", categories=[category])

    def names(order):
        page = client.get(reverse("experts:directory") + f"?order={order}").context["page_obj"]
        return [p.user.display_name for p in page]

    assert names("rating") == ["Fast Fay", "Slow Sam", "New Nia"]
    assert names("answers") == ["Slow Sam", "Fast Fay", "New Nia"]
    assert names("response") == ["Fast Fay", "Slow Sam", "New Nia"]
    assert names("nonsense") == names("rating")
    category_page = client.get(category.get_absolute_url() + "?order=answers")
    assert [p.user.display_name for p in category_page.context["experts"]][:2] == [
        "Slow Sam",
        "Fast Fay",
    ]
    assert unrated.rating_average is None
