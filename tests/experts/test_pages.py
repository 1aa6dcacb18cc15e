from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum.actions import rate_answer
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


# --- Issue 17: the profile on a phone, the thread's expert card, "Become an expert" ---


def rate(answer, score=9):
    rate_answer(
        answer=answer,
        rater=answer.question.asker,
        knowledgeability=score,
        clarity=score,
        politeness=score,
    )


def test_the_ask_button_comes_first_on_the_profile(client, profile):
    html = client.get(profile.get_absolute_url()).text

    ask = html.index("Ask Jeremy Lanfranco a question")
    assert html.count("Ask Jeremy Lanfranco a question") == 1
    assert ask < html.index("Scorecard") < html.index("Expertise")
    assert ask < html.index("</header>", html.index('class="page-header profile-head"'))


def test_the_profile_offers_no_ask_button_to_the_expert_or_while_away(client, profile):
    client.force_login(profile.user)
    assert "Ask Jeremy Lanfranco a question" not in client.get(profile.get_absolute_url()).text

    profile.accepting_questions = False
    profile.save()
    client.logout()
    html = client.get(profile.get_absolute_url()).text
    assert "Ask Jeremy Lanfranco a question" not in html
    assert "Away" in html


def test_the_profile_says_each_figure_once(client, profile):
    profile.user.date_joined = profile.approved_at
    profile.user.save()
    rate(AnswerFactory(author=profile.user))

    html = client.get(profile.get_absolute_url()).text

    assert "Member since" not in html
    assert html.count("Expert since") == 1
    assert "ratings-title" not in html  # the old "Average ratings" panel
    assert html.count("9.0/10 from 1 rating") == 1
    assert "From 1 rating" not in html
    assert html.count("Knowledgeability") == 1


def test_an_empty_chart_says_older_answers_exist(client, profile):
    two_years_ago = timezone.now() - timedelta(days=730)
    AnswerFactory(
        author=profile.user,
        question__created_at=two_years_ago,
        created_at=two_years_ago + timedelta(hours=3),
    )

    html = client.get(profile.get_absolute_url()).text

    assert "No answers in the last 12 months; 1 earlier answer." in html
    assert "No answers to show yet" not in html
    # Unrated: the tile says so once, and there is no empty ratings chart.
    assert "No ratings yet" in html
    assert "No ratings to show yet" not in html


def test_an_expert_without_answers_shows_no_empty_charts(client, profile):
    html = client.get(profile.get_absolute_url()).text

    assert "to show yet" not in html
    assert "chart-empty" not in html
    assert "No public answers yet." in html


def test_plural_earlier_answers_and_no_note_with_recent_ones(client, profile):
    old = timezone.now() - timedelta(days=500)
    for _ in range(2):
        AnswerFactory(author=profile.user, question__created_at=old, created_at=old)
    assert "2 earlier answers." in client.get(profile.get_absolute_url()).text

    AnswerFactory(author=profile.user)
    html = client.get(profile.get_absolute_url()).text
    assert "earlier answer" not in html
    assert "chart-bar" in html


@pytest.fixture
def thread(profile):
    massage = profile.categories.get()
    answer = AnswerFactory(
        author=profile.user,
        question__category=massage,
        question__title="IT band pain need help",
    )
    return answer


def test_the_thread_card_shows_experience_organizations_and_clients(client, thread):
    html = client.get(thread.question.get_absolute_url()).text
    card = html[html.index('class="panel expert-card"') :]

    for text in (
        "Experience",
        "16 years experience as a part time massage Therapist.",
        "Organizations",
        "British School of Yoga Associate",
        "Past/Present Clients",
        "Look my name up in youtube.",
        "Answers by Expert",
    ):
        assert text in card, text
    assert card.count("no ratings yet") + card.count("No ratings yet") == 1


def test_the_thread_links_to_the_category_experts(client, thread):
    other = ExpertProfileFactory(
        user__display_name="Nadia Nutrition", categories=[CategoryFactory()]
    )

    response = client.get(thread.question.get_absolute_url())

    directory = reverse("experts:directory") + "?category=massage"
    assert f'href="{directory}">Ask Experts in Massage</a>' in response.text
    experts = client.get(directory)
    assert experts.status_code == HTTPStatus.OK
    assert "Ask Experts in Massage" in experts.text
    assert "Jeremy Lanfranco" in experts.text
    assert other.user.display_name not in experts.text
    assert client.get(reverse("experts:directory") + "?category=nowhere").status_code == 404


def test_the_card_names_its_rating_count(client, thread):
    rate(thread)

    html = client.get(thread.question.get_absolute_url()).text
    card = html[html.index('class="panel expert-card"') :]

    assert "rated 9.0/10 (1 rating)" in card
    assert "From 1 rating" not in card
    assert "no ratings yet" not in card.lower()


def test_the_thread_queries_do_not_grow_with_card_credentials(
    client, thread, django_assert_num_queries
):
    """Guards against N+1 queries over the cards' organizations and clients."""
    question = thread.question
    url = question.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(2):
        expert = ExpertProfileFactory(categories=[question.category])
        for kind in ("organization", "clients", "education"):
            for _ in range(3):
                CredentialFactory(profile=expert, kind=kind)
        AnswerFactory(question=question, author=expert.user)
    with django_assert_num_queries(len(before)):
        response = client.get(url)
    assert response.text.count("Past/Present Clients") == 3


def test_the_filtered_directory_queries_do_not_grow(client, profile, django_assert_num_queries):
    """Guards against N+1 queries in a category's "Ask Experts" list."""
    massage = profile.categories.get()
    url = reverse("experts:directory") + "?category=massage"
    with django_assert_num_queries(6):
        client.get(url)
    for _ in range(25):
        ExpertProfileFactory(categories=[massage])
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.context["page_obj"].paginator.count == 26


BECOME = "Become an expert"
SIGN_UP_THEN_APPLY = "/accounts/signup/?next=/experts/apply/"


@pytest.mark.parametrize("url", ["/", "/experts/", "/c/massage/", "/experts/?category=massage"])
def test_visitors_are_invited_to_become_experts(client, profile, url):
    html = client.get(url).text

    assert f'href="{SIGN_UP_THEN_APPLY}">{BECOME}</a>' in html


def test_members_are_invited_straight_to_the_application(client, profile):
    client.force_login(UserFactory())

    html = client.get("/experts/").text

    assert f'Know a subject well? <a href="/experts/apply/">{BECOME}</a>' in html
    assert SIGN_UP_THEN_APPLY not in html


@pytest.mark.parametrize("status", ["approved", "pending"])
def test_experts_and_applicants_are_not_invited(client, profile, status):
    profile.status = status
    profile.save()
    client.force_login(profile.user)

    for url in ("/experts/", "/c/massage/", "/"):
        html = client.get(url).text
        assert BECOME not in html, url
        assert "Know a subject well?" not in html, url


def test_the_invitation_leads_a_visitor_to_sign_in_then_apply(client, db):
    response = client.get("/experts/apply/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/?next=/experts/apply/")
