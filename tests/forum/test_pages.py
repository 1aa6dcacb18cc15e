from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    CredentialFactory,
    ExpertProfileFactory,
    FollowUpFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    health = CategoryFactory(name="Health & Fitness", slug="health", position=1)
    massage = CategoryFactory(name="Massage", slug="massage", parent=health, position=1)
    yoga = CategoryFactory(name="Yoga", slug="yoga", parent=health, position=2)
    law = CategoryFactory(name="Law", slug="law", position=2)
    return {"health": health, "massage": massage, "yoga": yoga, "law": law}


@pytest.fixture
def jeremy(tree):
    return ExpertProfileFactory(
        user__display_name="Jeremy Lanfranco",
        user__handle="jeremy-lanfranco",
        headline="Massage therapist",
        categories=[tree["massage"]],
    )


def test_home_shows_the_tree_with_counts_recent_and_featured_answers(client, tree, jeremy):
    AnswerFactory(
        question__category=tree["massage"], question__title="Sore calves", author=jeremy.user
    )
    AnswerFactory(question__category=tree["yoga"], question__title="Tight hips", is_featured=True)
    QuestionFactory(category=tree["massage"], title="Still waiting")
    secret = QuestionFactory(
        category=tree["massage"], title="Secret knee", visibility="private", expert=jeremy.user
    )
    AnswerFactory(question=secret, author=jeremy.user)

    response = client.get(reverse("home"))

    assert response.status_code == HTTPStatus.OK
    html = response.text
    assert "Health &amp; Fitness" in html and "Massage" in html and "Law" in html
    assert 'href="/c/health/massage/"' in html
    health = next(node for node in response.context["tree"] if node.category == tree["health"])
    assert health.count == 2
    assert "Sore calves" in html
    assert "Tight hips" in html
    assert "Still waiting" not in html
    assert "Secret knee" not in html


def test_categories_page_lists_the_whole_tree(client, tree, django_assert_num_queries):
    """Two queries (categories, counts) however large the tree."""
    with django_assert_num_queries(2):
        response = client.get(reverse("forum:categories"))

    assert response.status_code == HTTPStatus.OK
    for name in ("Health &amp; Fitness", "Massage", "Yoga", "Law"):
        assert name in response.text


