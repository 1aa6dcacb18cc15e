"""Followed-advice outcomes: a week or more after an answer, its asker says whether
following it helped. Only the asker, on a shown answer of an open thread they can see;
others get a 404 for what they cannot see and a clear refusal otherwise. The thread shows
the outcome to every reader, the expert is told, and the scorecard counts it (public,
visible answers only) apart from the ratings."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.actions import NotFound, Refused
from accounts.models import Notification
from experts import scorecard
from forum import actions, permissions
from forum.models import Answer
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

WEEK = permissions.OUTCOME_WAIT


@pytest.fixture
def massage():
    return CategoryFactory(name="Massage", slug="massage", parent=CategoryFactory(slug="health"))


@pytest.fixture
def asker():
    return UserFactory(display_name="Ann Asker")


def answered(massage, expert, asker, *, days_ago=8, **question):
    """An answer to `asker`'s question, given `days_ago` days ago."""
    thread = QuestionFactory(category=massage, asker=asker, expert=expert, **question)
    return AnswerFactory(
        question=thread,
        author=expert,
        body="Foam-roll it twice a day.",
        created_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def answer(massage, jeremy, asker):
    return answered(massage, jeremy, asker)


@pytest.fixture
def fresh(massage, jeremy, asker):
    return answered(massage, jeremy, asker, days_ago=2)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, answer, outcome="helped"):
    return client.post(reverse("forum:record_outcome", args=[answer.pk]), {"outcome": outcome})


# -- The rule -------------------------------------------------------------------------------------


class TestPermission:
    """can_record_outcome, for each kind of reader, before and after the week."""

    @pytest.fixture
    def people(self, answer, jeremy, asker):
        return {
            "asker": asker,
            "member": UserFactory(),
            "expert": jeremy,
            "other expert": ExpertProfileFactory(categories=[answer.question.category]).user,
            "moderator": ModeratorFactory(),
            "visitor": AnonymousUser(),
        }

    @pytest.mark.parametrize(
        ("who", "after_a_week"),
        [
            ("asker", True),
            ("member", False),
            ("expert", False),
            ("other expert", False),
            ("moderator", False),
            ("visitor", False),
        ],
    )
    def test_only_the_asker_after_a_week(self, people, answer, fresh, who, after_a_week):
        user = people[who]

        assert permissions.can_record_outcome(user, answer) is after_a_week
        assert permissions.can_record_outcome(user, fresh) is False

    def test_the_week_is_counted_from_the_answer(self, answer, asker):
        Answer.objects.filter(pk=answer.pk).update(
            created_at=timezone.now() - WEEK + timedelta(minutes=1)
        )
        answer.refresh_from_db()
        assert not permissions.can_record_outcome(asker, answer)
        assert permissions.may_tell_outcome(asker, answer)

        answer.created_at = timezone.now() - WEEK
        assert permissions.can_record_outcome(asker, answer)
        assert permissions.outcome_opens_at(answer) == answer.created_at + timedelta(days=7)

    def test_not_on_a_hidden_answer_a_locked_or_hidden_thread_or_when_suspended(
        self, answer, asker
    ):
        question = answer.question
        for change in (
            lambda: setattr(answer, "is_hidden", True),
            lambda: setattr(question, "locked", True),
            lambda: setattr(question, "is_hidden", True),
            lambda: setattr(asker, "suspended_at", timezone.now()),
        ):
            answer.refresh_from_db()
            question.refresh_from_db()
            asker.refresh_from_db()
            assert permissions.can_record_outcome(asker, answer, question)
            change()
            assert not permissions.can_record_outcome(asker, answer, question)

    def test_the_reasons_are_said(self, answer, fresh, asker, jeremy):
        opens = timezone.localtime(fresh.created_at + WEEK)

        assert permissions.why_no_outcome(asker, fresh) == (
            f"Give the advice a week: you can say whether it helped from {opens:%-d %B %Y}."
        )
        assert permissions.why_no_outcome(UserFactory(), answer) == (
            "Only the asker says whether following an answer helped."
        )
        assert "Only the asker" in permissions.why_no_outcome(jeremy, answer)
        answer.question.locked = True
        assert "locked" in permissions.why_no_outcome(asker, answer)


# -- The action -----------------------------------------------------------------------------------


