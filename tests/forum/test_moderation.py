from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db.models import ProtectedError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from forum.actions import hide
from forum.models import Answer, Flag, FollowUp, Question
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    FollowUpFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def answer(massage, jeremy):
    return AnswerFactory(
        question__category=massage,
        question__title="IT band pain need help",
        author=jeremy,
        body="Use heat after the first days.",
    )


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def flag(client, kind, item, reason="dangerous", note=""):
    return client.post(
        reverse("forum:flag", args=[kind, item.pk]), {"reason": reason, "note": note}
    )


def actions():
    return list(AuditEntry.objects.order_by("created_at", "id").values_list("action", flat=True))


class TestFlags:
    def test_a_member_flags_once_and_is_thanked(self, answer):
        member = as_user(UserFactory())

        first = flag(member, "answer", answer)
        assert "Thank you for the flag" in member.get(first["Location"]).text
        second = flag(member, "answer", answer)
        assert "already flagged" in member.get(second["Location"]).text

        assert Flag.objects.count() == 1

    @pytest.mark.parametrize("kind", ["question", "answer", "follow-up"])
    def test_every_kind_of_post_can_be_flagged(self, answer, kind):
        follow_up = FollowUpFactory(answer=answer)
        item = {"question": answer.question, "answer": answer, "follow-up": follow_up}[kind]

        flag(as_user(UserFactory()), kind, item, reason="spam")

        assert Flag.objects.get().target == item

    def test_other_needs_a_note_and_the_form_comes_back(self, answer):
        member = as_user(UserFactory())

        response = flag(member, "answer", answer, reason="other", note="")

        assert response.status_code == HTTPStatus.OK
        assert "when you choose “Other”" in response.text
        assert not Flag.objects.exists()

    def test_the_flag_link_opens_a_form_in_context(self, answer):
        member = as_user(UserFactory())
        thread = member.get(answer.question.get_absolute_url()).text
        url = reverse("forum:flag", args=["answer", answer.pk])
        assert f'href="{url}"' in thread

        page = member.get(url)

        assert page.status_code == HTTPStatus.OK
        assert "Wrong or dangerous advice" in page.text
        assert "Use heat after the first days." in page.text

    def test_nobody_flags_their_own_post_or_what_they_cannot_see(self, answer, jeremy, massage):
        assert flag(as_user(jeremy), "answer", answer).status_code == HTTPStatus.FORBIDDEN
        private = QuestionFactory(category=massage, expert=jeremy, visibility="private")
        assert flag(as_user(UserFactory()), "question", private).status_code == 404
        assert flag(as_user(UserFactory()), "nonsense", private).status_code == 404
        assert not Flag.objects.exists()

    @override_settings(FLAG_RATE="2/h")
    def test_flags_are_rate_limited(self, massage):
        member = as_user(UserFactory())
        questions = QuestionFactory.create_batch(3, category=massage)

        statuses = [flag(member, "question", q).status_code for q in questions]

        assert statuses == [HTTPStatus.FOUND, HTTPStatus.FOUND, HTTPStatus.TOO_MANY_REQUESTS]
        assert Flag.objects.count() == 2

    def test_three_members_flags_hide_the_post_until_a_moderator_reviews_it(
        self, answer, moderator
    ):
        for _ in range(2):
            flag(as_user(UserFactory()), "answer", answer)
        answer.refresh_from_db()
        assert not answer.is_hidden

        flag(as_user(UserFactory()), "answer", answer)

        answer.refresh_from_db()
        assert answer.is_hidden
        assert "Hidden automatically after 3 flags" in answer.hidden_reason
        entry = AuditEntry.objects.get(action="auto_hide")
        assert entry.actor is None and entry.subject == answer.author
        assert "Use heat" not in Client().get(answer.question.get_absolute_url()).text

        as_user(moderator).post(reverse("moderation:restore", args=["answer", answer.pk]))
        answer.refresh_from_db()
        assert not answer.is_hidden
        assert not Flag.objects.open().exists()


