"""The whole lifecycle as a new member and the seed expert live it, through the pages only."""

import re
import uuid
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from experts.models import Rating
from forum.models import Question
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_member_asks_jeremy_privately_and_they_finish_the_conversation():
    call_command("seed", verbosity=0)
    jeremy = get_user_model().objects.get(handle="jeremy-lanfranco")
    jeremy.set_password(PASSWORD)
    jeremy.save()

    # Sign up and verify by the e-mail link.
    asker = Client()
    asker.post(
        reverse("account_signup"),
        {
            "display_name": "Dana Runner",
            "email": "dana@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)[1]
    asker.post(link)

    # Ask Jeremy a private question from his profile.
    profile_page = asker.get(reverse("experts:profile", args=["jeremy-lanfranco"]))
    ask_url = reverse("forum:ask_expert", args=["jeremy-lanfranco"])
    assert ask_url in profile_page.text
    form = asker.get(ask_url)
    massage = form.context["form"].fields["category"].queryset.get(slug="massage")
    response = asker.post(
        ask_url,
        {
            "category": massage.pk,
            "expert": jeremy.expert_profile.pk,
            "title": "Shin splints after a marathon",
            "body": "Both shins ache when I walk downstairs.",
            "visibility": "private",
            "submission_key": str(uuid.uuid4()),
        },
    )
    question = Question.objects.get(title="Shin splints after a marathon")
    assert response["Location"] == question.get_absolute_url()
    assert question.is_private and question.expert == jeremy
    my_questions = asker.get(reverse("forum:my_questions")).text
    assert "Shin splints after a marathon" in my_questions
    assert f"Waiting for {jeremy.display_name}" in my_questions

    # Jeremy signs in, finds it in his inbox and answers.
    expert = Client()
    expert.post(reverse("account_login"), {"login": jeremy.email, "password": PASSWORD})
    assert "Shin splints after a marathon" in expert.get(reverse("forum:inbox")).text
    expert.post(
        reverse("forum:answer_question", args=[question.pk]),
        {"body": "Rest for a week, then build up slowly."},
    )
    answer = question.answers.get()

    # The asker follows up, Jeremy replies.
    asker.post(
        reverse("forum:follow_up", args=[answer.pk]),
        {"body": "Should I ice it?", "submission_key": str(uuid.uuid4())},
    )
    expert.post(
        reverse("forum:follow_up", args=[answer.pk]),
        {"body": "Ice only the first two days.", "submission_key": str(uuid.uuid4())},
    )

    # The asker rates and thanks him.
    asker.post(
        reverse("forum:rate", args=[answer.pk]),
        {
            "knowledgeability": 10,
            "clarity": 9,
            "politeness": 10,
            "thank_you_note": "Thank you, that helped!",
        },
    )
    thread = asker.get(question.get_absolute_url()).text
    for text in (
        "Rest for a week, then build up slowly.",
        "Should I ice it?",
        "Ice only the first two days.",
        "Thank you, that helped!",
    ):
        assert text in thread
    assert Rating.objects.get(answer=answer).clarity == 9
    assert "Answered" in asker.get(reverse("forum:my_questions")).text

    # Anyone else: the thread does not exist.
    stranger = Client()
    assert stranger.get(question.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    stranger.force_login(UserFactory())
    assert stranger.get(question.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
