import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse

from experts.models import Rating
from forum.models import Answer, AnswerRevision, Decline, FollowUp, Question
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def massage():
    return CategoryFactory(name="Massage", slug="massage", parent=CategoryFactory(slug="health"))


@pytest.fixture
def question(massage, jeremy):
    return QuestionFactory(
        category=massage, expert=jeremy, title="IT band pain need help", body="It hurts."
    )


def login(client, user):
    client.force_login(user)
    return client


class TestInbox:
    def test_lists_addressed_and_open_questions_with_counts(
        self, client, massage, jeremy, question
    ):
        QuestionFactory(category=massage, title="Open to all massage experts")
        QuestionFactory(category=CategoryFactory(), title="Another category")
        QuestionFactory(
            category=massage, expert=ExpertProfileFactory().user, title="For someone else"
        )

        addressed = login(client, jeremy).get(reverse("forum:inbox"))
        open_ = client.get(reverse("forum:inbox") + "?tab=open")

        assert "IT band pain need help" in addressed.text
        assert "Open to all massage experts" not in addressed.text
        assert "Open to all massage experts" in open_.text
        assert "Another category" not in open_.text
        assert "For someone else" not in open_.text + addressed.text
        assert addressed.context["counts"]["addressed"] == 1
        assert addressed.context["counts"]["open"] == 1

    def test_open_questions_already_answered_by_the_expert_leave_the_inbox(
        self, client, massage, jeremy
    ):
        open_question = QuestionFactory(category=massage, title="Answered by me already")
        AnswerFactory(question=open_question, author=jeremy)

        response = login(client, jeremy).get(reverse("forum:inbox") + "?tab=open")

        assert "Answered by me already" not in response.text

    def test_members_who_are_not_experts_are_told_what_the_inbox_is(self, member_client):
        response = member_client.get(reverse("forum:inbox"))

        assert response.status_code == HTTPStatus.OK
        assert "approved experts" in response.text

    def test_queries_do_not_grow_with_questions(
        self, client, massage, jeremy, django_assert_num_queries
    ):
        """Guards against N+1 queries over askers and categories."""
        login(client, jeremy)
        QuestionFactory(category=massage, expert=jeremy)
        with django_assert_num_queries(6):
            client.get(reverse("forum:inbox"))
        for _ in range(15):
            QuestionFactory(category=massage, expert=jeremy)
            QuestionFactory(category=massage)
        with django_assert_num_queries(6):
            client.get(reverse("forum:inbox"))


class TestAnswering:
    def test_the_addressed_expert_answers_and_the_question_is_answered(
        self, client, jeremy, question
    ):
        page = login(client, jeremy).get(question.get_absolute_url())
        assert "Your answer" in page.text

        response = client.post(
            reverse("forum:answer_question", args=[question.pk]), {"body": "Rest it, *then* heat."}
        )

        answer = Answer.objects.get()
        assert response["Location"] == answer.get_absolute_url()
        question.refresh_from_db()
        assert question.status == "answered"
        assert question.answer_count == 1
        assert question.answered_at == answer.created_at
        assert "<em>then</em>" in client.get(question.get_absolute_url()).text

    def test_a_double_submit_creates_one_answer(self, client, jeremy, question):
        login(client, jeremy)
        for _ in range(2):
            client.post(reverse("forum:answer_question", args=[question.pk]), {"body": "Rest it."})

        assert Answer.objects.count() == 1
        question.refresh_from_db()
        assert question.answer_count == 1

    def test_an_empty_answer_is_refused_with_a_message(self, client, jeremy, question):
        response = login(client, jeremy).post(
            reverse("forum:answer_question", args=[question.pk]), {"body": "   "}
        )

        assert response.status_code == HTTPStatus.OK
        assert "This field is required." in response.text
        assert not Answer.objects.exists()

    def test_several_experts_answer_an_open_question(self, client, massage):
        open_question = QuestionFactory(category=massage)
        for _ in range(2):
            expert = ExpertProfileFactory(categories=[massage]).user
            login(client, expert).post(
                reverse("forum:answer_question", args=[open_question.pk]), {"body": "My view."}
            )

        open_question.refresh_from_db()
        assert open_question.answer_count == 2

    def test_the_expert_edits_an_answer_and_the_old_text_is_kept(self, client, jeremy, question):
        answer = AnswerFactory(question=question, author=jeremy, body="First version")

        response = login(client, jeremy).post(
            reverse("forum:edit_answer", args=[answer.pk]),
            {"body": "Second version", "base_version": answer.version},
        )

        answer.refresh_from_db()
        assert response.status_code == HTTPStatus.FOUND
        assert answer.body == "Second version"
        assert answer.edited_at is not None
        assert AnswerRevision.objects.get(answer=answer).body == "First version"
        assert "edited" in client.get(question.get_absolute_url()).text


