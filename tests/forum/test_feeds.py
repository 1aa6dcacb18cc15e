"""The feeds: well-formed RSS 2.0 and Atom, holding exactly what a visitor sees on the
page each follows, 404 for anything else, at a fixed cost, and linked from the pages."""

from html import unescape
from http import HTTPStatus

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import html

from forum.actions import withdraw_question
from forum.models import Question
from tests import bulk
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    QuestionFactory,
    UserFactory,
    refresh_thread,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
FORMATS = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def read(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    kind = "atom" if url.startswith("/feeds/atom/") else "rss"
    assert response["Content-Type"].startswith(FORMATS[kind])
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    assert parsed.version == ("atom10" if kind == "atom" else "rss20")
    return parsed


def both(route):
    return [f"/feeds/rss/{route}", f"/feeds/atom/{route}"]


@pytest.fixture
def health():
    return CategoryFactory(name="Health", slug="health")


@pytest.fixture
def knees(health):
    return CategoryFactory(name="Knees", slug="knees", parent=health)


@pytest.fixture
def world(massage, jeremy, knees):
    """Threads a visitor may read and threads they may not, all answered by Jeremy."""
    member = UserFactory()
    shown = AnswerFactory(question__category=massage, author=jeremy, body="Stretch **gently**.")
    # A second expert's answer on the same thread, hidden by the moderators.
    hidden_answer = AnswerFactory(question=shown.question, is_hidden=True)
    in_knees = AnswerFactory(question__category=knees, author=jeremy)
    private = AnswerFactory(
        question__category=massage,
        question__visibility="private",
        question__expert=jeremy,
        author=jeremy,
    )
    hidden = AnswerFactory(question__category=massage, author=jeremy)
    Question.objects.filter(pk=hidden.question_id).update(is_hidden=True)
    refresh_thread(hidden.question_id)
    only_hidden = AnswerFactory(question__category=massage, author=jeremy, is_hidden=True)
    withdrawn = QuestionFactory(category=massage, asker=member)
    withdraw_question(question=withdrawn, asker=member)
    return {
        "shown": shown,
        "hidden_answer": hidden_answer,
        "in_knees": in_knees,
        "private": private,
        "hidden": hidden,
        "only_hidden": only_hidden,
        "unanswered": QuestionFactory(category=massage),
        "withdrawn": withdrawn,
    }


def links(parsed):
    return [entry.link for entry in parsed.entries]


def url_of(item):
    return SITE + item.get_absolute_url()


@pytest.mark.parametrize("url", both("answered/"))
def test_site_feed_lists_the_public_answered_questions(world, url):
    parsed = read(Client(), url)

    assert links(parsed) == [url_of(world["in_knees"].question), url_of(world["shown"].question)]
    entry = parsed.entries[1]
    question = world["shown"].question
    assert entry.title == question.title
    assert entry.author == question.asker.display_name
    assert entry.id == f"{SITE}/q/{question.pk}/"
    # The question's and the first shown answer's stored HTML, not the hidden answer's.
    assert question.body_html in entry.summary
    assert "<strong>gently</strong>" in entry.summary
    assert world["hidden_answer"].body not in entry.summary
    assert parsed.feed.link == f"{SITE}/"


@pytest.mark.parametrize("url", both("c/health/"))
def test_category_feed_takes_in_its_subcategories(world, url):
    parsed = read(Client(), url)

    assert links(parsed) == [url_of(world["in_knees"].question)]
    assert parsed.feed.link == f"{SITE}/c/health/"


@pytest.mark.parametrize("url", both("c/massage/"))
def test_category_feed_holds_no_private_or_hidden_thread(world, url):
    parsed = read(Client(), url)

    assert links(parsed) == [url_of(world["shown"].question)]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_expert_feed_lists_their_public_answers(world, jeremy, kind):
    parsed = read(Client(), f"/feeds/{kind}/experts/{jeremy.handle}/")

    assert links(parsed) == [url_of(world["in_knees"]), url_of(world["shown"])]
    assert [entry.author for entry in parsed.entries] == [jeremy.display_name] * 2
    assert parsed.entries[1].id == f"{SITE}/a/{world['shown'].pk}/"
    assert "<strong>gently</strong>" in parsed.entries[1].summary
    # As many as the profile counts.
    profile = Client().get(jeremy.expert_profile.get_absolute_url())
    assert profile.context["page_obj"].paginator.count == 2


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_thread_feed_lists_its_shown_answers(world, kind):
    question = world["shown"].question
    parsed = read(Client(), f"/feeds/{kind}/q/{question.pk}/")

    assert links(parsed) == [url_of(world["shown"])]
    assert parsed.entries[0].author == world["shown"].author.display_name
    page = Client().get(question.get_absolute_url())
    assert world["hidden_answer"].body not in page.content.decode()


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_an_unanswered_public_thread_has_an_empty_feed(world, kind):
    parsed = read(Client(), f"/feeds/{kind}/q/{world['unanswered'].pk}/")

    assert parsed.entries == []


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("reader", ["visitor", "asker", "expert", "moderator"])
def test_private_hidden_withdrawn_and_unknown_are_not_found(world, jeremy, moderator, kind, reader):
    """Whoever asks, even someone who may read the thread itself: feeds are public."""
    client = Client()
    if reader != "visitor":
        client.force_login(
            {"asker": world["private"].question.asker, "expert": jeremy, "moderator": moderator}[
                reader
            ]
        )
    pending = ExpertProfileFactory(status="pending")
    suspended = ExpertProfileFactory(status="suspended")
    for url in (
        f"/feeds/{kind}/q/{world['private'].question_id}/",
        f"/feeds/{kind}/q/{world['hidden'].question_id}/",
        f"/feeds/{kind}/q/{world['withdrawn'].pk}/",
        f"/feeds/{kind}/q/999999/",
        f"/feeds/{kind}/q/{'9' * 40}/",
        f"/feeds/{kind}/c/no-such-category/",
        f"/feeds/{kind}/experts/{pending.user.handle}/",
        f"/feeds/{kind}/experts/{suspended.user.handle}/",
        f"/feeds/{kind}/experts/no-such-expert/",
    ):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url


@pytest.mark.parametrize("reader", ["expert", "moderator"])
def test_signed_in_readers_get_the_visitors_feed(world, jeremy, moderator, reader):
    client = Client()
    client.force_login({"expert": jeremy, "moderator": moderator}[reader])

    for url in [*both("answered/"), *both(f"experts/{jeremy.handle}/")]:
        assert links(read(client, url)) == links(read(Client(), url))


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_titles_are_escaped(massage, jeremy, kind):
    title = "Knee & hip </script><script>alert(1)</script> pain"
    answer = AnswerFactory(
        question__category=massage, question__title=title, author=jeremy, body="<b>Rest</b> & ice"
    )

    for url in (
        f"/feeds/{kind}/answered/",
        f"/feeds/{kind}/q/{answer.question_id}/",
        f"/feeds/{kind}/experts/{jeremy.handle}/",
    ):
        response = Client().get(url)
        assert b"</script><script>" not in response.content
        parsed = read(Client(), url)
        assert title in shown_title(parsed.entries[0])
        assert "<b>" not in parsed.entries[0].summary
    assert shown_title(read(Client(), f"/feeds/{kind}/answered/").entries[0]) == title


def shown_title(entry):
    """The title as a reader shows it: an RSS title is HTML (so the markup in it is
    escaped once more, and not run), an Atom one plain text."""
    if entry.title_detail.type == "text/html":
        return unescape(entry.title)
    assert entry.title_detail.type == "text/plain"
    return entry.title


@pytest.mark.parametrize("url", both("answered/"))
def test_dates(world, url):
    question = world["shown"].question
    edited = timezone.now()
    Question.objects.filter(pk=question.pk).update(edited_at=edited)

    entry = read(Client(), url).entries[1]

    assert entry.published_parsed[:6] == question.answered_at.utctimetuple()[:6]
    # RSS 2.0 has no date of change; Atom's <updated> is the last edit.
    if url.startswith("/feeds/atom/"):
        assert entry.updated_parsed[:6] == edited.utctimetuple()[:6]


def test_feeds_are_cached_until_the_next_write(world, jeremy, settings, commit):
    from forum.actions import post_answer

    settings.PAGE_CACHE_SECONDS = 300
    client = Client()
    before = links(read(client, "/feeds/rss/answered/"))
    with CaptureQueriesContext(connection) as captured:
        assert links(read(client, "/feeds/rss/answered/")) == before
    assert len(captured) == 0
    response = client.get("/feeds/rss/answered/")
    assert "max-age=300" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]

    question = world["unanswered"]
    commit(post_answer, question=question, author=jeremy, body="Ice it, then rest.")

    assert links(read(client, "/feeds/rss/answered/")) == [url_of(question), *before]


