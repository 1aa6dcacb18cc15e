"""The life of a question (forum.lifecycle): every step, from every state, by everyone.

The matrix is built from lifecycle.STEPS and QuestionStatus, so a new step or
state changes it. What is expected is written here from the rules in words,
never by asking forum.permissions:

    A member's step is allowed when the question is in one of the step's
    sources, the person is the one the step names, and the thread is
    neither locked nor hidden:
        answer   the expert asked; on an open question, any expert of its category
        decline  the expert asked
        reroute, resolve, reopen, edit, withdraw, ask_again   the asker
    A withdrawn question exists only for its asker and the moderators, as a
    hidden one does.
    An allowed request lands in one of the step's targets. Anything else
    changes nothing and answers with the refusal the permission matrix
    (tests/forum/test_permission_matrix.py) names: the login page, the
    "verify your e-mail" page, 403 "you can't post", 404 for a thread the
    person may not see, 403 otherwise.

The system's steps (expire, expert_away, answer_hidden, answer_shown) move
exactly the states in their sources, and nothing else. Then come the cases
the lifecycle was built for, each a test of its own.

The people are those of the permission matrix; `helper` is one more expert of
Massage, who answers the open questions so that the roles have not.
"""

import io
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.actions import Refused, suspend_user
from accounts.models import Notification
from experts import actions as expert_actions
from experts.forms import AvailabilityForm
from experts.models import ExpertProfile, start_of_today
from forum import actions, lifecycle
from forum.models import (
    Answer,
    Decline,
    FollowUp,
    Question,
    QuestionRevision,
    QuestionStatus,
    ReturnReason,
)
from tests.factories import (
    CategoryFactory,
    ExpertProfileFactory,
    FollowUpFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)
from tests.forum.test_permission_matrix import (
    ALREADY,
    CANNOT_POST,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    TRACKED,
    VERIFY,
    client_for,
)

pytestmark = pytest.mark.django_db

S = QuestionStatus
ROLES = [
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
NEW_TEXT = "A new text written for this test, long enough for every form."
EDITED_TITLE = "My knee hurts after running, edited"
FIRST_ANSWER = "Rest it for two weeks, then see how it feels."
OTHERS = "You can ask another expert, every expert of the category, or another category below."
# An expert answering again gets the edit form of the answer they wrote: nothing is posted.
ANSWERED_ALREADY = "200 with the edit form of their own answer"


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
        helper=ExpertProfileFactory(categories=[massage]).user,
    )


# -- The states, and how a thread gets there ----------------------------------------------------

# How each state is reached: through a question addressed to the expert, or an open one.
# Answered, resolved and withdrawn are reached both ways; only an addressed question is
# declined or returned (hiding the answer of an open one makes it open again).
ROUTES = {
    S.ADDRESSED: ("addressed",),
    S.OPEN: ("open",),
    S.ANSWERED: ("addressed", "open"),
    S.DECLINED: ("addressed",),
    S.RETURNED: ("addressed",),
    S.RESOLVED: ("addressed", "open"),
    S.WITHDRAWN: ("addressed", "open"),
}
VARIANTS = [(state, route) for state in S for route in ROUTES.get(state, ())]


def variant_id(state, route):
    return state.value if len(ROUTES[state]) == 1 else f"{state.value}({route})"


def long_ago():
    """Older than the expiry delay: an addressed question this old is overdue."""
    return timezone.now() - timedelta(days=settings.QUESTION_EXPIRY_DAYS, hours=1)


def answerer(cast, route):
    """Who answered a thread: the expert asked, or (open) the helper, none of the roles."""
    return cast.expert if route == "addressed" else cast.helper


def build(cast, state, route="addressed", **fields):
    """A question of the asker's in Massage, brought to `state` through the actions."""
    question = QuestionFactory(
        category=cast.massage,
        asker=cast.asker,
        expert=cast.expert if route == "addressed" else None,
        **fields,
    )
    if state == S.DECLINED:
        actions.decline_question(question=question, expert=cast.expert, reason="not_my_area")
    elif state == S.RETURNED:
        Question.objects.filter(pk=question.pk).update(addressed_at=long_ago())
        assert actions.expire_question(question=question)
    elif state in (S.ANSWERED, S.RESOLVED):
        actions.post_answer(question=question, author=answerer(cast, route), body=FIRST_ANSWER)
        if state == S.RESOLVED:
            actions.resolve_question(question=question, asker=cast.asker)
    elif state == S.WITHDRAWN:
        actions.withdraw_question(question=question, asker=cast.asker)
    question.refresh_from_db()
    assert question.status == state
    return question


def force(question, state):
    """Put a question in `state` directly: only where the test is about the table itself."""
    reason = ReturnReason.NO_ANSWER if state == S.RETURNED else ""
    Question.objects.filter(pk=question.pk).update(status=state, returned_reason=reason)
    question.refresh_from_db()


# -- "Nothing changed" --------------------------------------------------------------------------


def snapshot():
    """Every row of every table a thread write touches, and the notifications."""
    models = [*TRACKED, Notification]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def assert_refused(response, outcome, before):
    """The response is the refusal `outcome`, and nothing at all was written."""
    templates = [t.name for t in response.templates]
    if outcome == LOGIN:
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("account_login") + "?next=")
    elif outcome == VERIFY:
        assert response.status_code == HTTPStatus.OK
        assert "account/verified_email_required.html" in templates
    elif outcome == CANNOT_POST:
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "accounts/cannot_post.html" in templates
    elif outcome == NOT_FOUND:
        assert response.status_code == HTTPStatus.NOT_FOUND
    elif outcome == FORBIDDEN:
        assert response.status_code == HTTPStatus.FORBIDDEN
    elif outcome == ALREADY:
        assert response.status_code == HTTPStatus.FOUND
    elif outcome == ANSWERED_ALREADY:
        assert response.status_code == HTTPStatus.OK
        assert "You have already answered this question" in response.text
    else:
        raise AssertionError(f"unknown outcome {outcome!r}")
    assert snapshot() == before


