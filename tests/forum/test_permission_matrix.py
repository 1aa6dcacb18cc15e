"""Every write action, by every kind of visitor, on every state of a thread.

The rules come from forum.permissions (what a user may do on a thread they can
see), Question.objects.visible_to (who sees a thread) and the posting_required
guard (signed in, e-mail verified, not suspended). Each case posts once and
checks the response and the database: an allowed write happens, any other
request changes nothing at all.

The visitors:
    anonymous   not signed in
    unverified  a member who has not confirmed their e-mail
    asker       the member who asked the question
    member      another member
    expert      the expert the question is addressed to (Massage)
    colleague   another approved expert of the same category (Massage)
    outsider    an approved expert of another category (Law)
    suspended   a verified member, suspended indefinitely
    moderator   a moderator who is not an expert

The thread states (the question is addressed to the expert):
    public   a public thread
    private  a private thread: seen only by the asker, the expert and moderators
    locked   a public thread a moderator locked
    resolved a public thread the asker marked resolved
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from experts.models import Rating
from forum.models import Answer, AnswerRevision, Decline, FollowUp, Question
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "unverified",
    "asker",
    "member",
    "expert",
    "colleague",
    "outsider",
    "suspended",
    "moderator",
]
STATES = ["public", "private", "locked", "resolved"]

NEW_TEXT = "A new text written for this test, long enough for every form."
ASK_TITLE = "Knee pain after a long run"


# -- The people and the categories ------------------------------------------------------------


@pytest.fixture
def cast():
    health = CategoryFactory(name="Health", slug="health")
    massage = CategoryFactory(name="Massage", slug="massage", parent=health)
    law = CategoryFactory(name="Law", slug="law")
    return SimpleNamespace(
        health=health,
        massage=massage,
        law=law,
        anonymous=None,
        unverified=UserFactory(verified=False),
        asker=UserFactory(),
        member=UserFactory(),
        expert=ExpertProfileFactory(categories=[massage]).user,
        colleague=ExpertProfileFactory(categories=[massage]).user,
        outsider=ExpertProfileFactory(categories=[law]).user,
        suspended=UserFactory(suspended_at=timezone.now(), suspended_until=None),
        moderator=ModeratorFactory(),
    )


def client_for(user, **kwargs):
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


# -- The threads --------------------------------------------------------------------------------


def make_thread(cast, *, stage, state):
    """A question addressed to the expert at a stage of its life, in one of the STATES.

    stage: "awaiting" (no answer yet), "declined" (the expert declined it) or
    "answered" (the expert answered it). Returns (question, answer or None).
    """
    question = QuestionFactory(
        category=cast.massage,
        asker=cast.asker,
        expert=cast.expert,
        visibility="private" if state == "private" else "public",
        locked=state == "locked",
    )
    answer = None
    if stage == "answered":
        answer = AnswerFactory(question=question, author=cast.expert)
    elif stage == "declined":
        Decline.objects.create(question=question, expert=cast.expert, reason="not_my_area")
        question.status = "declined"
    if state == "resolved":
        question.status = "resolved"
    question.save()
    return question, answer


# -- The actions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    url_name: str
    on: str  # what the URL names: "question" or "answer"
    stage: str  # the question's stage the action is tried on (see make_thread)
    data: Callable  # (cast) -> the form data a real browser sends
    done: Callable  # (cast, actor, question, answer) -> the write happened


def _answered(cast, actor, question, answer):
    return question.answers.filter(author=actor).exists() and question.status == "answered"


def _declined(cast, actor, question, answer):
    declined = Decline.objects.filter(question=question, expert=actor).exists()
    return declined and question.status == "declined"


def _rerouted(cast, actor, question, answer):
    return question.expert == cast.colleague and question.status == "addressed"


def _resolved(cast, actor, question, answer):
    return question.status == "resolved"


def _followed_up(cast, actor, question, answer):
    return answer.follow_ups.filter(author=actor, body=NEW_TEXT).exists()


def _rated(cast, actor, question, answer):
    return Rating.objects.filter(answer=answer, rater=actor, knowledgeability=8).exists()


def _edited(cast, actor, question, answer):
    return answer.body == NEW_TEXT and answer.revisions.exists()


ACTIONS = {
    "answer": Action(
        "forum:answer_question", "question", "awaiting", lambda cast: {"body": NEW_TEXT}, _answered
    ),
    "decline": Action(
        "forum:decline",
        "question",
        "awaiting",
        lambda cast: {"reason": "not_my_area", "note": ""},
        _declined,
    ),
    "reroute": Action(
        "forum:reroute",
        "question",
        "declined",
        lambda cast: {"category": cast.massage.pk, "expert": cast.colleague.expert_profile.pk},
        _rerouted,
    ),
    "resolve": Action("forum:resolve", "question", "answered", lambda cast: {}, _resolved),
    "follow_up": Action(
        "forum:follow_up",
        "answer",
        "answered",
        lambda cast: {"body": NEW_TEXT, "submission_key": str(uuid.uuid4())},
        _followed_up,
    ),
    "rate": Action(
        "forum:rate",
        "answer",
        "answered",
        lambda cast: {
            "knowledgeability": 8,
            "clarity": 9,
            "politeness": 10,
            "thank_you_note": "Thanks",
        },
        _rated,
    ),
    "edit_answer": Action(
        "forum:edit_answer",
        "answer",
        "answered",
        lambda cast: {"body": NEW_TEXT, "base_version": 1},
        _edited,
    ),
}


def action_url(action, question, answer):
    target = question if ACTIONS[action].on == "question" else answer
    return reverse(ACTIONS[action].url_name, kwargs={"pk": target.pk})


def ask_data(cast, visibility="public", **overrides):
    return {
        "category": cast.massage.pk,
        "expert": cast.expert.expert_profile.pk,
        "title": ASK_TITLE,
        "body": "It hurts on the outside of the knee after ten kilometres.",
        "visibility": visibility,
        "submission_key": str(uuid.uuid4()),
        **overrides,
    }


# -- "Nothing changed" --------------------------------------------------------------------------

TRACKED = [Question, Answer, AnswerRevision, FollowUp, Decline, Rating]


def snapshot():
    """Every row of every table a forum write touches, every column."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TRACKED}