def alternates(client, url):
    page = html.fromstring(client.get(url).content)
    return {
        (link.get("type"), link.get("href"))
        for link in page.xpath("//head/link[@rel='alternate']")
        if link.get("type") in FORMATS.values()
    }


def test_pages_link_their_feeds(world, jeremy):
    client = Client()
    question = world["shown"].question
    pages = {
        "/": "answered/",
        "/c/health/": "c/health/",
        jeremy.expert_profile.get_absolute_url(): f"experts/{jeremy.handle}/",
        question.get_absolute_url(): f"q/{question.pk}/",
    }
    for page, route in pages.items():
        assert alternates(client, page) == {
            (FORMATS["rss"], f"/feeds/rss/{route}"),
            (FORMATS["atom"], f"/feeds/atom/{route}"),
        }, page
        for _, href in alternates(client, page):
            read(client, href)


def test_private_threads_link_no_feed(world, jeremy):
    client = Client()
    client.force_login(jeremy)

    assert alternates(client, world["private"].question.get_absolute_url()) == set()


SMALL, LARGE = 10, 1_000


def queries(url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url)
    assert response.status_code == HTTPStatus.OK
    return len(captured)


@pytest.fixture
def grown(massage, jeremy):
    """A thread with many answers, and many threads answered by Jeremy."""
    thread = QuestionFactory(category=massage)

    def grow(count):
        bulk.threads(count, massage, asker=UserFactory(), expert=jeremy)
        for _ in range(count // 100 or 1):
            AnswerFactory(question=thread)

    return thread, grow


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("answered/", 2),
        ("c/health/", 4),
        ("experts/{handle}/", 2),
        ("q/{thread}/", 2),
    ],
)
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_query_counts_are_fixed(massage, jeremy, grown, kind, route, expected):
    massage.parent = CategoryFactory(slug="health")
    massage.save()
    thread, grow = grown
    url = f"/feeds/{kind}/" + route.format(handle=jeremy.handle, thread=thread.pk)
    grow(SMALL)
    small = queries(url)
    grow(LARGE - SMALL)

    assert (small, queries(url)) == (expected, expected)
