"""robots.txt and the sitemaps: valid against the sitemaps.org schemas, listing exactly
what a visitor may read, page by page, fresh after every write, at a fixed cost."""

from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from lxml import etree

from forum.actions import post_answer, withdraw_question
from forum.archive import answered_counts
from forum.models import Question
from forum.sitemaps import ThreadSitemap
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

XSD = Path(__file__).parent / "xsd"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITE = "http://testserver"


def schema(name):
    return etree.XMLSchema(etree.parse(str(XSD / name)))


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(response.content)


def valid(document, xsd):
    validator = schema(xsd)
    assert validator.validate(document), validator.error_log


def index(client):
    document = fetch(client, "/sitemap.xml")
    valid(document, "siteindex.xsd")
    return [loc.text for loc in document.findall("s:sitemap/s:loc", NS)]


def locations(client, url):
    """The locations of one sitemap page, checked against the schema."""
    document = fetch(client, url.removeprefix(SITE))
    valid(document, "sitemap.xsd")
    return [loc.text for loc in document.findall("s:url/s:loc", NS)]


def everything(client):
    """Every location of every page the index lists, in order."""
    return [loc for page in index(client) for loc in locations(client, page)]


def thread_pages(client):
    """The threads section's pages, as the index lists them (ids, and so pages, depend
    on the database: PostgreSQL does not start them again for each test)."""
    return [page for page in index(client) if "/sitemap-threads.xml" in page]


def thread_urls(client):
    return [loc for page in thread_pages(client) for loc in locations(client, page)]


def url_of(question):
    return SITE + question.get_absolute_url()


@pytest.fixture
def world(massage, jeremy):
    """One thread of each kind a visitor may or may not read."""
    member = UserFactory()
    shown = AnswerFactory(question__category=massage, author=jeremy).question
    private = AnswerFactory(
        question__category=massage,
        question__visibility="private",
        question__expert=jeremy,
        author=jeremy,
    ).question
    hidden = AnswerFactory(question__category=massage, author=jeremy).question
    Question.objects.filter(pk=hidden.pk).update(is_hidden=True)
    refresh_thread(hidden.pk)
    # Answered once, but the only answer was hidden: nothing answered left to show.
    answer_hidden = AnswerFactory(question__category=massage, author=jeremy, is_hidden=True)
    unanswered = QuestionFactory(category=massage)
    withdrawn = QuestionFactory(category=massage, asker=member)
    withdraw_question(question=withdrawn, asker=member)
    return {
        "shown": shown,
        "private": private,
        "hidden": hidden,
        "answer_hidden": answer_hidden.question,
        "unanswered": unanswered,
        "withdrawn": withdrawn,
    }


def test_robots_txt(client):
    response = client.get("/robots.txt")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for path in ("/me/", "/moderation/", "/accounts/", "/admin/", "/search/", "/ask/", "/api/"):
        assert f"Disallow: {path}" in lines, path
    # The editor's preview, by the address the widget posts to.
    preview = resolve("/markdown/preview/").url_name
    assert preview == "markdownx_markdownify"
    assert "Disallow: /markdown/" in lines
    assert "Allow: /" in lines
    assert lines[-1] == "Sitemap: http://testserver/sitemap.xml"
    assert not any(line.startswith("Disallow: /q/") or line == "Disallow: /" for line in lines)


def test_index_and_sections_validate(world, massage, jeremy):
    client = Client()
    pages = index(client)

    assert [page.split("?")[0] for page in pages] == [
        f"{SITE}/sitemap-categories.xml",
        f"{SITE}/sitemap-threads.xml",
        f"{SITE}/sitemap-experts.xml",
    ]
    listed = everything(client)
    assert f"{SITE}/c/massage/" in listed
    assert url_of(world["shown"]) in listed
    assert SITE + jeremy.expert_profile.get_absolute_url() in listed


def test_threads_section_lists_exactly_the_public_answered_threads(world):
    listed = thread_urls(Client())

    assert listed == [url_of(world["shown"])]
    public = Question.objects.public().answered()
    assert len(listed) == public.count() == sum(answered_counts().values())


def test_signed_in_readers_get_the_same_sitemap(world, jeremy, moderator):
    """The addressed expert and a moderator may read the private thread, but a sitemap
    is a public document: it lists what a visitor reads."""
    visitor = thread_urls(Client())
    for reader in (jeremy, moderator, world["private"].asker):
        client = Client()
        client.force_login(reader)
        assert thread_urls(client) == visitor


def test_lastmod_is_the_last_public_change(world):
    question = world["shown"]
    client = Client()
    (page,) = thread_pages(client)
    document = fetch(client, page.removeprefix(SITE))
    (lastmod,) = document.findall("s:url/s:lastmod", NS)

    assert lastmod.text == f"{question.last_activity_at:%Y-%m-%d}"