def standing(response):
    return response.context["standing"]


def inbox_ids(user, tab="addressed"):
    response = client_for(user).get(reverse("forum:inbox"), {"tab": tab})
    assert response.status_code == HTTPStatus.OK
    return [item.pk for item in response.context["page_obj"]]


def told(user, kind, question):
    return Notification.objects.filter(recipient=user, kind=kind, thread_id=question.pk)


# -- The table itself ---------------------------------------------------------------------------

# lifecycle.STEPS as the issue puts it in words: (sources, targets).
TABLE = {
    "ask": ({None}, {S.ADDRESSED, S.OPEN}),
    "answer": ({S.ADDRESSED, S.OPEN, S.ANSWERED}, {S.ANSWERED}),
    "decline": ({S.ADDRESSED}, {S.DECLINED}),
    "reroute": ({S.DECLINED, S.RETURNED, S.OPEN}, {S.ADDRESSED, S.OPEN}),
    "expire": ({S.ADDRESSED}, {S.RETURNED}),
    "expert_away": ({S.ADDRESSED}, {S.RETURNED}),
    "answer_hidden": ({S.ANSWERED}, {S.RETURNED, S.OPEN}),
    "answer_shown": ({S.ADDRESSED, S.OPEN, S.DECLINED, S.RETURNED}, {S.ANSWERED}),
    "resolve": ({S.ANSWERED}, {S.RESOLVED}),
    "reopen": ({S.RESOLVED}, {S.ANSWERED}),
    # Until answered the asker edits (the state is kept, or an addressed public question
    # moved out of its expert's categories opens), withdraws, and asks again.
    "edit": (
        {S.ADDRESSED, S.OPEN, S.DECLINED, S.RETURNED},
        {S.ADDRESSED, S.OPEN, S.DECLINED, S.RETURNED},
    ),
    "withdraw": ({S.ADDRESSED, S.OPEN, S.DECLINED, S.RETURNED}, {S.WITHDRAWN}),
    "ask_again": ({S.WITHDRAWN}, {S.ADDRESSED, S.OPEN, S.DECLINED, S.RETURNED}),
}

# The steps a member takes with a POST: the URL, and the form a browser sends.
URL_STEPS: dict[str, tuple[str, Callable]] = {
    "answer": ("forum:answer_question", lambda cast: {"body": NEW_TEXT}),
    "decline": ("forum:decline", lambda cast: {"reason": "not_my_area", "note": ""}),
    "reroute": (
        "forum:reroute",
        lambda cast: {"category": cast.massage.pk, "expert": cast.colleague.expert_profile.pk},
    ),
    "resolve": ("forum:resolve", lambda cast: {}),
    "reopen": ("forum:reopen", lambda cast: {}),
    "edit": (
        "forum:edit_question",
        lambda cast: {
            "title": EDITED_TITLE,
            "body": NEW_TEXT,
            "category": cast.massage.pk,
            "visibility": "public",
            "base_version": 1,
        },
    ),
    "withdraw": ("forum:withdraw", lambda cast: {}),
    "ask_again": ("forum:ask_again", lambda cast: {}),
}
# The steps the system takes (section 2); "ask" has no thread before it (the permission matrix).
SYSTEM_STEPS = {"expire", "expert_away", "answer_hidden", "answer_shown"}
# Where an allowed request lands: the form above re-routes to one expert; an edit
# within the category keeps the state; asking again goes back to who was asked.
LANDS_IN = {
    "answer": S.ANSWERED,
    "decline": S.DECLINED,
    "reroute": S.ADDRESSED,
    "resolve": S.RESOLVED,
    "reopen": S.ANSWERED,
    "withdraw": S.WITHDRAWN,
}


def lands_in(step, state, route):
    if step == "edit":
        return state
    if step == "ask_again":
        return S.ADDRESSED if route == "addressed" else S.OPEN
    return LANDS_IN[step]


def test_the_table_of_steps_is_the_one_in_words():
    """Every step leaves from and leads to the states the lifecycle was specified with."""
    table = {step.name: (set(step.sources), set(step.targets)) for step in lifecycle.STEPS}
    assert table == TABLE
    assert {step.name: step for step in lifecycle.STEPS} == lifecycle.TRANSITIONS


def test_every_step_and_state_is_covered_by_these_tests():
    """A new step must be classed (a member's with a URL, or the system's); a new state needs
    a way to reach it in ROUTES, or the matrix would silently skip it."""
    names = {step.name for step in lifecycle.STEPS}
    assert names == {"ask", *URL_STEPS, *SYSTEM_STEPS}
    assert set(ROUTES) == set(S)
    assert {state for state, _ in VARIANTS} == set(S)


def test_no_state_is_a_dead_end():
    """Every state is the source of some step: returned and declined lead back to waiting,
    resolved can be reopened."""
    for state in S:
        assert any(state in step.sources for step in lifecycle.STEPS), state


# -- 1. The members' steps: every step x every state x every role -------------------------------


def takers(step, route):
    """The roles the step names (the rules in words)."""
    if step == "answer":
        # The expert asked; on an open question, any expert of its category.
        return {"expert"} if route == "addressed" else {"expert", "colleague"}
    if step == "decline":
        return {"expert"}
    return {"asker"}  # reroute, resolve, reopen, edit, withdraw, ask_again


GUARD = {"anonymous": LOGIN, "unverified": VERIFY, "suspended": CANNOT_POST}