class TestAction:
    def test_the_asker_records_it_and_the_expert_is_told(self, answer, asker, jeremy, commit):
        before = timezone.now()

        _, said = commit(actions.record_outcome, answer=answer, asker=asker, outcome="helped")

        assert said == "created"
        answer.refresh_from_db()
        assert answer.outcome == "helped"
        assert answer.outcome_at >= before
        notice = Notification.objects.get(recipient=jeremy, kind="rating")
        assert notice.title == (
            f"Ann Asker followed your advice on “{answer.question.title}”: it helped"
        )
        assert notice.url == answer.get_absolute_url()
        assert "it helped" in mail.outbox[-1].subject
        jeremy.expert_profile.refresh_from_db()
        assert jeremy.expert_profile.outcome_helped == 1

    def test_changing_ones_mind_overwrites_it(self, answer, asker, jeremy):
        actions.record_outcome(answer=answer, asker=asker, outcome="helped")
        first = Answer.objects.get(pk=answer.pk).outcome_at

        _, said = actions.record_outcome(answer=answer, asker=asker, outcome="did_not_help")

        answer.refresh_from_db()
        assert said == "updated"
        assert answer.outcome == "did_not_help"
        assert answer.outcome_at > first
        profile = jeremy.expert_profile
        profile.refresh_from_db()
        assert (profile.outcome_helped, profile.outcome_not_helped) == (0, 1)
        told = Notification.objects.filter(recipient=jeremy, kind="rating")
        assert [n.title.rsplit(": ", 1)[1] for n in told.order_by("pk")] == [
            "it helped",
            "it did not help",
        ]

    def test_the_same_outcome_again_tells_no_one(self, answer, asker, jeremy):
        actions.record_outcome(answer=answer, asker=asker, outcome="helped")
        at = Answer.objects.get(pk=answer.pk).outcome_at

        _, said = actions.record_outcome(answer=answer, asker=asker, outcome="helped")

        assert said == "unchanged"
        assert Answer.objects.get(pk=answer.pk).outcome_at == at
        assert Notification.objects.filter(recipient=jeremy, kind="rating").count() == 1

    def test_refused_before_the_week_and_for_anyone_else(self, answer, fresh, asker, jeremy):
        with pytest.raises(Refused, match="Give the advice a week"):
            actions.record_outcome(answer=fresh, asker=asker, outcome="helped")
        for other in (UserFactory(), jeremy, ModeratorFactory()):
            with pytest.raises(Refused, match="Only the asker"):
                actions.record_outcome(answer=answer, asker=other, outcome="helped")
        assert not Answer.objects.exclude(outcome="").exists()
        assert not Notification.objects.filter(kind="rating").exists()

    def test_not_found_for_a_private_thread_or_a_hidden_answer(self, massage, jeremy, asker):
        private = answered(massage, jeremy, asker, visibility="private")
        with pytest.raises(NotFound):
            actions.record_outcome(answer=private, asker=UserFactory(), outcome="helped")
        actions.hide(item=private, moderator=ModeratorFactory(), reason="Unsafe advice")
        with pytest.raises(NotFound):
            actions.record_outcome(answer=private, asker=asker, outcome="helped")

    def test_an_unknown_outcome_is_a_programming_error(self, answer, asker):
        with pytest.raises(ValueError):
            actions.record_outcome(answer=answer, asker=asker, outcome="cured")


# -- The page and its form ------------------------------------------------------------------------


