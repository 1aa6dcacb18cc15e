"""A vacation planned ahead: its first day and return day, the job that starts it once,
and the message askers read while the expert is away."""

import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.actions import Refused
from accounts.models import Notification
from accounts.signals import stopped_taking_questions
from experts import actions as expert_actions
from experts.forms import AvailabilityForm
from experts.models import ExpertProfile
from forum import actions
from tests.factories import ExpertProfileFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Hiking in the Alps; back soon, rested."


def today():
    return timezone.localdate()


def days(n):
    return today() + timedelta(days=n)


def availability(profile, **data):
    return AvailabilityForm(
        {
            "accepting_questions": "on",
            "daily_question_limit": profile.daily_question_limit,
            "time_zone": profile.time_zone,
            **data,
        },
        instance=profile,
    )


def run_lifecycle():
    out = io.StringIO()
    call_command("run_lifecycle", stdout=out)
    return out.getvalue()


@pytest.fixture
def expert(massage):
    return ExpertProfileFactory(
        user__display_name="Otto Planner", user__handle="otto-planner", categories=[massage]
    )


def plan(profile, start, back, message=MESSAGE):
    """What the page does: the expert plans a vacation ahead."""
    form = availability(
        profile,
        away_from=start.isoformat(),
        away_until=back.isoformat() if back else "",
        away_message=message,
    )
    assert form.is_valid(), form.errors
    return expert_actions.set_availability(user=profile.user, form=form)


@pytest.fixture
def sent():
    """The members a "stopped taking questions" signal was sent for."""
    users = []

    def receiver(sender, user, **kwargs):
        users.append(user.pk)

    stopped_taking_questions.connect(receiver, dispatch_uid="test-vacation-sent")
    yield users
    stopped_taking_questions.disconnect(dispatch_uid="test-vacation-sent")


# -- The form ------------------------------------------------------------------------------------


def test_the_return_day_must_come_after_the_first_day_away(expert):
    form = availability(expert, away_from=days(5).isoformat(), away_until=days(5).isoformat())

    assert not form.is_valid()
    assert form.errors["away_until"] == ["The day you are back must be after your first day away."]


def test_a_first_day_in_the_past_is_refused_when_newly_set(expert):
    form = availability(expert, away_from=days(-1).isoformat(), away_until=days(3).isoformat())

    assert not form.is_valid()
    assert form.errors["away_from"] == ["The first day away cannot be in the past."]


def test_a_started_vacation_keeps_its_past_first_day_when_saved_again(expert):
    ExpertProfile.objects.filter(pk=expert.pk).update(
        accepting_questions=False, away_from=days(-2), away_until=days(4)
    )
    expert.refresh_from_db()
    form = availability(
        expert,
        accepting_questions="",
        away_from=days(-2).isoformat(),
        away_until=days(4).isoformat(),
        away_message="Back on Friday.",
    )

    assert form.is_valid(), form.errors
    saved = expert_actions.set_availability(user=expert.user, form=form)
    assert (saved.is_away, saved.away_message) == (True, "Back on Friday.")


def test_a_planned_vacation_keeps_accepting_ticked_until_it_starts(expert):
    form = availability(
        expert,
        accepting_questions="",
        away_from=days(3).isoformat(),
        away_until=days(9).isoformat(),
    )

    assert not form.is_valid()
    (error,) = form.errors["accepting_questions"]
    assert f"Your vacation starts on {days(3):%-d %B %Y}" in error


def test_a_vacation_starting_today_starts_at_once(expert, sent):
    saved = plan(expert, today(), days(7))

    assert (saved.accepting_questions, saved.is_away) == (False, True)
    assert sent == [expert.user_id]