def expected(step, state, route, role, flag=None):
    # The posting guard answers first, the same for every thread.
    if role in GUARD:
        return GUARD[role]
    # A hidden or withdrawn question exists only for its asker and the moderators.
    if (flag == "hidden" or state == S.WITHDRAWN) and role not in {"asker", "moderator"}:
        return NOT_FOUND
    # Double clicks: a resolve of a resolved thread, a second decline, a second withdrawal,
    # asking again a question asked again already.
    if step == "resolve" and state == S.RESOLVED and role == "asker":
        return ALREADY
    if step == "withdraw" and state == S.WITHDRAWN and role == "asker" and flag is None:
        return ALREADY
    if step == "ask_again" and state in lifecycle.UNANSWERED and role == "asker":
        return ALREADY
    if step == "decline" and state == S.DECLINED and role == "expert":
        return ALREADY
    # The expert asked wrote the answer of an answered (or resolved) addressed question.
    answered = state in (S.ANSWERED, S.RESOLVED) and route == "addressed"
    if step == "answer" and role == "expert" and answered:
        return ANSWERED_ALREADY
    sources = lifecycle.TRANSITIONS[step].sources
    if flag is None and state in sources and role in takers(step, route):
        return OK
    return FORBIDDEN


def post_step(cast, step, role, question):
    url_name, data = URL_STEPS[step]
    url = reverse(url_name, kwargs={"pk": question.pk})
    return client_for(getattr(cast, role)).post(url, data(cast))


def assert_step_taken(cast, step, role, question, response, state, route):
    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    question.refresh_from_db()
    assert question.status == lands_in(step, state, route)
    assert question.status in lifecycle.TRANSITIONS[step].targets
    user = getattr(cast, role)
    if step == "answer":
        assert Answer.objects.filter(question=question, author=user, body=NEW_TEXT).exists()
    elif step == "decline":
        assert Decline.objects.filter(question=question, expert=user).exists()
    elif step == "reroute":
        assert (question.expert, question.returned_reason) == (cast.colleague, "")
    elif step == "edit":
        assert (question.title, question.body, question.version) == (EDITED_TITLE, NEW_TEXT, 2)
        assert QuestionRevision.objects.filter(question=question, edited_by=user).exists()
    elif step == "ask_again":
        assert question.withdrawn_from == ""


MEMBER_STEPS = [step.name for step in lifecycle.STEPS if step.name in URL_STEPS]
MATRIX = [
    pytest.param(step, state, route, role, id=f"{step}-{variant_id(state, route)}-{role}")
    for step in MEMBER_STEPS
    for state, route in VARIANTS
    for role in ROLES
]


@pytest.mark.parametrize(("step", "state", "route", "role"), MATRIX)
def test_a_members_step(cast, step, state, route, role):
    """Allowed exactly from the step's sources, for the person it names; it lands in a target.
    Anything else is refused and changes nothing."""
    question = build(cast, state, route)
    outcome = expected(step, state, route, role)
    before = snapshot()

    response = post_step(cast, step, role, question)

    if outcome == OK:
        assert_step_taken(cast, step, role, question, response, state, route)
    else:
        assert_refused(response, outcome, before)


def first_source(step):
    """The first state (and route) the step may leave from."""
    return next(v for v in VARIANTS if v[0] in lifecycle.TRANSITIONS[step].sources)


FLAGGED = [
    pytest.param(step, flag, role, id=f"{step}-{flag}-{role}")
    for step in MEMBER_STEPS
    for flag in ("locked", "hidden")
    for role in ROLES
]


@pytest.mark.parametrize(("step", "flag", "role"), FLAGGED)
def test_a_locked_or_hidden_thread_takes_no_members_step(cast, step, flag, role):
    """From a state the step leaves from, a lock or a hide refuses it to everyone."""
    state, route = first_source(step)
    question = build(cast, state, route)
    if flag == "locked":
        actions.set_locked(question=question, moderator=cast.moderator, locked=True)
    else:
        actions.hide(item=question, moderator=cast.moderator, reason="Off-topic.")
    outcome = expected(step, state, route, role, flag)
    assert outcome != OK
    before = snapshot()

    response = post_step(cast, step, role, question)

    assert_refused(response, outcome, before)


# -- 2. The system's steps ------------------------------------------------------------------------


def build_every_variant(cast):
    """One question in each state, each way: {variant: question}."""
    return {(state, route): build(cast, state, route) for state, route in VARIANTS}


def standings(questions):
    """(status, return reason, expert, category) of each question, read fresh."""
    rows = Question.objects.in_bulk([q.pk for q in questions.values()])
    return {
        key: (
            rows[q.pk].status,
            rows[q.pk].returned_reason,
            rows[q.pk].expert_id,
            rows[q.pk].category_id,
        )
        for key, q in questions.items()
    }


def assert_moved_only_the_sources(step, before, after, target, reason=""):
    """Questions in the step's sources are now in `target` (one of its targets); the rest
    did not move at all."""
    assert target in lifecycle.TRANSITIONS[step].targets
    for key, (status, *rest) in before.items():
        if status in lifecycle.TRANSITIONS[step].sources:
            assert after[key] == (target, reason, *rest[1:]), key
        else:
            assert after[key] == before[key], key


def expire_each(cast, questions):
    moved = {key: actions.expire_question(question=q) for key, q in questions.items()}
    assert moved == {key: key[0] == S.ADDRESSED for key in questions}


def run_lifecycle():
    call_command("run_lifecycle", stdout=io.StringIO())


@pytest.mark.parametrize("trigger", ["expire_question", "run_lifecycle"])
def test_the_expire_step(cast, trigger):
    """Past QUESTION_EXPIRY_DAYS, only a question waiting for its expert goes back (no_answer)."""
    questions = build_every_variant(cast)
    Question.objects.filter(pk__in=[q.pk for q in questions.values()]).update(
        addressed_at=long_ago()
    )
    before = standings(questions)

    if trigger == "expire_question":
        expire_each(cast, questions)
    else:
        run_lifecycle()

    after = standings(questions)
    assert_moved_only_the_sources("expire", before, after, S.RETURNED, ReturnReason.NO_ANSWER)