def test_categories_section_lists_categories_with_public_answers(world, massage):
    health = CategoryFactory(name="Health", slug="health")
    knees = CategoryFactory(name="Knees", slug="knees", parent=health)
    AnswerFactory(question__category=knees)
    empty = CategoryFactory(name="Empty", slug="empty")
    only_private = CategoryFactory(name="Private only", slug="private-only")
    expert = ExpertProfileFactory(categories=[only_private]).user
    AnswerFactory(
        question__category=only_private,
        question__visibility="private",
        question__expert=expert,
        author=expert,
    )

    listed = locations(Client(), "/sitemap-categories.xml")

    assert sorted(listed) == sorted(
        [f"{SITE}/c/massage/", f"{SITE}/c/health/", f"{SITE}/c/health/knees/"]
    )
    assert SITE + empty.get_absolute_url() not in listed
    assert SITE + only_private.get_absolute_url() not in listed


def test_experts_section_lists_approved_profiles(massage, jeremy):
    pending = ExpertProfileFactory(status="pending", categories=[massage])
    refused = ExpertProfileFactory(status="refused", categories=[massage])
    suspended = ExpertProfileFactory(status="suspended", categories=[massage])

    listed = locations(Client(), "/sitemap-experts.xml")

    assert listed == [SITE + jeremy.expert_profile.get_absolute_url()]
    for profile in (pending, refused, suspended):
        assert Client().get(profile.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_pages_hold_at_most_the_limit_and_together_everything(massage, jeremy, monkeypatch):
    monkeypatch.setattr(ThreadSitemap, "limit", 3)
    asker = UserFactory()
    ids = bulk.threads(8, massage, asker=asker, expert=jeremy)
    # A private thread in the middle: its page holds one fewer.
    Question.objects.filter(pk=ids[4]).update(visibility="private", expert=jeremy)
    client = Client()

    pages = thread_pages(client)
    per_page = [locations(client, page) for page in pages]

    numbers = sorted({(pk - 1) // 3 + 1 for pk in ids})
    assert pages == [
        f"{SITE}/sitemap-threads.xml" if n == 1 else f"{SITE}/sitemap-threads.xml?p={n}"
        for n in numbers
    ]
    assert all(0 < len(page) <= 3 for page in per_page)
    listed = [loc for page in per_page for loc in page]
    expected = Question.objects.public().answered().order_by("pk")
    assert listed == [url_of(question) for question in expected]
    assert len(listed) == 7


@pytest.mark.parametrize("page", ["0", "-1", "x", "99999", "9" * 40, "1.5"])
def test_missing_pages_are_not_found(world, page):
    response = Client().get("/sitemap-threads.xml", {"p": page})

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_empty_sections_are_left_out_of_the_index(db):
    CategoryFactory()

    document = fetch(Client(), "/sitemap.xml")
    assert document.findall("s:sitemap", NS) == []


def test_a_write_shows_in_the_next_sitemap(world, massage, jeremy, settings, commit):
    settings.PAGE_CACHE_SECONDS = 300
    client = Client()
    before = thread_urls(client)
    # Served from the cache: not a query.
    with CaptureQueriesContext(connection) as captured:
        assert thread_urls(client) == before
    assert len(captured) == 0

    question = world["unanswered"]
    commit(post_answer, question=question, author=jeremy, body="Ice it, then rest.")

    assert thread_urls(client) == [*before, url_of(question)]


def test_cached_sitemap_keeps_its_headers(world, settings):
    settings.PAGE_CACHE_SECONDS = 300
    client = Client()
    (page,) = thread_pages(client)
    first = client.get(page.removeprefix(SITE))
    second = client.get(page.removeprefix(SITE))

    for response in (first, second):
        assert response["Content-Type"] == "application/xml"
        assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
        assert "public" in response["Cache-Control"]
        assert "max-age=3600" in response["Cache-Control"]
    assert first.content == second.content


def test_links_use_the_site_address_whatever_the_host(world, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    listed = thread_urls(Client(HTTP_HOST="other.example"))

    assert {urlsplit(url).netloc for url in listed} == {"testserver"}


SMALL, LARGE = 10, 1_000


def queries(url):
    if url == "threads":
        # Its last page: the one the new threads join.
        url = thread_pages(Client())[-1].removeprefix(SITE)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url)
    assert response.status_code == HTTPStatus.OK
    return len(captured)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/sitemap.xml", 4),
        ("threads", 1),
        ("/sitemap-categories.xml", 2),
        ("/sitemap-experts.xml", 2),
    ],
)
def test_query_counts_are_fixed(massage, jeremy, url, expected):
    asker = UserFactory()
    bulk.threads(SMALL, massage, asker=asker, expert=jeremy)
    for _ in range(3):
        ExpertProfileFactory(categories=[massage])
    small = queries(url)
    bulk.threads(LARGE - SMALL, massage, asker=asker, expert=jeremy, title="Another knee")
    for n in range(20):
        CategoryFactory(parent=massage, slug=f"sub-{n}")
        ExpertProfileFactory(categories=[massage])

    assert (small, queries(url)) == (expected, expected)