def test_category_page_has_breadcrumbs_subtree_archive_and_experts(client, tree, jeremy):
    AnswerFactory(
        question__category=tree["massage"], question__title="Sore calves", author=jeremy.user
    )
    AnswerFactory(question__category=tree["law"], question__title="My landlord")
    ExpertProfileFactory(
        categories=[tree["massage"]], status="pending", headline="Not yet approved"
    )

    response = client.get(tree["health"].get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    html = response.text
    assert "You are here:" in html
    assert 'aria-current="page">Health &amp; Fitness' in html
    assert "Sore calves" in html  # from the Massage subcategory
    assert "My landlord" not in html
    assert "Jeremy Lanfranco" in html
    assert "Massage therapist" in html
    assert "Not yet approved" not in html

    response = client.get(tree["massage"].get_absolute_url())
    assert f'href="{tree["health"].get_absolute_url()}"' in response.text
    assert 'aria-current="page">Massage' in response.text


def test_category_archive_is_paginated_newest_first(client, tree):
    for n in range(23):
        AnswerFactory(question__category=tree["law"], question__title=f"Law question {n:02}")

    first = client.get(tree["law"].get_absolute_url())
    second = client.get(tree["law"].get_absolute_url() + "?page=2")

    assert first.context["page_obj"].paginator.count == 23
    assert "Law question 22" in first.text
    assert "Law question 00" not in first.text
    assert "Law question 00" in second.text
    assert client.get(tree["law"].get_absolute_url() + "?page=abc").status_code == HTTPStatus.OK


def test_an_unknown_category_is_404(client, tree):
    assert client.get("/c/health/nope/").status_code == HTTPStatus.NOT_FOUND


def test_category_page_queries_do_not_grow_with_rows(client, tree, django_assert_num_queries):
    """Guards against N+1 queries in the archive and the experts list."""
    for _ in range(3):
        expert = ExpertProfileFactory(categories=[tree["massage"]])
        AnswerFactory(question__category=tree["massage"], author=expert.user)
    url = tree["health"].get_absolute_url()
    with django_assert_num_queries(9):
        client.get(url)
    for _ in range(20):
        expert = ExpertProfileFactory(categories=[tree["massage"]])
        AnswerFactory(question__category=tree["massage"], author=expert.user)
    with django_assert_num_queries(9):
        client.get(url)


def test_home_queries_do_not_grow_with_rows(client, tree, django_assert_num_queries):
    """Guards against N+1 queries in the tree, recent and featured lists."""
    AnswerFactory(question__category=tree["yoga"], is_featured=True)
    with django_assert_num_queries(4):
        client.get(reverse("home"))
    for _ in range(15):
        AnswerFactory(question__category=tree["yoga"], is_featured=True)
        CategoryFactory(parent=tree["law"])
    with django_assert_num_queries(4):
        client.get(reverse("home"))


def test_all_answers_lists_public_answered_questions(client, tree, django_assert_num_queries):
    AnswerFactory(question__title="Public and answered")
    QuestionFactory(title="Unanswered yet")
    AnswerFactory(question__title="Hidden one", question__is_hidden=True)

    # The counts, the categories and the experts (for the filters), the page's ids, its
    # rows (the counts are cached outside tests).
    with django_assert_num_queries(5):
        response = client.get(reverse("forum:answers"))

    assert "Public and answered" in response.text
    assert "Unanswered yet" not in response.text
    assert "Hidden one" not in response.text


class TestThread:
    @pytest.fixture
    def thread(self, tree, jeremy):
        question = QuestionFactory(
            category=tree["massage"],
            title="IT band pain need help",
            body="It hurts after **5 minutes**.",
            asker__display_name="Annabelle",
            expert=jeremy.user,
        )
        answer = AnswerFactory(question=question, author=jeremy.user, body="Hi Annabelle!")
        FollowUpFactory(answer=answer, body="Should I use heat?")
        FollowUpFactory(answer=answer, author=jeremy.user, body="Yes, heat after the first days.")
        return question

    def test_shows_question_answers_follow_ups_and_expert_card(self, client, thread, jeremy):
        response = client.get(thread.get_absolute_url())

        assert response.status_code == HTTPStatus.OK
        html = response.text
        assert "Massage/IT band pain need help" in html
        assert "Annabelle" in html
        assert "<strong>5 minutes</strong>" in html
        assert "Hi Annabelle!" in html
        assert html.index("Should I use heat?") < html.index("Yes, heat after the first days.")
        assert f'href="{jeremy.get_absolute_url()}"' in html
        assert "Answers by Expert" in html
        assert "Massage therapist" in html
        assert 'aria-current="page"' in html
        assert '<meta name="description" content="It hurts after 5 minutes.">' in html

    def test_a_wrong_or_missing_slug_redirects_to_the_right_url(self, client, thread):
        for url in (f"/q/{thread.pk}/wrong-slug/", f"/q/{thread.pk}/"):
            response = client.get(url)
            assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
            assert response["Location"] == thread.get_absolute_url()

    def test_an_unknown_question_is_404(self, client, db):
        assert client.get("/q/999999/anything/").status_code == HTTPStatus.NOT_FOUND

    def test_a_private_thread_is_404_to_everyone_but_its_people(self, client, tree, jeremy):
        question = QuestionFactory(
            category=tree["massage"], expert=jeremy.user, visibility="private", title="Private"
        )
        AnswerFactory(question=question, author=jeremy.user)

        assert client.get(question.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
        client.force_login(UserFactory())
        assert client.get(question.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
        client.force_login(question.asker)
        assert client.get(question.get_absolute_url()).status_code == HTTPStatus.OK
        client.force_login(jeremy.user)
        assert client.get(question.get_absolute_url()).status_code == HTTPStatus.OK

    def test_hidden_answers_are_not_shown_to_visitors(self, client, thread):
        AnswerFactory(question=thread, body="Buy my pills", is_hidden=True)

        assert "Buy my pills" not in client.get(thread.get_absolute_url()).text

    def test_hostile_text_is_escaped_everywhere_it_shows(self, client, tree, jeremy):
        question = QuestionFactory(
            category=tree["massage"],
            title="<script>alert('t')</script>",
            body="<img src=x onerror=alert(1)>",
            asker__display_name="<b onmouseover=alert(1)>Eve</b>",
        )
        AnswerFactory(question=question, author=jeremy.user, body="[x](javascript:alert(1))")

        for url in (
            question.get_absolute_url(),
            reverse("home"),
            tree["massage"].get_absolute_url(),
        ):
            html = client.get(url).text
            assert "<script>alert" not in html
            assert "<img src=x" not in html
            assert "<b onmouseover" not in html
            assert 'href="javascript:' not in html

    def test_every_answer_shows_its_experts_verified_credentials(self, client, thread):
        """Beyond the few expert cards beside the thread, too."""
        for n in range(5):
            profile = ExpertProfileFactory()
            CredentialFactory(profile=profile, title=f"Licence {n}", verified_at=timezone.now())
            AnswerFactory(question=thread, author=profile.user)

        html = client.get(thread.get_absolute_url()).text

        for n in range(5):
            assert f"Verified: Licence {n}" in html

    def test_queries_do_not_grow_with_answers_and_follow_ups(
        self, client, thread, tree, django_assert_num_queries
    ):
        """Guards against N+1 queries over answers, follow-ups and expert cards."""
        url = thread.get_absolute_url()
        with django_assert_num_queries(7):
            client.get(url)
        for _ in range(10):
            expert = ExpertProfileFactory(categories=[tree["massage"]])
            answer = AnswerFactory(question=thread, author=expert.user)
            for _ in range(4):
                FollowUpFactory(answer=answer)
        with django_assert_num_queries(7):
            response = client.get(url)
        assert len(response.context["answers"]) == 11


def test_my_questions_queries_do_not_grow(client, tree, django_assert_num_queries):
    """Guards against N+1 queries over categories and experts of the member's questions."""
    me = UserFactory()
    client.force_login(me)
    QuestionFactory(asker=me)
    with django_assert_num_queries(3):
        client.get(reverse("forum:my_questions"))
    for _ in range(10):
        QuestionFactory(asker=me, expert=ExpertProfileFactory().user)
    with django_assert_num_queries(3):
        client.get(reverse("forum:my_questions"))


def test_my_questions_lists_the_members_own_questions_with_status(client, tree, jeremy):
    me = UserFactory()
    QuestionFactory(asker=me, title="Mine and waiting")
    private = QuestionFactory(
        asker=me, title="Mine and private", visibility="private", expert=jeremy.user
    )
    AnswerFactory(question=private, author=jeremy.user)
    QuestionFactory(title="Someone else's")

    assert client.get(reverse("forum:my_questions")).status_code == HTTPStatus.FOUND
    client.force_login(me)
    response = client.get(reverse("forum:my_questions"))

    html = response.text
    assert "Mine and waiting" in html and "Open to the category&#x27;s experts" in html
    assert "Mine and private" in html and "Answered" in html
    assert "Someone else" not in html