def set_away(user, until=None):
    """The expert unticks "Accepting questions" on their page (optionally with a date)."""
    profile = ExpertProfile.objects.get(user=user)
    form = AvailabilityForm(
        {
            "away_until": until.isoformat() if until else "",
            "daily_question_limit": profile.daily_question_limit,
            "time_zone": profile.time_zone,
        },
        instance=profile,
    )
    assert form.is_valid(), form.errors
    expert_actions.set_availability(user=user, form=form)


def silently_away_then_run_lifecycle(cast):
    # Marked away without the action (an admin edit, an import): the command catches up.
    ExpertProfile.objects.filter(user=cast.expert).update(accepting_questions=False)
    run_lifecycle()


STOPS = {
    "member suspension": lambda cast: suspend_user(
        user=cast.expert, moderator=cast.moderator, reason="Spam."
    ),
    "expert suspension": lambda cast: expert_actions.suspend(
        profile=cast.expert.expert_profile, moderator=cast.moderator, reason="Complaints."
    ),
    "away": lambda cast: set_away(cast.expert),
    "away, then run_lifecycle": silently_away_then_run_lifecycle,
}


@pytest.mark.parametrize("trigger", list(STOPS))
def test_the_expert_away_step(cast, trigger, django_capture_on_commit_callbacks):
    """When the expert asked stops taking questions, only the questions waiting for them go
    back (expert_away); answered, declined, returned, resolved and open ones stay."""
    questions = build_every_variant(cast)
    before = standings(questions)

    with django_capture_on_commit_callbacks(execute=True):
        STOPS[trigger](cast)

    after = standings(questions)
    assert_moved_only_the_sources(
        "expert_away", before, after, S.RETURNED, ReturnReason.EXPERT_AWAY
    )


def test_the_answer_hidden_step(cast):
    """Hiding the only answer moves only an answered question: back to the asker when it was
    addressed, back to open when it was open. Every other state stays where it is."""
    for state, route in VARIANTS:
        question = build(cast, S.ANSWERED, route)
        force(question, state)
        answer = question.answers.get()

        actions.hide(item=answer, moderator=cast.moderator, reason="Unsafe advice.")

        question.refresh_from_db()
        moved = state in lifecycle.TRANSITIONS["answer_hidden"].sources
        if not moved:
            assert question.status == state, (state, route)
        elif route == "addressed":
            assert (question.status, question.returned_reason) == (
                S.RETURNED,
                ReturnReason.ANSWER_HIDDEN,
            )
        else:
            assert (question.status, question.returned_reason) == (S.OPEN, "")
        assert question.status in {state} | lifecycle.TRANSITIONS["answer_hidden"].targets
        # The asker hears of it when this step brought the question back to them, and only then.
        returned = told(cast.asker, "returned", question).count()
        assert returned == (1 if moved and route == "addressed" else 0), (state, route)


def test_the_answer_shown_step(cast):
    """Restoring the only answer makes answered exactly the states waiting or back with the
    asker (addressed, open, declined, returned); answered and resolved stay."""
    for state, route in VARIANTS:
        question = build(cast, S.ANSWERED, route)
        answer = question.answers.get()
        actions.hide(item=answer, moderator=cast.moderator, reason="Unsafe advice.")
        force(question, state)

        actions.restore(item=answer, moderator=cast.moderator)

        question.refresh_from_db()
        if state in lifecycle.TRANSITIONS["answer_shown"].sources:
            assert (question.status, question.returned_reason) == (S.ANSWERED, ""), state
        else:
            assert question.status == state, (state, route)
        assert question.answer_count == 1


# -- 3. The cases of the issue ------------------------------------------------------------------

# 3.1 The only answer of an addressed question is hidden.


def hide_the_answer(cast, answer, how):
    if how == "by a moderator":
        actions.hide(item=answer, moderator=cast.moderator, reason="Unsafe advice.")
    else:
        for _ in range(settings.FLAGS_TO_AUTO_HIDE):
            actions.flag(item=answer, flagger=UserFactory(), reason="dangerous")
    answer.refresh_from_db()
    assert answer.is_hidden


HOW_HIDDEN = ["by a moderator", "by flags"]


@pytest.mark.parametrize("how", HOW_HIDDEN)
def test_hiding_the_only_answer_sends_the_question_back_to_its_asker(cast, how):
    """Returned (answer_hidden); the asker is told, and their page offers to ask someone else;
    the question is in no inbox tab of the expert who answered."""
    question = build(cast, S.ANSWERED)

    hide_the_answer(cast, question.answers.get(), how)

    question.refresh_from_db()
    assert (question.status, question.returned_reason) == (S.RETURNED, ReturnReason.ANSWER_HIDDEN)
    assert told(cast.asker, "returned", question).count() == 1
    page = client_for(cast.asker).get(question.get_absolute_url())
    assert standing(page).sentence == f"The answer was hidden by the moderators. {OTHERS}"
    assert page.context["can_reroute"]
    assert "Ask someone else" in page.text
    assert f'action="{reverse("forum:reroute", kwargs={"pk": question.pk})}"' in page.text
    for tab in ("addressed", "open", "replies"):
        assert question.pk not in inbox_ids(cast.expert, tab)
    # A moderator confirming the hide moves nothing more, and tells no one twice.
    actions.hide(item=question.answers.get(), moderator=cast.moderator, reason="Confirmed.")
    question.refresh_from_db()
    assert (question.status, question.returned_reason) == (S.RETURNED, ReturnReason.ANSWER_HIDDEN)
    assert told(cast.asker, "returned", question).count() == 1


REROUTES = {
    "to another expert": ("massage", "colleague", S.ADDRESSED),
    "to every expert of the category": ("massage", None, S.OPEN),
    "to every expert of another category": ("law", None, S.OPEN),
    "to an expert of another category": ("law", "outsider", S.ADDRESSED),
}