class TestHiddenList:
    def test_dismissing_the_flags_of_an_automatically_hidden_post_brings_it_back(
        self, answer, moderator
    ):
        for _ in range(3):
            flag(as_user(UserFactory()), "answer", answer)
        answer.refresh_from_db()
        assert answer.is_hidden

        as_user(moderator).post(reverse("moderation:dismiss", args=["answer", answer.pk]))

        answer.refresh_from_db()
        assert not answer.is_hidden
        assert not Flag.objects.open().exists()
        assert "Use heat" in Client().get(answer.question.get_absolute_url()).text
        assert actions()[-2:] == ["dismiss_flags", "restore"]

    def test_dismissing_flags_leaves_a_moderators_hide_alone(self, answer, moderator):
        flag(as_user(UserFactory()), "answer", answer)
        client = as_user(moderator)
        client.post(reverse("moderation:hide", args=["answer", answer.pk]), {"reason": "Unsafe"})

        client.post(reverse("moderation:dismiss", args=["answer", answer.pk]))

        answer.refresh_from_db()
        assert answer.is_hidden

    def test_lists_everything_hidden_with_who_when_and_why(self, answer, moderator):
        by_hand = FollowUpFactory(answer=answer, body="Rude words here.")
        client = as_user(moderator)
        client.post(reverse("moderation:hide", args=["follow-up", by_hand.pk]), {"reason": "Rude"})
        for _ in range(3):
            flag(as_user(UserFactory()), "answer", answer)

        answers = client.get(reverse("moderation:hidden"), {"kind": "answer"})
        follow_ups = client.get(reverse("moderation:hidden"), {"kind": "follow-up"})

        assert "Use heat after the first days." in answers.text
        assert "automatically, by members' flags" in answers.text
        assert "Hidden automatically after 3 flags" in answers.text
        assert "Rude words here." in follow_ups.text
        assert f"by {moderator.display_name}" in follow_ups.text
        assert answers.context["counts"] == {"question": 0, "answer": 1, "follow-up": 1}

    def test_restoring_from_the_list_comes_back_to_it(self, answer, moderator):
        client = as_user(moderator)
        client.post(reverse("moderation:hide", args=["answer", answer.pk]), {"reason": "Unsafe"})

        response = client.post(
            reverse("moderation:restore", args=["answer", answer.pk]),
            {"next": "hidden", "kind": "answer"},
        )

        assert response.url == reverse("moderation:hidden") + "?kind=answer"
        answer.refresh_from_db()
        assert not answer.is_hidden

    def test_the_list_is_for_moderators_only(self, answer):
        response = as_user(UserFactory()).get(reverse("moderation:hidden"))

        assert response.status_code == HTTPStatus.NOT_FOUND

    def test_queries_do_not_grow_with_hidden_posts(
        self, moderator_client, massage, django_assert_num_queries
    ):
        """Guards against N+1 queries over the hidden posts, their threads and moderators."""
        moderator = ModeratorFactory()
        for _ in range(2):
            hide(item=AnswerFactory(question__category=massage), moderator=moderator, reason="x")
        url = reverse("moderation:hidden")
        with django_assert_num_queries(7):
            moderator_client.get(url)
        for _ in range(10):
            hide(item=AnswerFactory(question__category=massage), moderator=moderator, reason="x")
        with django_assert_num_queries(7):
            moderator_client.get(url)