class TestView:
    @pytest.mark.parametrize(
        ("who", "status", "words"),
        [
            ("asker", HTTPStatus.FOUND, ""),
            ("member", HTTPStatus.FORBIDDEN, "Only the asker says whether following"),
            ("expert", HTTPStatus.FORBIDDEN, "Only the asker says whether following"),
            ("moderator", HTTPStatus.FORBIDDEN, "Only the asker says whether following"),
            ("unverified", HTTPStatus.OK, "verif"),  # asked to confirm the e-mail first
            ("suspended", HTTPStatus.FORBIDDEN, "suspended"),
        ],
    )
    def test_who_may_post_it(self, answer, asker, jeremy, who, status, words):
        user = {
            "asker": asker,
            "member": UserFactory(),
            "expert": jeremy,
            "moderator": ModeratorFactory(),
            "unverified": UserFactory(verified=False),
            "suspended": UserFactory(suspended_at=timezone.now()),
        }[who]

        response = post(signed_in(user), answer)

        assert response.status_code == status
        assert words in response.text
        answer.refresh_from_db()
        assert answer.outcome == ("helped" if who == "asker" else "")
        if who == "asker":
            assert response.url == answer.get_absolute_url()

    def test_a_visitor_is_sent_to_sign_in_and_nothing_is_written(self, answer):
        response = post(Client(), answer)

        assert response.status_code == HTTPStatus.FOUND
        assert "/accounts/login/" in response.url
        assert Answer.objects.get(pk=answer.pk).outcome == ""

    def test_before_the_week_the_asker_is_told_from_when(self, fresh, asker):
        response = post(signed_in(asker), fresh)

        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "Give the advice a week" in response.text
        assert Answer.objects.get(pk=fresh.pk).outcome == ""

    def test_a_private_thread_or_a_hidden_answer_is_404(self, massage, jeremy, asker):
        private = answered(massage, jeremy, asker, visibility="private")
        assert post(signed_in(UserFactory()), private).status_code == HTTPStatus.NOT_FOUND
        actions.hide(item=private, moderator=ModeratorFactory(), reason="Unsafe advice")
        assert post(signed_in(asker), private).status_code == HTTPStatus.NOT_FOUND
        assert post(signed_in(asker), Answer(pk=10**9)).status_code == HTTPStatus.NOT_FOUND
        assert Answer.objects.get(pk=private.pk).outcome == ""

    def test_a_locked_thread_is_refused_with_the_reason(self, answer, asker):
        actions.set_locked(
            question=answer.question, moderator=ModeratorFactory(), locked=True, reason="Heated"
        )
        answer.refresh_from_db()

        response = post(signed_in(asker), answer)

        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "locked" in response.text

    def test_a_hostile_value_changes_nothing(self, answer, asker):
        client = signed_in(asker)

        response = client.post(
            reverse("forum:record_outcome", args=[answer.pk]),
            {"outcome": "<script>x</script>"},
            follow=True,
        )

        assert response.status_code == HTTPStatus.OK
        assert "Choose “It helped” or “It did not help”." in response.text
        assert "<script>x</script>" not in response.text
        assert Answer.objects.get(pk=answer.pk).outcome == ""

    def test_a_get_leads_back_to_the_answer(self, answer, asker):
        response = signed_in(asker).get(reverse("forum:record_outcome", args=[answer.pk]))

        assert response.status_code == HTTPStatus.FOUND
        assert response.url.endswith(f"#outcome-{answer.pk}")

    def test_the_asker_sees_two_buttons_then_the_outcome(self, answer, asker):
        client = signed_in(asker)
        url = answer.question.get_absolute_url()

        html = client.get(url).text
        assert f'action="{reverse("forum:record_outcome", args=[answer.pk])}"' in html
        assert 'value="helped"' in html and ">It helped</button>" in html
        assert 'value="did_not_help"' in html and ">It did not help</button>" in html

        response = client.post(
            reverse("forum:record_outcome", args=[answer.pk]),
            {"outcome": "did_not_help"},
            follow=True,
        )
        assert "Thank you: the expert is told" in response.text
        assert "You followed the advice: it did not help" in response.text
        assert "Changed your mind?" in response.text

    def test_before_the_week_the_asker_sees_from_when(self, fresh, asker):
        html = signed_in(asker).get(fresh.question.get_absolute_url()).text

        opens = timezone.localtime(fresh.created_at + WEEK)
        assert "from <time datetime=" in html
        assert f"{opens:%-d %B %Y}</time> you can say here whether following it helped" in html
        assert reverse("forum:record_outcome", args=[fresh.pk]) not in html

    @pytest.mark.parametrize("who", ["member", "visitor", "expert", "moderator"])
    def test_everyone_else_sees_the_outcome_and_no_form(self, answer, asker, jeremy, who):
        actions.record_outcome(answer=answer, asker=asker, outcome="helped")
        client = {
            "member": lambda: signed_in(UserFactory()),
            "visitor": Client,
            "expert": lambda: signed_in(jeremy),
            "moderator": lambda: signed_in(ModeratorFactory()),
        }[who]()

        html = client.get(answer.question.get_absolute_url()).text

        assert "The asker followed the advice: it helped" in html
        assert reverse("forum:record_outcome", args=[answer.pk]) not in html
        assert "you can say here whether" not in html

    def test_the_cached_answers_of_a_bystander_follow_the_outcome(self, answer, asker, settings):
        settings.PAGE_CACHE_SECONDS = 60
        member = signed_in(UserFactory())
        url = answer.question.get_absolute_url()
        assert "followed the advice" not in member.get(url).text

        actions.record_outcome(answer=answer, asker=asker, outcome="did_not_help")

        assert "The asker followed the advice: it did not help" in member.get(url).text