@pytest.mark.parametrize("where", list(REROUTES))
def test_the_asker_reroutes_a_question_whose_answer_was_hidden_in_one_step(cast, where):
    """One POST of the reroute form sends the question on, waiting again."""
    question = build(cast, S.ANSWERED)
    hide_the_answer(cast, question.answers.get(), "by a moderator")
    category_name, expert_role, status = REROUTES[where]
    category = getattr(cast, category_name)
    expert = getattr(cast, expert_role) if expert_role else None

    response = client_for(cast.asker).post(
        reverse("forum:reroute", kwargs={"pk": question.pk}),
        {"category": category.pk, "expert": expert.expert_profile.pk if expert else ""},
    )

    assert response.status_code == HTTPStatus.FOUND, response.content[:800]
    assert response.url == question.get_absolute_url()
    question.refresh_from_db()
    assert (question.status, question.returned_reason) == (status, "")
    assert (question.expert, question.category) == (expert, category)
    if expert is not None:
        assert told(expert, "question_addressed", question).count() == 1
        assert question.pk in inbox_ids(expert)
    # Only an open question may be sent on again (until an expert answers it).
    page = client_for(cast.asker).get(question.get_absolute_url())
    assert page.context["can_reroute"] == (status == S.OPEN)


def test_a_private_question_opens_to_the_category_only_when_the_asker_makes_it_public(cast):
    """Sent back to its asker, a private question goes to one expert; to every expert of the
    category only with "Make my question public" ticked."""
    question = build(cast, S.ANSWERED, visibility="private")
    hide_the_answer(cast, question.answers.get(), "by a moderator")
    asker = client_for(cast.asker)
    url = reverse("forum:reroute", kwargs={"pk": question.pk})
    before = snapshot()

    refused = asker.post(url, {"category": cast.massage.pk, "expert": ""})

    assert refused.status_code == HTTPStatus.OK
    assert refused.context["reroute_form"].errors["make_public"]
    assert snapshot() == before

    response = asker.post(url, {"category": cast.massage.pk, "expert": "", "make_public": "on"})

    assert response.status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert (question.status, question.visibility, question.expert) == (S.OPEN, "public", None)


@pytest.mark.parametrize(
    ("how", "undo"), [("by a moderator", "restore"), ("by flags", "dismiss the flags")]
)
def test_showing_the_answer_again_makes_the_question_answered(cast, how, undo):
    """The moderators restore the answer (or dismiss the flags that hid it): answered again."""
    question = build(cast, S.ANSWERED)
    answer = question.answers.get()
    hide_the_answer(cast, answer, how)

    if undo == "restore":
        actions.restore(item=answer, moderator=cast.moderator)
    else:
        actions.dismiss_flags(item=answer, moderator=cast.moderator)

    question.refresh_from_db()
    assert (question.status, question.returned_reason) == (S.ANSWERED, "")
    assert question.answer_count == 1
    page = client_for(cast.asker).get(question.get_absolute_url())
    assert standing(page).label == "Answered"
    assert not page.context["can_reroute"]


# 3.2 The expert asked is suspended, or goes away.

STOPS_OF_THE_ISSUE = ["member suspension", "expert suspension", "away"]


@pytest.mark.parametrize("trigger", STOPS_OF_THE_ISSUE)
def test_the_questions_of_an_expert_who_stops_go_back_to_their_askers(
    cast, trigger, django_capture_on_commit_callbacks
):
    """Every question waiting for them goes back (expert_away), and each asker is told; their
    answered threads and the questions waiting for others stay."""
    first = build(cast, S.ADDRESSED)
    second = QuestionFactory(category=cast.massage, asker=cast.member, expert=cast.expert)
    answered = build(cast, S.ANSWERED)
    elsewhere = QuestionFactory(category=cast.massage, asker=cast.member, expert=cast.colleague)

    with django_capture_on_commit_callbacks(execute=True):
        STOPS[trigger](cast)

    for question, asker in ((first, cast.asker), (second, cast.member)):
        question.refresh_from_db()
        assert (question.status, question.returned_reason) == (
            S.RETURNED,
            ReturnReason.EXPERT_AWAY,
        )
        assert told(asker, "returned", question).count() == 1
        page = client_for(asker).get(question.get_absolute_url())
        name = cast.expert.display_name
        assert standing(page).sentence == f"{name} is not taking questions now. {OTHERS}"
        assert page.context["can_reroute"]
    for question in (answered, elsewhere):
        status = question.status
        question.refresh_from_db()
        assert question.status == status
        assert not Notification.objects.filter(kind="returned", thread_id=question.pk).exists()


# 3.3 Not answered in time.


def test_a_question_not_answered_in_time_goes_back_to_its_asker(cast):
    """run_lifecycle returns it (no_answer); the asker and the expert are both told."""
    question = build(cast, S.ADDRESSED, addressed_at=long_ago())
    out = io.StringIO()

    call_command("run_lifecycle", stdout=out)

    question.refresh_from_db()
    assert (question.status, question.returned_reason) == (S.RETURNED, ReturnReason.NO_ANSWER)
    assert "1 unanswered in time" in out.getvalue()
    assert told(cast.asker, "returned", question).count() == 1
    to_expert = told(cast.expert, "question_addressed", question).get()
    assert "went back to" in to_expert.title
    page = client_for(cast.asker).get(question.get_absolute_url())
    days = settings.QUESTION_EXPIRY_DAYS
    assert standing(page).sentence == (
        f"{cast.expert.display_name} did not answer within {days} days. {OTHERS}"
    )
    assert page.context["can_reroute"]
    assert question.pk not in inbox_ids(cast.expert)


@pytest.mark.parametrize(
    "age",
    [timedelta(days=0), timedelta(days=settings.QUESTION_EXPIRY_DAYS) - timedelta(minutes=5)],
    ids=["just asked", "five minutes before the deadline"],
)
def test_nothing_expires_before_the_deadline(cast, age):
    """Before QUESTION_EXPIRY_DAYS are up, run_lifecycle moves nothing and tells no one."""
    question = build(cast, S.ADDRESSED, addressed_at=timezone.now() - age)
    before = snapshot()

    run_lifecycle()

    assert snapshot() == before
    assert actions.expire_question(question=question) is False


