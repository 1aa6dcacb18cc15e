"""Action URLs reached by GET, and text sent after the session expired (forum.drafts)."""

import time
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from experts.models import Rating
from forum import drafts
from forum.models import FollowUp, Question
from tests.factories import (
    PASSWORD,
    AnswerFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def asker():
    return UserFactory(display_name="Annabelle")


@pytest.fixture
def question(massage, jeremy, asker):
    return QuestionFactory(
        category=massage, expert=jeremy, asker=asker, title="IT band pain need help"
    )


@pytest.fixture
def answer(question, jeremy):
    return AnswerFactory(question=question, author=jeremy)


def sign_in(client, user, response):
    """Through allauth's sign-in form, where `response` (to the expired POST) sent them."""
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login") + "?next=")
    return client.post(response.url, {"login": user.email, "password": PASSWORD}, follow=True)


QUESTION_ACTIONS = [
    ("forum:answer_question", "#your-answer"),
    ("forum:decline", "#decline"),
    ("forum:reroute", "#reroute"),
    ("forum:resolve", "#resolve"),
    ("forum:reopen", "#reopen"),
]


@pytest.mark.parametrize(("name", "anchor"), QUESTION_ACTIONS)
def test_a_get_on_a_question_action_leads_to_the_form_on_the_thread(
    client, question, answer, name, anchor
):
    response = client.get(reverse(name, args=[question.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == question.get_absolute_url() + anchor


@pytest.mark.parametrize(
    ("name", "anchor"), [("forum:follow_up", "follow-up-form"), ("forum:rate", "rate")]
)
def test_a_get_on_an_answer_action_leads_to_that_answers_form(client, answer, name, anchor):
    response = client.get(reverse(name, args=[answer.pk]))

    assert response.url == f"{answer.question.get_absolute_url()}#{anchor}-{answer.pk}"


@pytest.mark.parametrize("name", ["forum:follow_up", "forum:rate"])
def test_a_private_thread_stays_a_404_by_its_action_urls(client, massage, jeremy, name):
    private = QuestionFactory(category=massage, expert=jeremy, visibility="private")
    answer = AnswerFactory(question=private, author=jeremy)
    url = reverse(name, args=[answer.pk])

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(UserFactory())
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("forum:decline", args=[private.pk])).status_code == 404
    client.force_login(private.asker)
    assert client.get(url).status_code == HTTPStatus.FOUND


def test_other_methods_are_still_not_allowed(client, answer):
    response = client.put(reverse("forum:follow_up", args=[answer.pk]))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_a_follow_up_sent_after_the_session_expired_waits_in_the_form_after_sign_in(
    client, asker, answer
):
    url = reverse("forum:follow_up", args=[answer.pk])

    response = client.post(url, {"body": "Should I ice it?", "submission_key": "x"})

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{reverse('account_login')}?next={url}"
    assert not FollowUp.objects.exists()

    page = sign_in(client, asker, response)

    assert (
        page.redirect_chain[-1][0]
        == f"{answer.question.get_absolute_url()}#follow-up-form-{answer.pk}"
    )
    text = page.text
    assert "Should I ice it?</textarea>" in text
    assert drafts.KEPT_MESSAGE in text
    assert not FollowUp.objects.exists(), "never sent on the asker's behalf"
    # Shown once: the next visit has an empty form.
    again = client.get(answer.question.get_absolute_url()).text
    assert "Should I ice it?" not in again
    assert drafts.KEPT_MESSAGE not in again


def test_a_rating_sent_after_the_session_expired_comes_back_chosen_and_open(client, asker, answer):
    url = reverse("forum:rate", args=[answer.pk])
    expired = client.post(
        url,
        {"knowledgeability": "7", "clarity": "8", "politeness": "9", "thank_you_note": "Thanks!"},
    )

    text = sign_in(client, asker, expired).text

    assert f'id="rate-{answer.pk}" open' in text
    assert '<option value="8" selected>8</option>' in text
    assert "Thanks!</textarea>" in text
    assert not Rating.objects.exists()


def test_a_question_sent_after_the_session_expired_is_back_in_the_ask_form(
    client, asker, massage, jeremy
):
    url = reverse("forum:ask")
    expired = client.post(
        url,
        {
            "category": massage.pk,
            "title": "Calf cramps at night",
            "body": "They wake me up.",
            "visibility": "public",
        },
    )

    text = sign_in(client, asker, expired).text

    assert 'value="Calf cramps at night"' in text
    assert "They wake me up.</textarea>" in text
    assert drafts.KEPT_MESSAGE in text
    assert not Question.objects.filter(title="Calf cramps at night").exists()


def test_an_answer_sent_after_the_session_expired_is_back_in_the_answer_form(
    client, question, jeremy
):
    expired = client.post(
        reverse("forum:answer_question", args=[question.pk]), {"body": "Rest it for a week."}
    )

    text = sign_in(client, jeremy, expired).text

    assert "Rest it for a week.</textarea>" in text
    assert not question.answers.exists()


def test_a_draft_is_not_offered_to_a_reader_who_cannot_use_that_form(client, answer):
    expired = client.post(reverse("forum:follow_up", args=[answer.pk]), {"body": "Words"})

    text = sign_in(client, UserFactory(), expired).text

    assert "Words</textarea>" not in text
    assert drafts.KEPT_MESSAGE not in text


def test_drafts_are_bounded_in_number_size_and_age(rf, answer):
    request = rf.post("/")
    request.session = Client().session
    for n in range(drafts.MAX_DRAFTS + 2):
        drafts.keep(request, f"/a/{n}/follow-up/", {"body": "x" * (drafts.MAX_VALUE_LENGTH + 50)})

    kept = drafts.kept(request)
    assert len(kept) == drafts.MAX_DRAFTS
    assert "/a/0/follow-up/" not in kept
    assert all(len(fields["body"]) == drafts.MAX_VALUE_LENGTH for fields in kept.values())

    stale = request.session[drafts.SESSION_KEY]["/a/2/follow-up/"]
    stale["at"] = time.time() - drafts.MAX_AGE_SECONDS - 1
    assert "/a/2/follow-up/" not in drafts.kept(request)


def test_an_empty_form_keeps_no_draft(client, answer):
    client.post(reverse("forum:follow_up", args=[answer.pk]), {"body": "  ", "submission_key": "k"})

    assert drafts.SESSION_KEY not in client.session


class TestFormErrors:
    def test_a_decline_without_reason_shows_the_thread_with_the_error_and_the_note(
        self, client, jeremy, question
    ):
        client.force_login(jeremy)
        url = reverse("forum:decline", args=[question.pk])

        response = client.post(url, {"note": "Not my field, sorry"})

        text = response.text
        assert response.status_code == HTTPStatus.OK
        assert 'id="decline" open' in text
        assert "This field is required." in text
        assert "Not my field, sorry</textarea>" in text
        assert 'class="site-header' in text or "<header" in text
        # Reloading from the address bar is a GET: back to the form, not a blank page.
        assert client.get(url).url == question.get_absolute_url() + "#decline"


class TestRatingScores:
    def test_no_score_is_chosen_before_the_asker_chooses(self, client, asker, answer):
        client.force_login(asker)

        text = client.get(answer.question.get_absolute_url()).text

        assert (
            f'name="knowledgeability" required id="id_rating_{answer.pk}_knowledgeability"' in text
        )
        assert "selected>10</option>" not in text
        assert '<option value="" selected>Choose…</option>' in text

    def test_a_missing_score_is_named_and_the_chosen_ones_are_kept(self, client, asker, answer):
        client.force_login(asker)

        response = client.post(
            reverse("forum:rate", args=[answer.pk]),
            {"knowledgeability": "6", "politeness": "9", "thank_you_note": "Thank you"},
        )

        text = response.text
        assert "Choose a score for clarity of response." in text
        assert '<option value="6" selected>6</option>' in text
        assert '<option value="9" selected>9</option>' in text
        assert not Rating.objects.exists()


def test_a_get_on_a_moderation_action_leads_to_the_post(client, moderator_client, answer):
    url = reverse("moderation:hide", kwargs={"kind": "answer", "pk": answer.pk})

    assert moderator_client.get(url).url == answer.get_absolute_url()
    client.force_login(UserFactory())
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_an_edit_sent_after_the_session_expired_keeps_the_version_it_was_based_on(
    client, jeremy, answer
):
    url = reverse("forum:edit_answer", args=[answer.pk])
    expired = client.post(url, {"body": "Rest it for three weeks.", "base_version": "1"})

    text = sign_in(client, jeremy, expired).text

    assert "Rest it for three weeks.</textarea>" in text
    assert 'name="base_version" value="1"' in text
    assert drafts.KEPT_MESSAGE in text