def assert_nothing_changed(before):
    assert snapshot() == before


# -- The expected outcome -----------------------------------------------------------------------

OK = "allowed: redirect, and the write happened"
FORBIDDEN = "403"
NOT_FOUND = "404"
LOGIN = "redirect to the login page"
VERIFY = "the 'verify your e-mail' page"
CANNOT_POST = "403 with the 'you can't post' page"
REFUSED = "the form again with an error"
# A repeat of a write already done (a double click): back to the result, nothing new.
ALREADY = "already"

# Who may do each action on a thread they can see, and in which states.
ALLOWED = {
    # The addressed expert, on a question still waiting for them.
    "answer": ({"expert"}, {"public", "private"}),
    "decline": ({"expert"}, {"public", "private"}),
    # The asker, after the expert declined.
    "reroute": ({"asker"}, {"public", "private"}),
    # The asker, once answered; a locked or already resolved thread cannot be resolved.
    "resolve": ({"asker"}, {"public", "private"}),
    # The two people of the conversation, while the thread takes new posts.
    "follow_up": ({"asker", "expert"}, {"public", "private"}),
    # Rating and editing go on after the thread is resolved; a lock stops them.
    "rate": ({"asker"}, {"public", "private", "resolved"}),
    "edit_answer": ({"expert"}, {"public", "private", "resolved"}),
}

SEES_PRIVATE = {"asker", "expert", "moderator"}


def expected(action, actor, state):
    # The posting guard answers first, before any thread is looked up, so these
    # answers are the same for every thread (and for one that does not exist).
    if actor == "anonymous":
        return LOGIN
    if actor == "unverified":
        return VERIFY
    if actor == "suspended":
        return CANNOT_POST
    # A private thread does not exist for those who may not see it.
    if state == "private" and actor not in SEES_PRIVATE:
        return NOT_FOUND
    if action == "resolve" and actor == "asker" and state == "resolved":
        return ALREADY
    actors, states = ALLOWED[action]
    return OK if actor in actors and state in states else FORBIDDEN