@pytest.mark.parametrize("flag", ["locked", "hidden"])
def test_a_locked_or_hidden_question_does_not_expire(cast, flag):
    """The lock (or hide) keeps the question where it is, however old."""
    question = build(cast, S.ADDRESSED, addressed_at=long_ago())
    if flag == "locked":
        actions.set_locked(question=question, moderator=cast.moderator, locked=True)
    else:
        actions.hide(item=question, moderator=cast.moderator, reason="Off-topic.")

    run_lifecycle()

    question.refresh_from_db()
    assert question.status == S.ADDRESSED
    assert not told(cast.asker, "returned", question).exists()


# 3.4 A locked thread.


def test_a_locked_thread_says_so_and_leaves_the_inbox_until_unlocked(cast):
    """The status text says it is locked (not "will answer here") for everyone; the expert's
    inbox drops it; asker and expert get a thread_update, on lock and on unlock."""
    question = build(cast, S.ADDRESSED)
    readers = [cast.asker, cast.expert, cast.member, None]

    actions.set_locked(question=question, moderator=cast.moderator, locked=True, reason="Heated.")

    for reader in readers:
        page = client_for(reader).get(question.get_absolute_url())
        assert standing(page).label == "Locked"
        assert "A moderator locked this thread" in page.text
        assert "will answer here" not in page.text
    assert question.pk not in inbox_ids(cast.expert)
    for person in (cast.asker, cast.expert):
        assert told(person, "thread_update", question).count() == 1

    actions.set_locked(question=question, moderator=cast.moderator, locked=False)

    page = client_for(cast.asker).get(question.get_absolute_url())
    assert "will answer here" in page.text
    assert "A moderator locked this thread" not in page.text
    assert question.pk in inbox_ids(cast.expert)
    for person in (cast.asker, cast.expert):
        assert told(person, "thread_update", question).count() == 2


# 3.5 Resolving while a follow-up waits for its reply.


def follow_up(user, answer):
    return client_for(user).post(
        reverse("forum:follow_up", kwargs={"pk": answer.pk}),
        {"body": NEW_TEXT, "submission_key": str(uuid.uuid4())},
    )


def badges(text):
    return re.findall(r'<span class="badge[^"]*">([^<]+)</span>', text)


def test_resolving_with_a_follow_up_waiting_asks_first_and_lets_the_expert_reply_once(cast):
    """The first POST shows the confirmation and changes nothing; confirming resolves. The
    expert replies once to the waiting follow-up; the asker follows up again only after
    reopening. The badge says Resolved, never Closed."""
    question = build(cast, S.ANSWERED)
    answer = question.answers.get()
    assert follow_up(cast.asker, answer).status_code == HTTPStatus.FOUND
    asker = client_for(cast.asker)
    resolve = reverse("forum:resolve", kwargs={"pk": question.pk})
    before = snapshot()

    first = asker.post(resolve)

    assert first.status_code == HTTPStatus.OK
    assert "forum/resolve_confirm.html" in [t.name for t in first.templates]
    assert "still waiting for a reply" in first.text
    assert snapshot() == before

    confirmed = asker.post(resolve, {"confirm": "1"})

    assert confirmed.status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert question.status == S.RESOLVED
    update = told(cast.expert, "thread_update", question).get()
    assert update.body == "You can still reply to their open follow-up."
    page = client_for(cast.expert).get(question.get_absolute_url())
    assert "You can still reply to their open follow-up." in standing(page).sentence
    assert f'action="{reverse("forum:follow_up", kwargs={"pk": answer.pk})}"' in page.text
    assert answer.pk in inbox_ids(cast.expert, "replies")

    # The asker waits for the reply; the expert gives it, once.
    before = snapshot()
    assert follow_up(cast.asker, answer).status_code == HTTPStatus.FORBIDDEN
    assert snapshot() == before
    assert follow_up(cast.expert, answer).status_code == HTTPStatus.FOUND
    assert FollowUp.objects.filter(answer=answer, author=cast.expert).count() == 1
    assert answer.pk not in inbox_ids(cast.expert, "replies")
    before = snapshot()
    assert follow_up(cast.expert, answer).status_code == HTTPStatus.FORBIDDEN
    assert follow_up(cast.asker, answer).status_code == HTTPStatus.FORBIDDEN
    assert snapshot() == before

    for reader in (cast.asker, cast.expert, None):
        page = client_for(reader).get(question.get_absolute_url())
        assert standing(page).label == "Resolved"
        assert "Resolved" in badges(page.text)
        assert "Closed" not in page.text
    mine = client_for(cast.asker).get(reverse("forum:my_questions"))
    assert "Resolved" in badges(mine.text)
    assert "Closed" not in mine.text

    reopened = asker.post(reverse("forum:reopen", kwargs={"pk": question.pk}))

    assert reopened.status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert question.status == S.ANSWERED
    assert told(cast.expert, "thread_update", question).count() == 2
    assert follow_up(cast.asker, answer).status_code == HTTPStatus.FOUND


# 3.6 An open question nobody would read.


def nobody_serves(kind):
    """A category with no expert, or whose only expert is away, or whose experts all
    answer in a subcategory only."""
    herbs = CategoryFactory(name="Herbalism", slug="herbalism")
    if kind == "all experts away":
        ExpertProfileFactory(categories=[herbs], accepting_questions=False)
    elif kind == "experts only below it":
        teas = CategoryFactory(name="Teas", slug="teas", parent=herbs)
        ExpertProfileFactory(categories=[teas])
    return herbs


UNSERVED = ["no expert", "all experts away", "experts only below it"]
# The refusal names the category and why: nobody would read the question.
NOBODY_WOULD_READ = r"Herbalism.*nobody would see"


def ask_form(category, expert=None):
    return {
        "category": category.pk,
        "expert": expert.expert_profile.pk if expert else "",
        "title": "Is chamomile safe every night?",
        "body": "I drink two cups of chamomile tea every evening.",
        "visibility": "public",
        "submission_key": str(uuid.uuid4()),
    }