class TestDeclining:
    def test_the_expert_declines_and_the_asker_sees_why_and_picks_another(
        self, client, massage, jeremy, question
    ):
        other = ExpertProfileFactory(user__display_name="Maria Borg", categories=[massage])
        login(client, jeremy).post(
            reverse("forum:decline", args=[question.pk]),
            {
                "reason": "needs_professional",
                "note": "See a sports doctor first.",
                "referral": "doctor",
                "referral_urgency": "soon",
            },
        )
        question.refresh_from_db()
        assert question.status == "declined"

        page = login(client, question.asker).get(question.get_absolute_url())
        assert "Needs a doctor or another professional in person" in page.text
        assert "See a sports doctor first." in page.text
        assert "Ask someone else" in page.text
        assert "Maria Borg" in page.text

        client.post(
            reverse("forum:reroute", args=[question.pk]),
            {"category": question.category.pk, "expert": other.pk},
        )
        question.refresh_from_db()
        assert question.expert == other.user
        assert question.status == "addressed"
        assert question.body == "It hurts."

    def test_other_needs_a_note(self, client, jeremy, question):
        response = login(client, jeremy).post(
            reverse("forum:decline", args=[question.pk]), {"reason": "other", "note": ""}
        )

        assert "when the reason is “Other”" in response.text
        assert not Decline.objects.exists()

    def test_the_declining_expert_cannot_be_picked_again(self, client, massage, jeremy, question):
        login(client, jeremy).post(
            reverse("forum:decline", args=[question.pk]), {"reason": "not_my_area"}
        )
        response = login(client, question.asker).post(
            reverse("forum:reroute", args=[question.pk]),
            {"category": question.category.pk, "expert": jeremy.expert_profile.pk},
        )

        assert "Select a valid choice" in response.text
        question.refresh_from_db()
        assert question.status == "declined"


class TestConversation:
    @pytest.fixture
    def answer(self, question, jeremy):
        return AnswerFactory(question=question, author=jeremy)

    def follow_up(self, client, answer, body, key=None):
        return client.post(
            reverse("forum:follow_up", args=[answer.pk]),
            {"body": body, "submission_key": key or str(uuid.uuid4())},
        )

    def test_asker_and_expert_talk_in_turn(self, client, answer, question, jeremy):
        self.follow_up(login(client, question.asker), answer, "Should I use heat?")
        self.follow_up(login(client, jeremy), answer, "Yes, after the first days.")

        bodies = list(FollowUp.objects.values_list("body", flat=True))
        assert bodies == ["Should I use heat?", "Yes, after the first days."]
        html = client.get(question.get_absolute_url()).text
        assert html.index("Should I use heat?") < html.index("Yes, after the first days.")

    def test_no_one_else_may_post_there(self, client, answer):
        response = self.follow_up(login(client, UserFactory()), answer, "Me too!")

        assert response.status_code == HTTPStatus.FORBIDDEN
        assert not FollowUp.objects.exists()

    def test_a_double_submit_creates_one_follow_up(self, client, answer, question):
        login(client, question.asker)
        key = str(uuid.uuid4())
        self.follow_up(client, answer, "Once", key)
        self.follow_up(client, answer, "Once", key)

        assert FollowUp.objects.count() == 1

    def test_the_asker_marks_the_thread_resolved_and_it_takes_no_more(
        self, client, answer, question
    ):
        login(client, question.asker).post(reverse("forum:resolve", args=[question.pk]))
        question.refresh_from_db()
        assert question.status == "resolved"

        response = self.follow_up(client, answer, "One more thing")
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert not FollowUp.objects.exists()


class TestRating:
    @pytest.fixture
    def answer(self, question, jeremy):
        return AnswerFactory(question=question, author=jeremy)

    def rate(self, client, answer, **scores):
        data = {"knowledgeability": 9, "clarity": 8, "politeness": 10, "thank_you_note": ""}
        return client.post(reverse("forum:rate", args=[answer.pk]), {**data, **scores})

    def test_the_asker_rates_and_thanks_and_may_change_it(self, client, answer, question, jeremy):
        login(client, question.asker)
        self.rate(client, answer, thank_you_note="Thank you, Jeremy!")
        self.rate(client, answer, knowledgeability=10, thank_you_note="Thank you, Jeremy!")

        rating = Rating.objects.get()
        assert (rating.knowledgeability, rating.clarity, rating.politeness) == (10, 8, 10)
        assert rating.expert == jeremy
        assert "Thank you, Jeremy!" in client.get(question.get_absolute_url()).text
        profile = client.get(jeremy.expert_profile.get_absolute_url()).text
        assert "Thank you, Jeremy!" in profile
        assert "10.0" in profile

    @pytest.mark.parametrize("score", [0, 11, -1, "ten", ""])
    def test_scores_outside_1_to_10_are_refused(self, client, answer, question, score):
        response = self.rate(login(client, question.asker), answer, clarity=score)

        assert response.status_code == HTTPStatus.OK
        assert not Rating.objects.exists()

    def test_no_one_but_the_asker_may_rate(self, client, answer, jeremy):
        for user in (UserFactory(), jeremy):
            assert self.rate(login(client, user), answer).status_code == HTTPStatus.FORBIDDEN
        assert not Rating.objects.exists()

    def test_thank_you_notes_of_private_threads_stay_off_the_profile(self, client, massage, jeremy):
        private = QuestionFactory(category=massage, expert=jeremy, visibility="private")
        answer = AnswerFactory(question=private, author=jeremy)
        self.rate(login(client, private.asker), answer, thank_you_note="Secret thanks")

        profile = client.get(jeremy.expert_profile.get_absolute_url()).text

        assert "Secret thanks" not in profile


def test_hostile_text_in_every_field_renders_safely(client, massage, jeremy):
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))"
    question = QuestionFactory(category=massage, expert=jeremy, title=payload, body=payload)
    answer = AnswerFactory(question=question, author=jeremy, body=payload)
    login(client, question.asker)
    client.post(
        reverse("forum:follow_up", args=[answer.pk]),
        {"body": payload, "submission_key": str(uuid.uuid4())},
    )
    client.post(
        reverse("forum:rate", args=[answer.pk]),
        {"knowledgeability": 9, "clarity": 9, "politeness": 9, "thank_you_note": payload},
    )

    for url in (
        question.get_absolute_url(),
        jeremy.expert_profile.get_absolute_url(),
        reverse("forum:my_questions"),
        reverse("home"),
    ):
        html = client.get(url).text
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html
        assert 'href="javascript:' not in html
    assert Question.objects.count() == 1
