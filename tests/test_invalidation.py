"""Invalidation by what changed (config.pagecache): a write moves on only the keys it
touches. A write to thread A leaves thread B's cached page served from the cache, and
is visible on every page that shows A as soon as the write has returned."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from config import pagecache
from experts.models import ExpertProfile
from forum import actions
from forum.models import Category
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def two_threads():
    """Threads A and B, answered by the same expert, in one category."""
    category = CategoryFactory(name="Massage", slug="massage")
    expert = ExpertProfileFactory(categories=[category]).user
    a = AnswerFactory(question=QuestionFactory(category=category, title="Thread A"), author=expert)
    b = AnswerFactory(question=QuestionFactory(category=category, title="Thread B"), author=expert)
    actions.refresh_thread(question=a.question)
    actions.refresh_thread(question=b.question)
    return a, b


def cached(url):
    """Whether a visitor's page comes from the cache (no query at all)."""
    with CaptureQueriesContext(connection) as queries:
        Client().get(url)
    return len(queries) == 0


def pages_showing(question):
    return [
        question.get_absolute_url(),
        "/",
        question.category.get_absolute_url(),
        "/answers/",
    ]


def test_a_follow_up_on_a_leaves_b_cached_and_shows_on_every_page_of_a(
    two_threads, django_capture_on_commit_callbacks
):
    a, b = two_threads
    for url in [b.question.get_absolute_url(), *pages_showing(a.question)]:
        Client().get(url)
    assert cached(b.question.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        actions.post_follow_up(answer=a, author=a.question.asker, body="One more thing, please?")

    # B's page was not touched: still served from the cache.
    assert cached(b.question.get_absolute_url())
    # A's page, and the lists that show A, are rendered again.
    assert "One more thing, please?" in Client().get(a.question.get_absolute_url()).text
    for url in pages_showing(a.question)[1:]:
        assert not cached(url), url


def test_an_edit_of_a_shows_on_its_page_home_and_category_at_once(
    two_threads, django_capture_on_commit_callbacks
):
    a, _ = two_threads
    question = a.question
    for url in pages_showing(question):
        Client().get(url)

    with django_capture_on_commit_callbacks(execute=True):
        actions.edit_question(
            question=question,
            moderator=_moderator(),
            title="Thread A, retitled",
            body=question.body,
            category=question.category,
            base_version=question.version,
            reason="Clearer title",
        )

    for url in pages_showing(question):
        assert "Thread A, retitled" in Client().get(url).text, url


def test_a_new_answer_changes_the_experts_figures_on_every_thread_that_shows_them(
    two_threads, django_capture_on_commit_callbacks
):
    a, b = two_threads
    expert = a.author
    Client().get(b.question.get_absolute_url())
    before = ExpertProfile.objects.get(user=expert).answer_total
    third = QuestionFactory(category=a.question.category, expert=None)

    with django_capture_on_commit_callbacks(execute=True):
        actions.post_answer(question=third, author=expert, body="A third answer.")

    assert ExpertProfile.objects.get(user=expert).answer_total == before + 1
    # B's sidebar card shows the expert's answer count: its page is rendered again.
    page = Client().get(b.question.get_absolute_url()).text
    assert f"{before + 1} answers" in page


def test_a_write_that_names_no_key_renews_every_page(two_threads):
    a, b = two_threads
    for url in [a.question.get_absolute_url(), b.question.get_absolute_url(), "/"]:
        Client().get(url)

    category = Category.objects.get(slug="massage")
    actions.set_guidance(moderator=_moderator(), category=category, guidance="Not advice.")

    for url in [a.question.get_absolute_url(), b.question.get_absolute_url(), "/"]:
        assert not cached(url), url


def test_a_page_rendered_while_a_write_runs_is_not_kept(two_threads, monkeypatch):
    """The versions are read before the page: a write meanwhile outdates the copy at once."""
    a, _ = two_threads
    url = a.question.get_absolute_url()
    from forum.views import threads

    render = threads.render_thread

    def render_while_a_write_commits(request, question, **kwargs):
        pagecache.touch(pagecache.thread_key(question.pk))  # the write, mid-render
        return render(request, question, **kwargs)

    monkeypatch.setattr(threads, "render_thread", render_while_a_write_commits)
    Client().get(url)
    monkeypatch.setattr(threads, "render_thread", render)

    assert not cached(url)
    assert cached(url)


def test_an_evicted_key_never_comes_back_with_an_old_number(two_threads):
    a, _ = two_threads
    key = pagecache.thread_key(a.question.pk)
    first = pagecache.versions([key])[key]
    cache.delete(f"pagecache:v:{key}")  # evicted

    assert pagecache.versions([key])[key] != first


def _moderator():
    from tests.factories import ModeratorFactory

    return ModeratorFactory()


def test_members_pages_are_never_kept_whatever_the_keys(two_threads):
    a, _ = two_threads
    member = Client()
    member.force_login(UserFactory())
    response = member.get(a.question.get_absolute_url())
    assert "private" in response["Cache-Control"]


def test_a_question_to_the_expert_shows_on_their_card_beside_other_threads(
    two_threads, django_capture_on_commit_callbacks
):
    a, b = two_threads
    expert = a.author
    ExpertProfile.objects.filter(user=expert).update(daily_question_limit=1)
    assert "Accepting questions" in Client().get(b.question.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        actions.ask_question(
            asker=UserFactory(),
            category=a.question.category,
            title="One for this expert alone",
            body="Addressed to them.",
            visibility="private",
            expert=expert,
        )

    assert "Not taking questions today" in Client().get(b.question.get_absolute_url()).text