class TestQueue:
    def test_shows_flagged_posts_in_context_most_flagged_first(self, moderator_client, answer):
        lonely = QuestionFactory(title="A question flagged once")
        flag(as_user(UserFactory()), "question", lonely, reason="spam")
        for reason in ("dangerous", "offensive"):
            flag(as_user(UserFactory()), "answer", answer, reason=reason, note="Bad advice")

        html = moderator_client.get(reverse("moderation:queue")).text

        assert html.index("IT band pain need help") < html.index("A question flagged once")
        assert "Use heat after the first days." in html
        assert "Wrong or dangerous advice" in html and "Bad advice" in html
        assert "2 flags" in html

    def test_queries_do_not_grow_with_flags(
        self, moderator_client, massage, django_assert_num_queries
    ):
        """Guards against N+1 queries over flagged items of every kind and their flags."""

        def flag_some():
            answer = AnswerFactory(question__category=massage)
            follow_up = FollowUpFactory(answer=answer)
            for item, kind in (
                (answer.question, "question"),
                (answer, "answer"),
                (follow_up, "follow-up"),
            ):
                flag(as_user(UserFactory()), kind, item)

        flag_some()
        with django_assert_num_queries(17):
            moderator_client.get(reverse("moderation:queue"))
        for _ in range(5):
            flag_some()
        with django_assert_num_queries(17):
            moderator_client.get(reverse("moderation:queue"))

    def test_dismissing_resolves_the_flags_and_is_logged(self, moderator_client, answer):
        flag(as_user(UserFactory()), "answer", answer)

        moderator_client.post(
            reverse("moderation:dismiss", args=["answer", answer.pk]), {"next": "queue"}
        )

        assert Flag.objects.get().status == "dismissed"
        assert actions() == ["dismiss_flags"]


