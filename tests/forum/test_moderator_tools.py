"""The moderators' working tools on threads and in the queue, and what members hear of them.

Flags shown in place, canned reasons, locks with a reason, edits marked as a
moderator's, outcomes told to authors and flaggers, one review request per
hidden post, and the pending-work count beside the Moderation link.
"""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.actions import set_notification_preferences
from accounts.models import AuditEntry, CannedReason, Notification, ReasonUse
from forum import actions
from forum.models import Flag, QuestionRevision
from tests.factories import (
    AnswerFactory,
    FollowUpFactory,
    ModeratorFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("canned_reasons")]


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def notes(user, kind=None):
    found = Notification.objects.filter(recipient=user)
    if kind:
        found = found.filter(kind=kind)
    return list(found.order_by("created_at", "pk").values_list("title", "body"))


@pytest.fixture
def answer(massage, jeremy):
    return AnswerFactory(
        question__category=massage,
        question__title="IT band pain need help",
        author=jeremy,
        body="Use heat after the first days.",
    )


@pytest.fixture
def flagger():
    return UserFactory(display_name="Flora Flagger")


class TestFlagsInPlace:
    def test_moderators_see_each_open_flag_on_the_thread(self, answer, flagger):
        follow_up = FollowUpFactory(answer=answer, body="Thanks!")
        actions.flag(item=answer, flagger=flagger, reason="dangerous", note="Heat is wrong here")
        actions.flag(item=follow_up, flagger=UserFactory(), reason="spam")
        actions.flag(item=answer.question, flagger=UserFactory(), reason="off_topic")

        page = as_user(ModeratorFactory()).get(answer.question.get_absolute_url()).text

        assert page.count('class="open-flags"') == 3
        assert "Wrong or dangerous advice" in page
        assert "Flora Flagger" in page
        assert "Heat is wrong here" in page
        assert "Dismiss the flags" in page

    @pytest.mark.parametrize("who", ["visitor", "member", "author", "flagger"])
    def test_nobody_else_sees_flags_or_who_raised_them(self, answer, flagger, who):
        actions.flag(item=answer, flagger=flagger, reason="dangerous", note="Heat is wrong here")
        client = Client()
        if who != "visitor":
            client.force_login(
                {"member": UserFactory(), "author": answer.author, "flagger": flagger}[who]
            )

        page = client.get(answer.question.get_absolute_url()).text

        assert "open-flags" not in page
        assert "Heat is wrong here" not in page
        assert who == "flagger" or "Flora Flagger" not in page

    def test_dismissing_in_place_tells_the_flagger_it_was_declined(self, answer, flagger):
        actions.flag(item=answer, flagger=flagger, reason="spam")

        response = as_user(ModeratorFactory()).post(
            reverse("moderation:dismiss", args=["answer", answer.pk])
        )

        assert response.status_code == HTTPStatus.FOUND
        assert Flag.objects.get().status == "dismissed"
        [(title, body)] = notes(flagger, "flag_outcome")
        assert "declined" in title and "Jeremy" in title
        assert "Spam or advertising" in body and "left the answer as it is" in body

    def test_hiding_tells_each_flagger_their_flag_helped(self, answer, flagger):
        other = UserFactory()
        for member in (flagger, other):
            actions.flag(item=answer, flagger=member, reason="dangerous")

        actions.hide(item=answer, moderator=ModeratorFactory(), reason="Unsafe advice.")

        for member in (flagger, other):
            [(title, _)] = notes(member, "flag_outcome")
            assert title.startswith("Your flag was helpful")

    def test_the_queue_shows_the_context_of_flagged_answers_and_follow_ups(self, answer):
        follow_up = FollowUpFactory(answer=answer, body="You are a fraud")
        actions.flag(item=follow_up, flagger=UserFactory(), reason="offensive")
        actions.flag(item=answer, flagger=UserFactory(), reason="dangerous")

        page = as_user(ModeratorFactory()).get(reverse("moderation:queue")).text

        assert "The question it answers" in page
        assert answer.question.body[:20] in page
        assert "it follows" in page
        assert "Use heat after the first days." in page