def test_the_page_says_when_a_planned_vacation_starts(client, expert):
    client.force_login(expert.user)
    response = client.post(
        reverse("experts:manage"),
        {
            "action": "availability",
            "accepting_questions": "on",
            "away_from": days(3).isoformat(),
            "away_until": days(10).isoformat(),
            "away_message": MESSAGE,
            "daily_question_limit": "5",
            "time_zone": "UTC",
        },
        follow=True,
    )

    assert f"Your vacation starts on {days(3):%-d %B %Y}: askers can pick you until then." in (
        response.text
    )
    expert.refresh_from_db()
    assert (expert.away_from, expert.away_until, expert.away_message) == (
        days(3),
        days(10),
        MESSAGE,
    )
    assert expert.accepting_questions and not expert.is_away


def test_a_form_error_keeps_what_was_typed(client, expert):
    client.force_login(expert.user)
    response = client.post(
        reverse("experts:manage"),
        {
            "action": "availability",
            "accepting_questions": "on",
            "away_from": days(5).isoformat(),
            "away_until": days(2).isoformat(),
            "away_message": MESSAGE,
            "daily_question_limit": "5",
            "time_zone": "UTC",
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert "The day you are back must be after your first day away." in response.text
    assert MESSAGE in response.text
    expert.refresh_from_db()
    assert expert.away_from is None


# -- The away rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "back", "away"),
    [
        (1, 5, False),  # not begun
        (0, 5, True),  # its first day, before any job ran
        (-3, 5, True),
        (-3, 0, False),  # the return day: back
        (-3, None, True),  # no return day: away until they come back by hand
    ],
)
def test_a_planned_vacation_counts_on_its_days_everywhere(expert, start, back, away):
    ExpertProfile.objects.filter(pk=expert.pk).update(
        away_from=days(start), away_until=days(back) if back is not None else None
    )
    expert.refresh_from_db()

    assert expert.is_away is away
    assert ExpertProfile.objects.away().filter(pk=expert.pk).exists() is away
    assert ExpertProfile.objects.taking_questions().filter(pk=expert.pk).exists() is not away
    assert ExpertProfile.objects.available().filter(pk=expert.pk).exists() is not away


def test_an_asker_cannot_pick_an_expert_on_a_planned_vacations_first_day(expert, massage):
    ExpertProfile.objects.filter(pk=expert.pk).update(away_from=today(), away_until=days(5))

    with pytest.raises(Refused, match="is away"):
        actions.ask_question(
            asker=UserFactory(),
            category=massage,
            expert=expert.user,
            title="My shoulder hurts at night",
            body="Since Monday.",
            visibility="public",
        )


# -- The job -------------------------------------------------------------------------------------


def test_the_job_starts_a_planned_vacation_once(
    expert, massage, sent, django_capture_on_commit_callbacks
):
    asker = UserFactory()
    waiting = QuestionFactory(category=massage, asker=asker, expert=expert.user)
    alert = Notification.objects.create(
        recipient=expert.user, kind="open_question", title="Open", url="/", email_wanted=True
    )
    plan(expert, days(1), days(8))
    assert not ExpertProfile.objects.get(pk=expert.pk).is_away
    # The first day comes.
    ExpertProfile.objects.filter(pk=expert.pk).update(away_from=today())

    with django_capture_on_commit_callbacks(execute=True):
        first = run_lifecycle()
    with django_capture_on_commit_callbacks(execute=True):
        second = run_lifecycle()

    assert first.startswith("1 vacations started")
    assert second.startswith("0 vacations started")
    assert sent == [expert.user_id]
    expert.refresh_from_db()
    assert (expert.accepting_questions, expert.is_away) == (False, True)
    assert (expert.away_from, expert.away_until, expert.away_message) == (today(), days(8), MESSAGE)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.returned_reason) == ("returned", "expert_away")
    assert Notification.objects.filter(recipient=asker, kind="returned").count() == 1
    alert.refresh_from_db()
    assert not alert.email_wanted


def test_the_job_leaves_a_vacation_still_to_come_alone(expert, sent):
    plan(expert, days(2), days(8))

    run_lifecycle()

    expert.refresh_from_db()
    assert (expert.accepting_questions, expert.away_from) == (True, days(2))
    assert sent == []