class TestHiding:
    def test_a_hidden_answer_leaves_every_public_place_but_its_author_sees_why(
        self, moderator_client, answer, jeremy, massage
    ):
        question = answer.question
        moderator_client.post(
            reverse("moderation:hide", args=["answer", answer.pk]),
            {"reason": "Advice that could hurt someone"},
        )

        answer.refresh_from_db()
        question.refresh_from_db()
        assert answer.is_hidden and question.answer_count == 0
        visitor = Client()
        for url in (
            question.get_absolute_url(),
            reverse("home"),
            massage.get_absolute_url(),
            jeremy.expert_profile.get_absolute_url(),
            reverse("forum:answers"),
        ):
            assert "Use heat after the first days." not in visitor.get(url).text
            assert (
                "IT band pain need help" not in visitor.get(url).text
                or url == question.get_absolute_url()
            )
        jeremy.expert_profile.refresh_from_db()
        assert jeremy.expert_profile.answer_total == 0
        own = as_user(jeremy).get(question.get_absolute_url()).text
        assert "Use heat after the first days." in own
        assert "Advice that could hurt someone" in own
        assert (
            "Use heat after the first days."
            in moderator_client.get(question.get_absolute_url()).text
        )

    def test_restoring_brings_it_back(self, moderator_client, answer):
        moderator_client.post(
            reverse("moderation:hide", args=["answer", answer.pk]), {"reason": "x"}
        )
        moderator_client.post(reverse("moderation:restore", args=["answer", answer.pk]))

        answer.refresh_from_db()
        answer.question.refresh_from_db()
        assert not answer.is_hidden and answer.question.answer_count == 1
        assert "Use heat" in Client().get(answer.question.get_absolute_url()).text
        assert actions() == ["hide", "restore"]

    def test_hiding_needs_a_reason(self, moderator_client, answer):
        moderator_client.post(
            reverse("moderation:hide", args=["answer", answer.pk]), {"reason": ""}
        )

        answer.refresh_from_db()
        assert not answer.is_hidden
        assert not AuditEntry.objects.exists()

    def test_a_hidden_question_is_404_to_visitors_and_shown_to_its_asker(
        self, moderator_client, answer
    ):
        question = answer.question
        moderator_client.post(
            reverse("moderation:hide", args=["question", question.pk]), {"reason": "Spam"}
        )

        assert Client().get(question.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
        assert "IT band pain" not in Client().get(reverse("home")).text
        own = as_user(question.asker).get(question.get_absolute_url())
        assert own.status_code == HTTPStatus.OK and "Spam" in own.text

    def test_a_hidden_follow_up_is_shown_only_to_its_author_and_moderators(
        self, moderator_client, answer
    ):
        follow_up = FollowUpFactory(answer=answer, body="Buy my cream")
        moderator_client.post(
            reverse("moderation:hide", args=["follow-up", follow_up.pk]), {"reason": "Advert"}
        )

        assert "Buy my cream" not in Client().get(answer.question.get_absolute_url()).text
        assert (
            "Buy my cream" in as_user(follow_up.author).get(answer.question.get_absolute_url()).text
        )

    def test_content_with_answers_is_never_hard_deleted(self, answer, admin_client):
        with pytest.raises(ProtectedError):
            answer.question.delete()
        with pytest.raises(ProtectedError):
            FollowUpFactory(answer=answer).answer.delete()
        response = admin_client.post(
            reverse("admin:forum_question_delete", args=[answer.question.pk]), {"post": "yes"}
        )
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert Question.objects.filter(pk=answer.question.pk).exists()


class TestCuration:
    def test_featuring_shows_the_badge_and_leads_home_and_category(
        self, moderator_client, answer, massage
    ):
        moderator_client.post(reverse("moderation:feature", args=[answer.pk]), {"featured": "1"})

        answer.refresh_from_db()
        assert answer.is_featured
        visitor = Client()
        assert "Editor's pick" in visitor.get(answer.question.get_absolute_url()).text
        assert "Editor's picks" in visitor.get(reverse("home")).text
        category = visitor.get(massage.get_absolute_url()).text
        assert category.index("Editor's picks") < category.index('id="answers-title"')

        moderator_client.post(reverse("moderation:feature", args=[answer.pk]), {"featured": "0"})
        answer.refresh_from_db()
        assert not answer.is_featured
        assert actions() == ["feature", "unfeature"]

    def test_a_locked_thread_takes_no_answers_or_follow_ups(
        self, moderator_client, answer, massage
    ):
        question = answer.question
        moderator_client.post(
            reverse("moderation:lock", args=[question.pk]), {"locked": "1", "reason": "Heated."}
        )

        question.refresh_from_db()
        assert question.locked
        assert "Locked" in Client().get(question.get_absolute_url()).text
        response = as_user(question.asker).post(
            reverse("forum:follow_up", args=[answer.pk]), {"body": "More?", "submission_key": "x"}
        )
        assert response.status_code == HTTPStatus.FORBIDDEN
        other = ExpertProfileFactory(categories=[massage]).user
        response = as_user(other).post(
            reverse("forum:answer_question", args=[question.pk]), {"body": "Me too"}
        )
        assert response.status_code == HTTPStatus.FORBIDDEN

        moderator_client.post(reverse("moderation:lock", args=[question.pk]), {"locked": "0"})
        question.refresh_from_db()
        assert not question.locked
        assert actions() == ["lock", "unlock"]

    def test_moving_and_editing_keep_the_old_version_with_a_diff_and_rollback(
        self, moderator_client, answer
    ):
        question = answer.question
        yoga = CategoryFactory(name="Yoga")
        moderator_client.post(
            reverse("moderation:edit_question", args=[question.pk]),
            {
                "title": "IT band pain after running",
                "category": yoga.pk,
                "body": "New text of the question.",
                "reason": "Clearer title",
                "base_version": question.version,
            },
        )

        question.refresh_from_db()
        assert (question.title, question.category) == ("IT band pain after running", yoga)
        assert question.edited_at is not None
        assert "Edited" in Client().get(question.get_absolute_url()).text
        history = moderator_client.get(
            reverse("moderation:history", args=["question", question.pk])
        )
        assert "- IT band pain need help" in history.text
        assert "+ IT band pain after running" in history.text

        revision = question.revisions.get()
        moderator_client.post(
            reverse("moderation:rollback", args=["question", revision.pk]),
            {"base_version": question.version},
        )
        question.refresh_from_db()
        assert question.title == "IT band pain need help"
        assert question.revisions.count() == 2
        assert actions() == ["edit", "rollback"]

    def test_a_moderator_edits_an_answer_and_can_roll_it_back(self, moderator_client, answer):
        moderator_client.post(
            reverse("moderation:edit_answer", args=[answer.pk]),
            {"body": "Corrected.", "reason": "", "base_version": answer.version},
        )
        answer.refresh_from_db()
        assert answer.body == "Corrected." and answer.edited_at is not None

        revision = answer.revisions.get()
        moderator_client.post(
            reverse("moderation:rollback", args=["answer", revision.pk]),
            {"base_version": answer.version},
        )
        answer.refresh_from_db()
        assert answer.body == "Use heat after the first days."


class TestSuspension:
    def test_a_suspended_member_reads_but_cannot_post_and_their_profile_hides(
        self, moderator_client, jeremy, answer
    ):
        moderator_client.post(
            reverse("moderation:member", args=[jeremy.handle]),
            {"action": "suspend", "period": "7", "reason": "Rude to askers"},
        )

        jeremy.refresh_from_db()
        assert jeremy.suspended_until > timezone.now() + timedelta(days=6)
        own = as_user(jeremy)
        assert own.get(answer.question.get_absolute_url()).status_code == HTTPStatus.OK
        response = own.post(
            reverse("forum:follow_up", args=[answer.pk]), {"body": "x", "submission_key": "k"}
        )
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "Rude to askers" in response.text
        assert Client().get(jeremy.expert_profile.get_absolute_url()).status_code == 404

        moderator_client.post(
            reverse("moderation:member", args=[jeremy.handle]), {"action": "lift"}
        )
        jeremy.refresh_from_db()
        assert jeremy.suspended_at is None
        assert Client().get(jeremy.expert_profile.get_absolute_url()).status_code == 200
        assert actions() == ["suspend_user", "lift_suspension"]

    def test_an_indefinite_suspension_has_no_end(self, moderator_client):
        member = UserFactory()
        moderator_client.post(
            reverse("moderation:member", args=[member.handle]),
            {"action": "suspend", "period": "", "reason": "Spam"},
        )

        member.refresh_from_db()
        assert member.suspended_at and member.suspended_until is None

    def test_a_suspension_that_ran_out_lets_the_member_post(self, massage):
        member = UserFactory(
            suspended_at=timezone.now() - timedelta(days=8),
            suspended_until=timezone.now() - timedelta(days=1),
        )
        from accounts.roles import can_post

        assert can_post(member)


MODERATION_POSTS = [
    ("moderation:hide", ["answer", "{answer}"], {"reason": "x"}),
    ("moderation:restore", ["answer", "{answer}"], {}),
    ("moderation:dismiss", ["answer", "{answer}"], {}),
    ("moderation:feature", ["{answer}"], {"featured": "1"}),
    ("moderation:lock", ["{question}"], {"locked": "1", "reason": "Heated."}),
    ("moderation:edit_question", ["{question}"], {"title": "Hacked title", "body": "x"}),
    ("moderation:edit_answer", ["{answer}"], {"body": "Hacked"}),
    ("moderation:member", ["{handle}"], {"action": "suspend", "reason": "x"}),
]


@pytest.mark.parametrize(("name", "args", "data"), MODERATION_POSTS)
@pytest.mark.parametrize("who", ["anonymous", "member", "expert"])
def test_non_moderators_get_nothing_and_change_nothing(answer, jeremy, name, args, data, who):
    client = {"anonymous": Client(), "member": as_user(UserFactory()), "expert": as_user(jeremy)}[
        who
    ]
    values = {"answer": answer.pk, "question": answer.question.pk, "handle": jeremy.handle}
    url = reverse(name, args=[str(a).format(**values) for a in args])

    response = client.post(url, data)

    assert response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FOUND)
    if response.status_code == HTTPStatus.FOUND:
        assert response["Location"].startswith(reverse("account_login"))
    answer.refresh_from_db()
    jeremy.refresh_from_db()
    assert not answer.is_hidden and not answer.is_featured and answer.body.startswith("Use heat")
    assert not answer.question.locked and answer.question.title == "IT band pain need help"
    assert jeremy.suspended_at is None
    assert not AuditEntry.objects.exists()