class TestCannedReasons:
    def test_hiding_with_a_canned_reason_alone(self, answer):
        canned = CannedReason.objects.filter(use=ReasonUse.HIDE).first().text

        as_user(ModeratorFactory()).post(
            reverse("moderation:hide", args=["answer", answer.pk]), {"canned": canned}
        )

        answer.refresh_from_db()
        assert answer.is_hidden
        assert answer.hidden_reason == canned

    def test_no_reason_hides_nothing_and_says_why(self, answer):
        client = as_user(ModeratorFactory())
        response = client.post(
            reverse("moderation:hide", args=["answer", answer.pk]), {"reason": " "}, follow=True
        )

        answer.refresh_from_db()
        assert not answer.is_hidden
        assert "Pick a reason or write one" in response.text

    def test_the_thread_offers_the_canned_reasons_to_moderators(self, answer):
        page = as_user(ModeratorFactory()).get(answer.question.get_absolute_url()).text
        for use in (ReasonUse.HIDE, ReasonUse.LOCK):
            assert CannedReason.objects.filter(use=use).first().text in page

    def test_locking_needs_a_reason_and_the_parties_hear_it(self, answer):
        client = as_user(ModeratorFactory())
        url = reverse("moderation:lock", args=[answer.question.pk])

        refused = client.post(url, {"locked": "1"}, follow=True)
        answer.question.refresh_from_db()
        assert not answer.question.locked
        assert "Pick a reason or write one" in refused.text

        canned = CannedReason.objects.filter(use=ReasonUse.LOCK).first().text
        client.post(url, {"locked": "1", "canned": canned})
        answer.question.refresh_from_db()
        assert answer.question.locked
        [(title, body)] = notes(answer.question.asker, "thread_update")
        assert "locked" in title and canned in body
        assert AuditEntry.objects.get(action="lock").reason == canned

        client.post(url, {"locked": "0"})
        answer.question.refresh_from_db()
        assert not answer.question.locked


class TestModeratorEdits:
    def test_a_moderators_edit_is_marked_publicly_with_the_reason_in_the_history(self, answer):
        moderator = ModeratorFactory()
        as_user(moderator).post(
            reverse("moderation:edit_answer", args=[answer.pk]),
            {"body": "Use ice first.", "base_version": 1, "reason": "Removed a phone number."},
        )

        thread = Client().get(answer.question.get_absolute_url()).text
        assert "edited by a moderator" in thread
        history = as_user(ModeratorFactory()).get(
            reverse("moderation:history", args=["answer", answer.pk])
        )
        assert "Removed a phone number." in history.text
        [(title, body)] = notes(answer.author, "account")
        assert "edited your answer" in title and "Removed a phone number." in body

    def test_the_authors_own_edit_is_not_marked_as_a_moderators(self, answer):
        actions.edit_answer(answer=answer, editor=answer.author, body="Ice.", base_version=1)

        thread = Client().get(answer.question.get_absolute_url()).text

        assert "edited by a moderator" not in thread

    def test_moving_and_editing_a_question_tells_the_asker(self, answer, massage):
        question = answer.question
        other = type(massage).objects.create(name="Running", slug="running")
        actions.edit_question(
            question=question,
            moderator=ModeratorFactory(),
            title=question.title,
            body=question.body + " More.",
            category=other,
            base_version=1,
            reason="Fits Running better.",
        )

        [(title, body)] = notes(question.asker, "account")
        assert "edited it and moved it to Running" in title
        assert "Fits Running better." in body
        assert QuestionRevision.objects.get().reason == "Fits Running better."
        question.refresh_from_db()
        assert question.moderator_edited_at is not None

    def test_featuring_and_restoring_tell_the_author(self, answer):
        moderator = ModeratorFactory()
        actions.set_featured(answer=answer, moderator=moderator, featured=True)
        actions.hide(item=answer, moderator=moderator, reason="Checking a claim.")
        actions.restore(item=answer, moderator=moderator, reason="The claim checks out.")

        titles = [title for title, _ in notes(answer.author, "account")]
        assert "editor's pick" in titles[0]
        assert "hidden by the moderators" in titles[1]
        assert titles[2] == "Your answer is visible again"
        assert "The claim checks out." in notes(answer.author, "account")[2][1]