def assert_outcome(response, outcome, before):
    """Check the response for an outcome other than OK, and that nothing was written."""
    if outcome == LOGIN:
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("account_login") + "?next=")
    elif outcome == VERIFY:
        assert response.status_code == HTTPStatus.OK
        assert "account/verified_email_required.html" in [t.name for t in response.templates]
    elif outcome == CANNOT_POST:
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "accounts/cannot_post.html" in [t.name for t in response.templates]
    elif outcome == NOT_FOUND:
        assert response.status_code == HTTPStatus.NOT_FOUND
    elif outcome == FORBIDDEN:
        assert response.status_code == HTTPStatus.FORBIDDEN
    elif outcome == ALREADY:
        assert response.status_code == HTTPStatus.FOUND
    elif outcome == REFUSED:
        assert response.status_code == HTTPStatus.OK
        assert response.context["form"].errors
    else:
        raise AssertionError(f"unknown outcome {outcome!r}")
    assert_nothing_changed(before)


# -- The matrix ---------------------------------------------------------------------------------

MATRIX = [
    pytest.param(action, actor, state, id=f"{action}-{state}-{actor}")
    for action in ACTIONS
    for state in STATES
    for actor in ACTORS
]


@pytest.mark.parametrize(("action", "actor", "state"), MATRIX)
def test_thread_write(cast, action, actor, state):
    question, answer = make_thread(cast, stage=ACTIONS[action].stage, state=state)
    user = getattr(cast, actor)
    outcome = expected(action, actor, state)
    before = snapshot()

    response = client_for(user).post(
        action_url(action, question, answer), ACTIONS[action].data(cast)
    )

    if outcome == OK:
        assert response.status_code == HTTPStatus.FOUND, response.content[:500]
        question.refresh_from_db()
        if answer is not None:
            answer.refresh_from_db()
        assert ACTIONS[action].done(cast, user, question, answer)
    else:
        assert_outcome(response, outcome, before)


def _ask_case(actor, visibility):
    return pytest.param(actor, visibility, id=f"ask-{visibility}-{actor}")


def expected_ask(actor):
    if actor == "anonymous":
        return LOGIN
    if actor == "unverified":
        return VERIFY
    if actor == "suspended":
        return CANNOT_POST
    # Anyone else may ask the expert, except the expert themself.
    return REFUSED if actor == "expert" else OK


@pytest.mark.parametrize(
    ("actor", "visibility"),
    [_ask_case(actor, visibility) for visibility in ("public", "private") for actor in ACTORS],
)
def test_ask(cast, actor, visibility):
    user = getattr(cast, actor)
    outcome = expected_ask(actor)
    before = snapshot()

    response = client_for(user).post(reverse("forum:ask"), ask_data(cast, visibility))

    if outcome == OK:
        question = Question.objects.get(title=ASK_TITLE)
        assert response.status_code == HTTPStatus.FOUND
        assert response.url == question.get_absolute_url()
        assert (question.asker, question.expert) == (user, cast.expert)
        assert (question.visibility, question.status) == (visibility, "addressed")
    else:
        assert_outcome(response, outcome, before)


# -- Around the matrix --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "outcome"),
    [("anonymous", LOGIN), ("unverified", VERIFY), ("suspended", CANNOT_POST)],
    ids=["anonymous", "unverified", "suspended"],
)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_people_who_cannot_post_learn_nothing_about_a_private_thread(cast, action, actor, outcome):
    """They are turned away before any lookup: a private thread answers like a missing one."""
    question, answer = make_thread(cast, stage=ACTIONS[action].stage, state="private")
    missing = reverse(ACTIONS[action].url_name, kwargs={"pk": 999_999})
    client = client_for(getattr(cast, actor))
    before = snapshot()

    real = client.post(action_url(action, question, answer), ACTIONS[action].data(cast))
    assert_outcome(real, outcome, before)
    fake = client.post(missing, ACTIONS[action].data(cast))
    assert_outcome(fake, outcome, before)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_person_allowed_is_stopped_once_suspended(cast, action):
    question, answer = make_thread(cast, stage=ACTIONS[action].stage, state="public")
    (allowed, *_) = sorted(ALLOWED[action][0])
    user = getattr(cast, allowed)
    user.suspended_at = timezone.now()
    user.save(update_fields=["suspended_at"])
    before = snapshot()

    response = client_for(user).post(
        action_url(action, question, answer), ACTIONS[action].data(cast)
    )

    assert_outcome(response, CANNOT_POST, before)