class TestAuditLog:
    def test_lists_and_filters_every_action(self, moderator_client, moderator, answer):
        moderator_client.post(reverse("moderation:feature", args=[answer.pk]), {"featured": "1"})
        moderator_client.post(
            reverse("moderation:lock", args=[answer.question.pk]),
            {"locked": "1", "reason": "Heated."},
        )

        everything = moderator_client.get(reverse("moderation:log"))
        only_locks = moderator_client.get(reverse("moderation:log") + "?action=lock")
        by_moderator = moderator_client.get(
            reverse("moderation:log") + f"?actor={moderator.handle}"
        )
        by_nobody = moderator_client.get(reverse("moderation:log") + "?actor=nobody")

        assert [e.action for e in everything.context["page_obj"]] == ["lock", "feature"]
        assert [e.action for e in only_locks.context["page_obj"]] == ["lock"]
        assert len(by_moderator.context["page_obj"]) == 2
        assert len(by_nobody.context["page_obj"]) == 0
        assert f"<strong>{moderator.display_name}</strong> locked" in everything.text

    def test_queries_do_not_grow(self, moderator_client, massage, django_assert_num_queries):
        """Guards against N+1 queries over actors and members."""

        def act():
            answer = AnswerFactory(question__category=massage)
            moderator_client.post(
                reverse("moderation:feature", args=[answer.pk]), {"featured": "1"}
            )

        act()
        moderator_client.get(reverse("moderation:log"))  # Shows the actions' messages.
        # The fourth: the links to the answers acted on, all in one query.
        with django_assert_num_queries(4):
            moderator_client.get(reverse("moderation:log"))
        for _ in range(10):
            act()
        moderator_client.get(reverse("moderation:log"))
        with django_assert_num_queries(4):
            moderator_client.get(reverse("moderation:log"))

    def test_the_admin_shows_it_read_only(self, admin_client, moderator_client, answer):
        moderator_client.post(reverse("moderation:feature", args=[answer.pk]), {"featured": "1"})
        entry = AuditEntry.objects.get()

        assert admin_client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 200
        assert admin_client.get(reverse("admin:accounts_auditentry_add")).status_code == 403
        admin_client.post(
            reverse("admin:accounts_auditentry_change", args=[entry.pk]), {"reason": "rewritten"}
        )
        entry.refresh_from_db()
        assert entry.reason == ""


