"""Visitors without a session get cached pages, refreshed by every write to what they show."""

import gzip
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.actions import edit_answer, hide, post_answer, post_follow_up
from tests.factories import (
    PASSWORD,
    AnswerFactory,
    ExpertProfileFactory,
    FollowUpFactory,
    ModeratorFactory,
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


def test_browsers_get_the_cached_page_gzipped_with_every_header():
    question = AnswerFactory().question
    url = question.get_absolute_url()
    first = Client().get(url)

    browser = Client(headers={"accept-encoding": "gzip, deflate, br"})
    with CaptureQueriesContext(connection) as queries:
        cached = browser.get(url)

    assert len(queries) == 0
    assert cached["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in cached["Vary"]
    assert gzip.decompress(cached.content) == first.content
    assert int(cached["Content-Length"]) == len(cached.content)
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert cached[header] == first[header]
    assert cached["Content-Type"] == first["Content-Type"]


def test_only_pages_marked_cacheable_are_stored():
    visitor = Client()
    with CaptureQueriesContext(connection) as queries:
        visitor.get(reverse("forum:search"), {"q": "knee"})
        visitor.get(reverse("forum:search"), {"q": "knee"})
    # Search is not cached: each request asks the database again.
    assert len(queries) > 0


def test_missing_pages_and_redirects_are_not_cached(django_assert_num_queries):
    question = AnswerFactory().question
    visitor = Client()
    assert visitor.get("/q/999999/nothing/").status_code == HTTPStatus.NOT_FOUND
    wrong_slug = f"/q/{question.pk}/not-its-slug/"
    assert visitor.get(wrong_slug).status_code == HTTPStatus.MOVED_PERMANENTLY

    with CaptureQueriesContext(connection) as queries:
        assert visitor.get("/q/999999/nothing/").status_code == HTTPStatus.NOT_FOUND
        assert visitor.get(wrong_slug).status_code == HTTPStatus.MOVED_PERMANENTLY
    assert len(queries) == 2


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

    edit_answer(answer=answer, editor=answer.author, body="The second version.", base_version=1)
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


def answers_section(html):
    return html[html.index('<section class="answers"') : html.index('<nav class="thread-links')]


class TestBystanderThread:
    """A member who is neither the asker, an answering expert nor a moderator gets
    the answers of a thread as a cached fragment, and the answers are not loaded."""

    @pytest.fixture
    def thread(self):
        question = QuestionFactory(title="Shin splints")
        for n in range(3):
            answer = AnswerFactory(question=question, body=f"Answer number {n}.")
            FollowUpFactory(answer=answer, author=question.asker, body=f"Follow-up {n}.")
        return question

    def test_a_second_view_does_not_load_the_answers(self, thread):
        bystander = Client()
        bystander.force_login(UserFactory())
        url = thread.get_absolute_url()
        first = bystander.get(url).text
        with CaptureQueriesContext(connection) as warm:
            second = bystander.get(url).text

        assert answers_section(second) == answers_section(first)
        assert "Answer number 2." in second and "Follow-up 2." in second
        loaded = " ".join(query["sql"] for query in warm.captured_queries)
        assert "forum_followup" not in loaded
        assert "experts_credential" not in loaded

    def test_the_cached_answers_follow_every_write(self, thread):
        bystander = Client()
        bystander.force_login(UserFactory())
        url = thread.get_absolute_url()
        bystander.get(url)
        answer = thread.answers.first()

        post_follow_up(answer=answer, author=thread.asker, body="One more question, please.")
        assert "One more question, please." in bystander.get(url).text
        hide(item=answer, moderator=ModeratorFactory(), reason="Off topic")
        html = bystander.get(url).text
        assert "Answer number 0." not in html
        assert "2 Answers" in html

    def test_members_who_may_not_flag_do_not_get_the_flaggers_fragment(self, thread):
        flagger = Client()
        flagger.force_login(UserFactory())
        unverified = Client()
        unverified.force_login(UserFactory(verified=False))
        url = thread.get_absolute_url()

        assert "this answer</span>" in flagger.get(url).text
        assert "this answer</span>" not in unverified.get(url).text

    def test_the_people_of_the_thread_never_get_a_bystanders_fragment(self, thread):
        bystander = Client()
        bystander.force_login(UserFactory())
        url = thread.get_absolute_url()
        bystander.get(url)

        expert = Client()
        expert.force_login(thread.answers.first().author)
        assert "Edit your answer" in expert.get(url).text
        asker = Client()
        asker.force_login(thread.asker)
        assert "Rate this answer" in asker.get(url).text
        moderator = Client()
        moderator.force_login(ModeratorFactory())
        assert "Moderate<span" in moderator.get(url).text
        assert "Edit your answer" not in bystander.get(url).text

    def test_an_experts_hidden_answer_stays_theirs(self, thread):
        answer = thread.answers.first()
        hide(item=answer, moderator=ModeratorFactory(), reason="Needs a source")
        bystander = Client()
        bystander.force_login(UserFactory())
        url = thread.get_absolute_url()
        assert "Answer number 0." not in bystander.get(url).text

        expert = Client()
        expert.force_login(answer.author)
        html = expert.get(url).text
        assert "Answer number 0." in html and "Needs a source" in html