def test_a_moderator_who_asked_may_do_what_an_asker_does(cast):
    question = QuestionFactory(category=cast.massage, asker=cast.moderator, expert=cast.expert)
    AnswerFactory(question=question, author=cast.expert)

    response = client_for(cast.moderator).post(reverse("forum:resolve", kwargs={"pk": question.pk}))

    assert response.status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert question.status == "resolved"


@pytest.mark.parametrize(
    ("actor", "outcome"),
    [
        ("expert", OK),
        ("colleague", OK),
        ("parent_expert", OK),  # an expert of Health answers in Health > Massage
        ("outsider", FORBIDDEN),
        ("pending_expert", FORBIDDEN),  # applied to Massage, not approved yet
        ("asker", FORBIDDEN),
        ("member", FORBIDDEN),
        ("moderator", FORBIDDEN),
    ],
)
def test_answering_an_open_question(cast, actor, outcome):
    """A question addressed to no one is open to every approved expert of its category."""
    cast.parent_expert = ExpertProfileFactory(categories=[cast.health]).user
    cast.pending_expert = ExpertProfileFactory(categories=[cast.massage], status="pending").user
    question = QuestionFactory(category=cast.massage, asker=cast.asker, expert=None)
    user = getattr(cast, actor)
    before = snapshot()

    response = client_for(user).post(
        reverse("forum:answer_question", kwargs={"pk": question.pk}), {"body": NEW_TEXT}
    )

    if outcome == OK:
        assert response.status_code == HTTPStatus.FOUND
        question.refresh_from_db()
        assert _answered(cast, user, question, None)
        assert question.expert is None
    else:
        assert_outcome(response, outcome, before)


def test_an_expert_answers_an_open_question_once(cast):
    """A second, different answer is refused, and its text goes into the edit form."""
    question = QuestionFactory(category=cast.massage, asker=cast.asker, expert=None)
    first = AnswerFactory(question=question, author=cast.colleague)
    before = snapshot()

    response = client_for(cast.colleague).post(
        reverse("forum:answer_question", kwargs={"pk": question.pk}), {"body": NEW_TEXT}
    )

    assert response.status_code == HTTPStatus.OK
    assert "You have already answered this question: edit your answer" in response.text
    assert response.context["form"]["body"].value() == NEW_TEXT
    assert response.context["answer"] == first
    assert_nothing_changed(before)


# -- Fields the forms do not have ---------------------------------------------------------------

# Who does each action in the extra-fields test: the one person allowed to.
DOER = {
    "ask": "asker",
    "answer": "expert",
    "decline": "expert",
    "reroute": "asker",
    "resolve": "asker",
    "follow_up": "asker",
    "rate": "asker",
    "edit_answer": "expert",
}
STATUS_AFTER = {
    "ask": "addressed",
    "answer": "answered",
    "decline": "declined",
    "reroute": "addressed",
    "resolve": "resolved",
    "follow_up": "answered",
    "rate": "answered",
    "edit_answer": "answered",
}


def forged_fields(cast, action):
    """What a tampered form adds: the bystander `member` everywhere a user goes."""
    member = cast.member.pk
    return {
        "author": member,
        "asker": member,
        "rater": member,
        "expert": member,  # on ask and re-address the real field wins (see below)
        "hidden_by": member,
        # Never the status the write itself leads to.
        "status": "answered" if STATUS_AFTER[action] == "declined" else "declined",
        "is_featured": "on",
        "featured_at": "2020-01-01 00:00",
        "is_hidden": "on",
        "hidden_reason": "forged",
        "answer_count": "99",
        "locked": "on",
        "visibility": "private",
        "submission_key": str(uuid.uuid4()),
    }