class TestReviewRequests:
    @pytest.fixture
    def hidden(self, answer):
        actions.hide(item=answer, moderator=ModeratorFactory(), reason="A shop link.")
        answer.refresh_from_db()
        return answer

    def ask(self, client, item, kind="answer"):
        return client.post(reverse("forum:request_review", args=[kind, item.pk]), follow=True)

    def test_the_author_must_edit_before_asking(self, hidden):
        author = as_user(hidden.author)

        page = author.get(hidden.question.get_absolute_url()).text
        assert "Only you and the moderators can see this answer" in page
        assert "Ask for a review" not in page

        response = self.ask(author, hidden)
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "Edit it first" in response.text

    def test_after_editing_the_author_asks_once_and_moderators_hear(self, hidden):
        moderator = ModeratorFactory()
        set_notification_preferences(
            user=moderator, channels={"new_flag": "onsite"}, daily_digest=False
        )
        actions.edit_answer(answer=hidden, editor=hidden.author, body="No link.", base_version=1)
        author = as_user(hidden.author)
        assert "Ask for a review" in author.get(hidden.question.get_absolute_url()).text

        assert "A moderator will review it again" in self.ask(author, hidden).text
        hidden.refresh_from_db()
        assert hidden.review_requested_at is not None
        assert notes(moderator, "new_flag")
        queue = as_user(moderator).get(reverse("moderation:queue")).text
        assert "Asked to be reviewed again" in queue and "No link." in queue

        again = self.ask(author, hidden)
        assert again.status_code == HTTPStatus.FORBIDDEN
        assert "already asked" in again.text

    @pytest.mark.parametrize("who", ["member", "moderator"])
    def test_nobody_else_may_ask(self, hidden, who):
        actions.edit_answer(answer=hidden, editor=hidden.author, body="No link.", base_version=1)
        user = UserFactory() if who == "member" else ModeratorFactory()

        response = self.ask(as_user(user), hidden)

        assert response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FORBIDDEN)
        hidden.refresh_from_db()
        assert hidden.review_requested_at is None

    def test_keeping_it_hidden_tells_the_author_and_ends_the_request(self, hidden):
        actions.edit_answer(answer=hidden, editor=hidden.author, body="No link.", base_version=1)
        actions.request_review(item=hidden, author=hidden.author)
        moderator = as_user(ModeratorFactory())

        moderator.post(
            reverse("moderation:keep_hidden", args=["answer", hidden.pk]),
            {"reason": "Still advertises the shop."},
        )

        hidden.refresh_from_db()
        assert hidden.is_hidden and hidden.hidden_reason == "Still advertises the shop."
        assert notes(hidden.author, "account")[-1][0] == "Your answer stays hidden"
        assert "Asked to be reviewed again" in moderator.get(reverse("moderation:queue")).text
        assert "No review requests." in moderator.get(reverse("moderation:queue")).text
        page = as_user(hidden.author).get(hidden.question.get_absolute_url()).text
        assert "stays hidden" in page and "Ask for a review" not in page
        assert AuditEntry.objects.filter(action="keep_hidden").count() == 1

    def test_restoring_after_a_request_says_so(self, hidden):
        actions.edit_answer(answer=hidden, editor=hidden.author, body="No link.", base_version=1)
        actions.request_review(item=hidden, author=hidden.author)

        actions.restore(item=hidden, moderator=ModeratorFactory())

        title, body = notes(hidden.author, "account")[-1]
        assert title == "Your answer is visible again"
        assert "as you asked" in body

    def test_a_get_on_the_request_url_leads_back_to_the_post(self, hidden):
        response = as_user(hidden.author).get(
            reverse("forum:request_review", args=["answer", hidden.pk])
        )
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].endswith(f"#answer-{hidden.pk}")


class TestPendingCounts:
    def test_the_moderation_link_counts_what_waits(self, answer):
        moderator = as_user(ModeratorFactory())
        actions.flag(item=answer, flagger=UserFactory(), reason="spam")
        actions.flag(item=answer, flagger=UserFactory(), reason="spam")
        actions.flag(item=answer.question, flagger=UserFactory(), reason="spam")

        page = moderator.get(reverse("forum:categories")).text

        assert 'moderation-count">2<' in page
        assert "2 flagged" in page

        actions.dismiss_flags(item=answer.question, moderator=ModeratorFactory())
        assert 'moderation-count">1<' in moderator.get(reverse("forum:categories")).text

    def test_members_have_no_count(self, answer):
        actions.flag(item=answer, flagger=UserFactory(), reason="spam")
        page = as_user(UserFactory()).get(reverse("forum:categories")).text
        assert "moderation-count" not in page


def test_a_moderator_thread_costs_the_same_with_few_or_many_flags(answer):
    moderator = as_user(ModeratorFactory())
    url = answer.question.get_absolute_url()

    def queries():
        moderator.get(url)  # the first view of a generation counts the pending work
        with CaptureQueriesContext(connection) as context:
            moderator.get(url)
        return len(context)

    actions.flag(item=answer, flagger=UserFactory(), reason="spam")
    few = queries()
    for _ in range(5):
        follow_up = FollowUpFactory(answer=answer)
        actions.flag(item=follow_up, flagger=UserFactory(), reason="spam")
    for _ in range(2):  # a third would hide it
        actions.flag(item=answer.question, flagger=UserFactory(), reason="spam")
    assert queries() == few