@pytest.mark.parametrize("kind", UNSERVED)
def test_an_open_question_nobody_would_read_is_refused_and_kept(cast, kind):
    """The ask form says why and keeps the text; the action refuses it too."""
    herbs = nobody_serves(kind)
    data = ask_form(herbs)
    before = snapshot()

    response = client_for(cast.asker).post(reverse("forum:ask"), data)

    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    (error,) = form.errors["category"]
    assert re.search(NOBODY_WOULD_READ, error), error
    assert error in response.text
    assert (form["title"].value(), form["body"].value()) == (data["title"], data["body"])
    assert data["body"] in response.text
    assert snapshot() == before
    with pytest.raises(Refused, match=NOBODY_WOULD_READ):
        actions.ask_question(
            asker=cast.asker,
            category=herbs,
            title=data["title"],
            body=data["body"],
            visibility="public",
        )


@pytest.mark.parametrize("reader", ["anonymous", "asker"])
@pytest.mark.parametrize("kind", UNSERVED)
def test_the_page_of_a_category_nobody_serves_offers_no_ask_button(cast, kind, reader):
    """Never "ask one of the experts below", and no "Ask a question in ..." button."""
    herbs = nobody_serves(kind)
    client = client_for(getattr(cast, reader))

    page = client.get(herbs.get_absolute_url())

    assert page.status_code == HTTPStatus.OK
    assert "ask one of the experts below" not in page.text.lower()
    assert "Ask a question in" not in page.text
    assert not page.context["served"]
    # Where experts answer, the button is there.
    assert "Ask a question in Massage" in client.get(cast.massage.get_absolute_url()).text


# 3.7 Who may be asked: the daily limit, a vacation.


def expert_pages(profile):
    """The expert's profile page and their category's page, as a visitor sees them."""
    client = client_for(None)
    return [
        client.get(profile.get_absolute_url()).text,
        client.get(profile.categories.get().get_absolute_url()).text,
    ]


def fill_today(user, limit=1):
    ExpertProfile.objects.filter(user=user).update(daily_question_limit=limit)
    for _ in range(limit):
        QuestionFactory(category=user.expert_profile.categories.get(), expert=user)


def test_an_expert_at_their_daily_limit_is_refused_for_that_reason(cast):
    """The refusal names the limit (never a vacation); their profile and their category's
    page say "Not taking questions today"."""
    fill_today(cast.colleague)
    profile = ExpertProfile.objects.get(user=cast.colleague)

    with pytest.raises(Refused, match="has reached today's limit"):
        actions.ask_question(
            asker=cast.asker,
            category=cast.massage,
            expert=cast.colleague,
            title="One question too many",
            body="Please?",
            visibility="public",
        )
    own_page = client_for(cast.asker).get(
        reverse("forum:ask_expert", kwargs={"handle": cast.colleague.handle})
    )
    assert "has reached today's limit" in own_page.text
    assert "is away" not in own_page.text
    before = snapshot()
    response = client_for(cast.asker).post(
        reverse("forum:ask"), ask_form(cast.massage, cast.colleague)
    )
    assert response.status_code == HTTPStatus.OK
    (error,) = response.context["form"].errors["expert"]
    assert "today" in error
    assert "away" not in error and "vacation" not in error
    assert snapshot() == before
    for text in expert_pages(profile):
        assert "Not taking questions today" in text


def test_an_expert_away_until_a_date_shows_the_date(cast, django_capture_on_commit_callbacks):
    """Their profile and their category's page say "Away until <date>"; asking them is refused
    with the same date."""
    back = timezone.localdate() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        set_away(cast.colleague, until=back)
    profile = ExpertProfile.objects.get(user=cast.colleague)

    for text in expert_pages(profile):
        assert f"Away until {back:%-d %B}" in text
        assert "Not taking questions today" not in text
    with pytest.raises(Refused, match=f"is away until {back:%-d %B}"):
        actions.ask_question(
            asker=cast.asker,
            category=cast.massage,
            expert=cast.colleague,
            title="While you are away",
            body="Please?",
            visibility="public",
        )


def test_a_vacation_whose_return_date_passed_counts_as_back_everywhere(cast):
    """From the day after the return date every page takes the expert as back, before
    run_lifecycle tidies the flag (accepting_questions True again)."""
    yesterday = timezone.localdate() - timedelta(days=1)
    ExpertProfile.objects.filter(user=cast.colleague).update(
        accepting_questions=False, away_until=yesterday
    )
    profile = ExpertProfile.objects.get(user=cast.colleague)

    directory = client_for(None).get(reverse("experts:directory")).text
    for text in [*expert_pages(profile), directory]:
        assert "availability-away" not in text
        assert "Away until" not in text
    assert "Accepting questions" in expert_pages(profile)[0]
    ask_page = client_for(cast.asker).get(
        reverse("forum:ask_expert", kwargs={"handle": cast.colleague.handle})
    )
    assert "is away" not in ask_page.text
    response = client_for(cast.asker).post(
        reverse("forum:ask"), ask_form(cast.massage, cast.colleague)
    )
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    assert Question.objects.get(expert=cast.colleague).status == S.ADDRESSED

    run_lifecycle()

    profile.refresh_from_db()
    assert (profile.accepting_questions, profile.away_until) == (True, None)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize(
    ("offset", "counted"),
    [(timedelta(seconds=-1), 0), (timedelta(0), 1)],
    ids=["a second before their midnight", "at their midnight"],
)
def test_the_daily_limit_counts_from_midnight_in_the_experts_time_zone(cast, zone, offset, counted):
    """A question asked just before the expert's own midnight is yesterday's; one at midnight
    is today's. (UTC+14 and UTC-11: one of the two cases always falls on the other side of
    UTC's midnight, whenever the test runs.)"""
    ExpertProfile.objects.filter(user=cast.colleague).update(time_zone=zone, daily_question_limit=1)
    QuestionFactory(
        category=cast.massage, expert=cast.colleague, created_at=start_of_today(zone) + offset
    )
    profile = ExpertProfile.objects.get(user=cast.colleague)

    assert profile.count_questions_today() == counted
    assert (
        ExpertProfile.objects.with_questions_today().get(pk=profile.pk).questions_today == counted
    )
    ask = {
        "asker": cast.asker,
        "category": cast.massage,
        "expert": cast.colleague,
        "title": "A question for today",
        "body": "Please?",
        "visibility": "public",
    }
    if counted:
        with pytest.raises(Refused, match="has reached today's limit"):
            actions.ask_question(**ask)
        assert "Not taking questions today" in expert_pages(profile)[0]
    else:
        assert "Accepting questions" in expert_pages(profile)[0]
        question, created = actions.ask_question(**ask)
        assert created and question.status == S.ADDRESSED