@pytest.mark.parametrize("action", ["ask", *ACTIONS])
def test_extra_form_fields_change_nothing(cast, action):
    user = getattr(cast, DOER[action])
    if action == "ask":
        question, answer = None, None
        url, data = reverse("forum:ask"), ask_data(cast)
    else:
        question, answer = make_thread(cast, stage=ACTIONS[action].stage, state="public")
        url, data = action_url(action, question, answer), ACTIONS[action].data(cast)

    response = client_for(user).post(url, {**forged_fields(cast, action), **data})

    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    question = question or Question.objects.get(title=ASK_TITLE)
    question.refresh_from_db()
    if action != "ask":
        if answer is not None:
            answer.refresh_from_db()
        assert ACTIONS[action].done(cast, user, question, answer)
    # The thread keeps what only the server sets.
    assert question.asker == cast.asker
    assert question.status == STATUS_AFTER[action]
    assert question.expert == (cast.colleague if action == "reroute" else cast.expert)
    assert (question.visibility, question.locked, question.is_hidden) == ("public", False, False)
    assert question.hidden_reason == ""
    assert question.answer_count == question.answers.count()
    # No post is featured or hidden, and the bystander is nobody's author, asker or expert.
    assert not Answer.objects.filter(Q(is_featured=True) | Q(is_hidden=True)).exists()
    assert not FollowUp.objects.filter(is_hidden=True).exists()
    member = cast.member
    assert not Question.objects.filter(Q(asker=member) | Q(expert=member)).exists()
    assert not Answer.objects.filter(author=member).exists()
    assert not FollowUp.objects.filter(author=member).exists()
    assert not Decline.objects.filter(expert=member).exists()
    assert not Rating.objects.filter(Q(rater=member) | Q(expert=member)).exists()
    if action == "rate":
        rating = Rating.objects.get(answer=answer)
        assert (rating.rater, rating.expert) == (cast.asker, cast.expert)


# -- Double submits and CSRF --------------------------------------------------------------------


def test_a_double_submitted_follow_up_is_posted_once(cast):
    _, answer = make_thread(cast, stage="answered", state="public")
    client = client_for(cast.asker)
    data = {"body": NEW_TEXT, "submission_key": str(uuid.uuid4())}
    url = reverse("forum:follow_up", kwargs={"pk": answer.pk})

    first = client.post(url, data)
    second = client.post(url, data)

    follow_up = FollowUp.objects.get()
    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert first.url == second.url == follow_up.get_absolute_url()


def test_a_double_submitted_question_is_asked_once(cast):
    client = client_for(cast.asker)
    data = ask_data(cast)

    first = client.post(reverse("forum:ask"), data)
    second = client.post(reverse("forum:ask"), data)

    question = Question.objects.get()
    assert first.url == second.url == question.get_absolute_url()


def test_a_double_submitted_answer_is_posted_once(cast):
    question, _ = make_thread(cast, stage="awaiting", state="public")
    client = client_for(cast.expert)
    url = reverse("forum:answer_question", kwargs={"pk": question.pk})

    client.post(url, {"body": NEW_TEXT})
    client.post(url, {"body": NEW_TEXT})

    question.refresh_from_db()
    assert Answer.objects.filter(question=question).count() == 1
    assert question.answer_count == 1


def test_the_second_submit_of_an_answer_lands_on_the_answer(cast):
    question, _ = make_thread(cast, stage="awaiting", state="public")
    client = client_for(cast.expert)
    url = reverse("forum:answer_question", kwargs={"pk": question.pk})

    first = client.post(url, {"body": NEW_TEXT})
    second = client.post(url, {"body": NEW_TEXT})

    answer = Answer.objects.get(question=question)
    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert second.url == answer.get_absolute_url()


def test_a_post_without_a_csrf_token_is_refused(cast):
    question, _ = make_thread(cast, stage="awaiting", state="public")
    client = client_for(cast.expert, enforce_csrf_checks=True)
    before = snapshot()

    response = client.post(
        reverse("forum:answer_question", kwargs={"pk": question.pk}), {"body": NEW_TEXT}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert_nothing_changed(before)