def test_the_return_happens_by_itself(expert):
    plan(expert, days(1), days(4))
    ExpertProfile.objects.filter(pk=expert.pk).update(away_from=days(-6), away_until=days(-1))
    run_lifecycle()

    expert.refresh_from_db()
    assert (expert.accepting_questions, expert.away_from, expert.away_until) == (True, None, None)
    assert not expert.is_away
    # Run again: nothing to do.
    assert run_lifecycle().startswith("0 vacations started, 0 experts back")


def test_ticking_accepting_again_during_a_vacation_brings_the_expert_back(expert):
    ExpertProfile.objects.filter(pk=expert.pk).update(
        accepting_questions=False, away_from=days(-2), away_until=days(5)
    )
    expert.refresh_from_db()
    form = availability(
        expert, away_from=days(-2).isoformat(), away_until=days(5).isoformat()
    )  # ticked

    assert form.is_valid(), form.errors
    saved = expert_actions.set_availability(user=expert.user, form=form)
    assert (saved.is_away, saved.away_from, saved.away_until) == (False, None, None)


def test_the_page_shows_a_begun_vacation_as_away_before_the_job_runs(client, expert):
    ExpertProfile.objects.filter(pk=expert.pk).update(away_from=today(), away_until=days(5))
    client.force_login(expert.user)

    form = client.get(reverse("experts:manage")).context["availability"]

    assert form["accepting_questions"].value() is False


# -- What askers see -----------------------------------------------------------------------------


@pytest.fixture
def away(expert):
    ExpertProfile.objects.filter(pk=expert.pk).update(
        accepting_questions=False, away_from=days(-1), away_until=days(6), away_message=MESSAGE
    )
    expert.refresh_from_db()
    return expert


def test_askers_read_the_message_on_the_profile(away):
    text = Client().get(away.get_absolute_url()).text

    assert f"Away until {days(6):%-d %B}" in text
    assert f"“{MESSAGE}”" in text


def test_askers_read_the_message_on_the_expert_cards(away, massage):
    text = Client().get(massage.get_absolute_url()).text

    assert f"“{MESSAGE}”" in text


def test_askers_read_the_message_on_the_ask_form_and_the_expert_pick(away, massage):
    client = Client()
    client.force_login(UserFactory())

    by_name = client.get(reverse("forum:ask_expert", kwargs={"handle": away.user.handle})).text
    pick = client.get(reverse("forum:ask"), {"category": massage.path}).text

    assert f"Otto Planner says: “{MESSAGE}”" in by_name
    assert f"Otto Planner (back {days(6):%-d %B}): “{MESSAGE}”" in pick


def test_the_message_is_not_shown_while_the_expert_takes_questions(expert):
    plan(expert, days(3), days(9))

    text = Client().get(expert.get_absolute_url()).text

    assert MESSAGE not in text
    assert "Accepting questions" in text
    assert f"away from {days(3):%-d %B}, back on {days(9):%-d %B}" in text


# -- Permissions ---------------------------------------------------------------------------------


def test_an_expert_cannot_plan_another_experts_vacation(expert, massage):
    other = ExpertProfileFactory(categories=[massage])
    form = availability(expert, away_from=days(2).isoformat(), away_until=days(5).isoformat())
    assert form.is_valid(), form.errors

    with pytest.raises(Refused):
        expert_actions.set_availability(user=other.user, form=form)
    expert.refresh_from_db()
    assert expert.away_from is None


def test_a_visitor_cannot_reach_the_availability_form(client, expert):
    response = client.post(
        reverse("experts:manage"),
        {"action": "availability", "away_from": days(2).isoformat()},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]
    expert.refresh_from_db()
    assert expert.away_from is None


def test_a_return_day_newly_set_in_the_past_is_refused(expert):
    form = availability(expert, accepting_questions="", away_until=days(-1).isoformat())

    assert not form.is_valid()
    assert form.errors["away_until"] == ["The day you are back must be after today."]
