from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    CredentialFactory,
    ExpertProfileFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile():
    massage = CategoryFactory(name="Massage", slug="massage")
    profile = ExpertProfileFactory(
        user__display_name="Jeremy Lanfranco",
        user__handle="jeremy-lanfranco",
        headline="Massage therapist",
        location="Malta, Europe",
        expertise="I can answer any questions about massage.",
        experience="16 years experience as a part time massage Therapist.",
        categories=[massage],
    )
    CredentialFactory(
        profile=profile, kind="organization", title="British School of Yoga Associate"
    )
    CredentialFactory(profile=profile, kind="clients", title="Look my name up in youtube.")
    return profile


def test_the_profile_shows_everything_an_asker_needs(client, profile):
    AnswerFactory(author=profile.user, question__title="IT band pain need help")

    response = client.get(profile.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    html = response.text
    for text in (
        "Jeremy Lanfranco",
        "Massage therapist",
        "Malta, Europe",
        "I can answer any questions about massage.",
        "16 years experience as a part time massage Therapist.",
        "Organizations",
        "British School of Yoga Associate",
        "Past/Present Clients",
        "Look my name up in youtube.",
        "Massage",
        "IT band pain need help",
        "Answers by Expert",
    ):
        assert text in html, text


def test_private_and_hidden_answers_never_show_on_a_profile(client, profile):
    AnswerFactory(author=profile.user, question__title="Public one")
    AnswerFactory(
        author=profile.user,
        question__title="Private one",
        question__visibility="private",
        question__expert=profile.user,
    )
    AnswerFactory(author=profile.user, question__title="Hidden one", is_hidden=True)
    AnswerFactory(author=profile.user, question__title="Hidden question", question__is_hidden=True)

    response = client.get(profile.get_absolute_url())

    assert "Public one" in response.text
    for title in ("Private one", "Hidden one", "Hidden question"):
        assert title not in response.text
    assert response.context["page_obj"].paginator.count == 1


def test_a_pending_profile_is_404_except_to_its_owner(client, profile):
    pending = ExpertProfileFactory(status="pending")

    assert client.get(pending.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    client.force_login(UserFactory())
    assert client.get(pending.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    client.force_login(pending.user)
    assert client.get(pending.get_absolute_url()).status_code == HTTPStatus.OK


def test_an_unknown_expert_is_404(client, db):
    assert client.get("/experts/nobody/").status_code == HTTPStatus.NOT_FOUND


def test_profile_queries_do_not_grow_with_answers(client, profile, django_assert_num_queries):
    """Guards against N+1 queries over credentials, categories and answers."""
    AnswerFactory(author=profile.user)
    with django_assert_num_queries(9):
        client.get(profile.get_absolute_url())
    for _ in range(25):
        AnswerFactory(author=profile.user)
        CredentialFactory(profile=profile)
    with django_assert_num_queries(9):
        response = client.get(profile.get_absolute_url())
    assert len(response.context["page_obj"]) == 20


def test_the_directory_lists_approved_experts_only(client, profile, django_assert_num_queries):
    ExpertProfileFactory(user__display_name="Pending Person", status="pending")
    ExpertProfileFactory(user__display_name="Suspended Person", status="suspended")
    for _ in range(5):
        ExpertProfileFactory(categories=[CategoryFactory()])

    with django_assert_num_queries(4):
        response = client.get(reverse("experts:directory"))

    assert "Jeremy Lanfranco" in response.text
    assert "Pending Person" not in response.text
    assert "Suspended Person" not in response.text
    assert response.context["page_obj"].paginator.count == 6


def test_answer_counts_ignore_private_questions(client, profile):
    AnswerFactory(author=profile.user)
    AnswerFactory(
        author=profile.user, question=QuestionFactory(visibility="private", expert=profile.user)
    )

    response = client.get(reverse("experts:directory"))

    assert response.context["page_obj"][0].answer_total == 1
