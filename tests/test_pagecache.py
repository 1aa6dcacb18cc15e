"""Visitors without a session get cached pages, refreshed by every write."""

from http import HTTPStatus

import pytest
from django.test import Client, override_settings

from forum.services import post_answer
from tests.factories import (
    PASSWORD,
    AnswerFactory,
    ExpertProfileFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def page_cache():
    with override_settings(PAGE_CACHE_SECONDS=300):
        yield


def test_a_second_visit_is_served_from_the_cache_without_queries(django_assert_num_queries):
    question = AnswerFactory().question
    visitor = Client()
    first = visitor.get(question.get_absolute_url())

    with django_assert_num_queries(0):
        second = visitor.get(question.get_absolute_url())

    assert second.status_code == HTTPStatus.OK
    assert second.content == first.content
    assert "Content-Security-Policy" in second


def test_a_write_shows_at_once(django_capture_on_commit_callbacks):
    question = QuestionFactory(title="Cached question")
    expert = ExpertProfileFactory(categories=[question.category]).user
    visitor = Client()
    assert "No answer yet" in visitor.get(question.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        post_answer(question=question, author=expert, body="A fresh answer.")

    assert "A fresh answer." in visitor.get(question.get_absolute_url()).text


def test_signed_in_members_never_get_or_fill_the_cache(django_assert_num_queries):
    expert = ExpertProfileFactory().user
    question = QuestionFactory(expert=expert, visibility="private", title="Private matter")
    asker = Client()
    asker.force_login(question.asker)
    assert "Private matter" in asker.get(question.get_absolute_url()).text

    # The same URL for a visitor is a 404, not the asker's cached page.
    assert Client().get(question.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    member = Client()
    member.force_login(UserFactory())
    assert member.get(question.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_pages_differ_by_query_string():
    visitor = Client()
    visitor.get("/answers/")

    assert visitor.get("/answers/?page=2").status_code == HTTPStatus.OK
    assert visitor.get("/categories/").status_code == HTTPStatus.OK


def test_members_reading_someone_elses_thread_get_cached_answers_that_follow_writes():
    answer = AnswerFactory(body="The first version.")
    question = answer.question
    bystander = Client()
    bystander.force_login(UserFactory())
    assert "The first version." in bystander.get(question.get_absolute_url()).text

    from forum.services import edit_answer, post_follow_up

    edit_answer(answer=answer, editor=answer.author, body="The second version.")
    post_follow_up(answer=answer, author=question.asker, body="Thanks, and one more thing?")

    html = bystander.get(question.get_absolute_url()).text
    assert "The second version." in html and "The first version." not in html
    assert "Thanks, and one more thing?" in html
    # The asker's own view carries forms, and is never a cached fragment.
    asker = Client()
    asker.force_login(question.asker)
    assert 'name="submission_key"' in asker.get(question.get_absolute_url()).text
    assert 'name="submission_key"' not in bystander.get(question.get_absolute_url()).text


def test_a_login_does_not_empty_the_visitors_cache(member):
    from config.pagecache import generation

    before = generation()
    Client().post("/accounts/login/", {"login": member.email, "password": PASSWORD})

    assert generation() == before