def test_the_walk_through_of_the_issue(moderator_client, moderator, answer, massage):
    """Flag, review in context, dismiss, feature; hide another answer, its author sees why,
    visitors do not, a restore brings it back; every step in the audit log."""
    flag(as_user(UserFactory()), "answer", answer, reason="dangerous", note="Ice is better")
    queue = moderator_client.get(reverse("moderation:queue")).text
    assert "Wrong or dangerous advice" in queue and "Use heat after the first days." in queue
    moderator_client.post(
        reverse("moderation:dismiss", args=["answer", answer.pk]), {"next": "queue"}
    )
    moderator_client.post(reverse("moderation:feature", args=[answer.pk]), {"featured": "1"})

    other = AnswerFactory(
        question=answer.question,
        author=ExpertProfileFactory(categories=[massage]).user,
        body="Buy my miracle oil",
    )
    moderator_client.post(
        reverse("moderation:hide", args=["answer", other.pk]), {"reason": "Advertising"}
    )
    thread = answer.question.get_absolute_url()
    assert "Buy my miracle oil" not in Client().get(thread).text
    own = as_user(other.author).get(thread).text
    assert "Buy my miracle oil" in own and "Advertising" in own
    moderator_client.post(reverse("moderation:restore", args=["answer", other.pk]))
    assert "Buy my miracle oil" in Client().get(thread).text

    assert actions() == ["dismiss_flags", "feature", "hide", "restore"]
    assert set(AuditEntry.objects.values_list("actor", flat=True)) == {moderator.pk}
    assert Answer.objects.count() == 2 and FollowUp.objects.count() == 0


def test_the_history_of_a_post_never_edited_says_so(moderator_client, answer):
    response = moderator_client.get(reverse("moderation:history", args=["answer", answer.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "Never edited." in response.text