# 3.8 A private question sent on to another expert.


def test_the_first_expert_keeps_the_notifications_of_a_public_question_sent_on(cast):
    """A public question stays readable by everyone: nothing of it is redacted."""
    question, _ = actions.ask_question(
        asker=cast.asker,
        category=cast.massage,
        expert=cast.expert,
        title="A quillotic rash",
        body="Public details.",
        visibility="public",
    )
    actions.decline_question(question=question, expert=cast.expert, reason="not_my_area")

    actions.reroute_question(
        question=question, asker=cast.asker, category=cast.massage, expert=cast.colleague
    )

    theirs = Notification.objects.filter(recipient=cast.expert, thread_id=question.pk)
    assert theirs.exists() and not theirs.filter(redacted=True).exists()
    assert "quillotic" in client_for(cast.expert).get(reverse("accounts:notifications")).text


@pytest.mark.parametrize("back_by", ["declined", "expired"])
def test_the_first_experts_notifications_of_a_private_question_sent_on_are_redacted(cast, back_by):
    """Once the asker re-routes it, the first expert's notifications about it show as no
    longer available, without its title, and are not counted unread."""
    question, _ = actions.ask_question(
        asker=cast.asker,
        category=cast.massage,
        expert=cast.expert,
        title="A quillotic rash",
        body="Confidential details.",
        visibility="private",
    )
    if back_by == "declined":
        actions.decline_question(question=question, expert=cast.expert, reason="not_my_area")
    else:
        Question.objects.filter(pk=question.pk).update(addressed_at=long_ago())
        assert actions.expire_question(question=question)
    theirs = Notification.objects.filter(recipient=cast.expert, thread_id=question.pk)
    assert theirs.exists() and not theirs.filter(redacted=True).exists()

    response = client_for(cast.asker).post(
        reverse("forum:reroute", kwargs={"pk": question.pk}),
        {"category": cast.massage.pk, "expert": cast.colleague.expert_profile.pk},
    )

    assert response.status_code == HTTPStatus.FOUND, response.content[:800]
    assert not theirs.filter(redacted=False).exists()
    page = client_for(cast.expert).get(reverse("accounts:notifications"))
    assert "no longer available to you" in page.text
    assert "quillotic" not in page.text and "Confidential" not in page.text
    assert "notification-count" not in page.text
    assert page.context["unread_notifications"]() == 0
    assert "quillotic" in client_for(cast.colleague).get(reverse("accounts:notifications")).text


# 3.9 The inbox.


def test_the_inbox_lists_what_waits_for_the_expert_oldest_first(cast):
    """Three tabs: questions addressed to them, open questions of their categories, and
    follow-ups waiting for their reply; each the longest waiting first."""
    now = timezone.now()

    def asked(hours, expert=cast.expert, category=cast.massage):
        return QuestionFactory(
            category=category,
            asker=cast.asker,
            expert=expert,
            created_at=now - timedelta(hours=hours),
        )

    middle, newest, oldest = asked(30), asked(1), asked(50)
    locked = asked(60)
    actions.set_locked(question=locked, moderator=cast.moderator, locked=True)
    asked(70, expert=cast.colleague)  # someone else's
    build(cast, S.DECLINED)
    build(cast, S.RETURNED)
    open_middle, open_newest, open_oldest = asked(20, None), asked(2, None), asked(40, None)
    sports = CategoryFactory(name="Sports massage", slug="sports", parent=cast.massage)
    open_below = asked(10, None, sports)  # below Massage: the expert's too
    asked(45, None, cast.law)  # another category
    asked(46, None, cast.health)  # the parent: its experts, not Massage's
    build(cast, S.ANSWERED, "open")  # answered by the helper

    def answered_with_follow_ups(*hours_and_authors):
        question = build(cast, S.ANSWERED)
        answer = question.answers.get()
        for hours, author in hours_and_authors:
            FollowUpFactory(
                answer=answer,
                author=getattr(cast, author),
                created_at=now - timedelta(hours=hours),
            )
        return question, answer

    _, waiting = answered_with_follow_ups((3, "asker"))
    answered_with_follow_ups((5, "asker"), (4, "expert"))  # replied already
    _, waiting_longest = answered_with_follow_ups((6, "asker"))
    resolved, waiting_resolved = answered_with_follow_ups((2, "asker"))
    actions.resolve_question(question=resolved, asker=cast.asker, confirmed=True)

    assert inbox_ids(cast.expert) == [oldest.pk, middle.pk, newest.pk]
    assert inbox_ids(cast.expert, "open") == [
        open_oldest.pk,
        open_middle.pk,
        open_below.pk,
        open_newest.pk,
    ]
    replies = [waiting_longest.pk, waiting.pk, waiting_resolved.pk]
    assert inbox_ids(cast.expert, "replies") == replies
    response = client_for(cast.expert).get(reverse("forum:inbox"), {"tab": "replies"})
    assert response.context["counts"] == {"addressed": 3, "open": 4, "replies": 3}
    assert "Follow-ups to reply to" in response.text
