"""The scorecard's figures, checked against values worked out by hand."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from experts import scorecard
from forum.actions import (
    ask_question,
    decline_question,
    post_answer,
    rate_answer,
    reroute_question,
    withdraw_question,
)
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    QuestionFactory,
    UserFactory,
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


# -- "Questions declined" counts every question ever addressed to the expert -----------------


@pytest.fixture
def routing():
    """Dora and Colin answer in knee pain; Ann asks Dora."""
    knees = CategoryFactory(name="Knee pain")
    return SimpleNamespace(
        knees=knees,
        dora=ExpertProfileFactory(user__display_name="Dora", categories=[knees]).user,
        colin=ExpertProfileFactory(user__display_name="Colin", categories=[knees]).user,
        ann=UserFactory(display_name="Ann"),
    )


def _ask(routing, title, *, visibility="public"):
    question, _ = ask_question(
        asker=routing.ann,
        category=routing.knees,
        title=title,
        body="It hurts.",
        visibility=visibility,
        expert=routing.dora,
    )
    return question


def _answered(routing, title):
    question = _ask(routing, title)
    post_answer(question=question, author=routing.dora, body="Rest it for two weeks.")
    return question


def _declined(routing, title, **kwargs):
    question = _ask(routing, title, **kwargs)
    decline_question(question=question, expert=routing.dora, reason="not_my_area")
    return question


def _reroute(routing, question, **kwargs):
    reroute_question(question=question, asker=routing.ann, category=routing.knees, **kwargs)


def _dora_share(routing):
    routing.dora.expert_profile.refresh_from_db()
    return routing.dora.expert_profile.decline_share


def test_a_declined_question_sent_to_another_expert_still_counts_as_addressed(routing):
    _answered(routing, "Outer knee pain when running")
    declined = _declined(routing, "Knee clicks on stairs")
    assert _dora_share(routing) == pytest.approx(0.5)

    _reroute(routing, declined, expert=routing.colin)

    # Was 100%: the question left Dora's count of addressed questions, not her declines.
    assert _dora_share(routing) == pytest.approx(0.5)
    html = Client().get(routing.dora.expert_profile.get_absolute_url()).text
    assert "50%" in html and "100%" not in html


def test_one_decline_in_five_questions_is_20_percent_after_the_question_is_rerouted(routing):
    for n in range(4):
        _answered(routing, f"Knee question number {n}")
    declined = _declined(routing, "Knee clicks on stairs")

    _reroute(routing, declined)  # to every expert of the category

    assert _dora_share(routing) == pytest.approx(0.2)  # was 25%
    assert scorecard.refresh(routing.dora.pk).decline_share == pytest.approx(0.2)


def test_rerouting_and_later_changes_recompute_the_decliners_figure(routing):
    _answered(routing, "Outer knee pain when running")
    private = _declined(routing, "A private knee question", visibility="private")
    assert _dora_share(routing) == pytest.approx(0.0)  # a private question counts for nobody

    _reroute(routing, private, make_public=True)

    assert _dora_share(routing) == pytest.approx(0.5)

    # Withdrawn once it has left Dora: it no longer counts for her either.
    withdraw_question(question=private, asker=routing.ann)

    assert _dora_share(routing) == pytest.approx(0.0)


def test_referrals_and_outcomes_count_public_visible_answers_only(dataset):
    """How often the expert refers on, and what askers said of following the advice: from the
    same answers as the answer count (the private and the hidden answer count for nothing),
    and apart from the ratings."""
    jeremy, answers = dataset
    mine = type(answers[0]).objects.filter(author=jeremy)
    assert mine.count() == 5  # three public, one private, one hidden
    mine.update(referral="doctor", referral_urgency="soon", outcome="helped")
    mine.filter(pk=answers[2].pk).update(referral="", referral_urgency="", outcome="did_not_help")

    profile = scorecard.refresh(jeremy.pk)

    assert (profile.referral_total, profile.outcome_helped, profile.outcome_not_helped) == (2, 2, 1)
    assert (profile.answer_total, profile.rating_total) == (3, 2)
    html = Client().get(profile.get_absolute_url()).text
    assert "In 67% of answers (2)" in html
    assert "2 helped, 1 did not" in html


def test_the_scorecard_refresh_costs_the_same_queries_with_the_new_figures(dataset):
    """Referrals and outcomes ride on the answers' grouped query: no query of their own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    jeremy, _ = dataset
    others = [ExpertProfileFactory().user.pk for _ in range(3)]

    with CaptureQueriesContext(connection) as one:
        scorecard.refresh(jeremy.pk)
    with CaptureQueriesContext(connection) as four:
        scorecard.refresh(jeremy.pk, *others)

    assert len(one) == len(four)