# -- The scorecard and the API --------------------------------------------------------------------


class TestScorecardAndApi:
    def test_only_public_visible_answers_count(self, massage, jeremy, asker):
        for outcome in ("helped", "helped", "did_not_help"):
            actions.record_outcome(
                answer=answered(massage, jeremy, asker), asker=asker, outcome=outcome
            )
        private = answered(massage, jeremy, asker, visibility="private")
        actions.record_outcome(answer=private, asker=asker, outcome="helped")
        hidden = answered(massage, jeremy, asker)
        actions.record_outcome(answer=hidden, asker=asker, outcome="did_not_help")
        actions.hide(item=hidden, moderator=ModeratorFactory(), reason="Unsafe advice")

        profile = jeremy.expert_profile
        profile.refresh_from_db()
        assert (profile.outcome_helped, profile.outcome_not_helped) == (2, 1)
        again = scorecard.refresh(jeremy.pk)
        assert (again.outcome_helped, again.outcome_not_helped) == (2, 1)
        # Apart from the ratings: none were given.
        assert profile.rating_total == 0

        html = Client().get(profile.get_absolute_url()).text
        assert "Followed the advice" in html and "2 helped, 1 did not" in html
        category = Client().get(massage.get_absolute_url()).text
        assert "followed advice: 2 helped, 1 did not" in category
        directory = Client().get(reverse("experts:directory")).text
        assert "followed advice: 2 helped, 1 did not" in directory

    def test_an_expert_without_outcomes_says_so(self, jeremy):
        html = Client().get(jeremy.expert_profile.get_absolute_url()).text

        assert "No askers have said yet" in html

    def test_the_api_gives_the_outcome_and_the_figures(self, answer, asker, jeremy):
        actions.record_outcome(answer=answer, asker=asker, outcome="helped")
        answer.refresh_from_db()

        thread = Client().get(f"/api/v1/questions/{answer.question_id}").json()
        expert = Client().get(f"/api/v1/experts/{jeremy.handle}").json()
        listed = Client().get("/api/v1/experts").json()

        assert thread["answers"][0]["outcome"]["value"] == "helped"
        assert thread["answers"][0]["outcome"]["at"].startswith(f"{answer.outcome_at:%Y-%m-%d}")
        assert expert["scorecard"]["outcome_helped"] == 1
        assert expert["scorecard"]["outcome_not_helped"] == 0
        assert listed["items"][0]["scorecard"]["outcome_helped"] == 1


# -- What it costs --------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["visitor", "member", "asker", "moderator"])
def test_outcomes_cost_the_thread_page_no_query(massage, asker, viewer):
    """The same thread, with and without outcomes and referrals, one asker's form per answer."""
    from tests.test_query_counts import queries

    plain = QuestionFactory(category=massage, asker=asker)
    told = QuestionFactory(category=massage, asker=asker)
    long_ago = timezone.now() - timedelta(days=30)
    for n in range(6):
        for thread in (plain, told):
            expert = ExpertProfileFactory(categories=[massage]).user
            answer = AnswerFactory(question=thread, author=expert, created_at=long_ago)
            if thread is told:
                Answer.objects.filter(pk=answer.pk).update(
                    referral="doctor", referral_urgency="soon"
                )
                if n % 3:
                    actions.record_outcome(
                        answer=answer, asker=asker, outcome="helped" if n % 2 else "did_not_help"
                    )
    client = {
        "visitor": Client,
        "member": lambda: signed_in(UserFactory()),
        "asker": lambda: signed_in(asker),
        "moderator": lambda: signed_in(ModeratorFactory()),
    }[viewer]()

    assert queries(client, told.get_absolute_url()) == queries(client, plain.get_absolute_url())
    html = client.get(told.get_absolute_url()).text
    assert "followed the advice" in html
    assert (reverse("forum:record_outcome", args=[told.answers.first().pk]) in html) is (
        viewer == "asker"
    )
