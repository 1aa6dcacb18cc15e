"""HTTP caching: visitors' pages revalidate with ETags (304), nothing personal is public."""

import gzip
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from forum.actions import edit_answer
from tests.factories import AnswerFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def answer():
    return AnswerFactory(body="Ice it for ten minutes.")


def test_a_visitors_page_has_an_etag_and_may_be_kept_by_any_cache(answer):
    response = Client().get(answer.question.get_absolute_url())

    assert response["ETag"].startswith('W/"')
    assert "public" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_asking_again_with_the_etag_gets_a_304_without_a_body(answer, django_assert_num_queries):
    url = answer.question.get_absolute_url()
    etag = Client().get(url)["ETag"]
    visitor = Client(headers={"if-none-match": etag, "accept-encoding": "gzip"})

    with django_assert_num_queries(0):
        response = visitor.get(url)

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response.content == b""
    assert response["ETag"] == etag
    assert "Cookie" in response["Vary"]


def test_a_page_rendered_again_unchanged_is_still_a_304(answer):
    url = answer.question.get_absolute_url()
    etag = Client().get(url)["ETag"]
    cache.clear()  # the stored page is gone (evicted, or the cache restarted)

    response = Client(headers={"if-none-match": etag}).get(url)

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response["ETag"] == etag


def test_a_write_changes_the_etag_and_the_page_comes_whole(
    answer, django_capture_on_commit_callbacks
):
    url = answer.question.get_absolute_url()
    etag = Client().get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        edit_answer(answer=answer, editor=answer.author, body="Heat it instead.", base_version=1)

    response = Client(headers={"if-none-match": etag}).get(url)

    assert response.status_code == HTTPStatus.OK
    assert "Heat it instead." in response.text
    assert response["ETag"] != etag


def test_an_etag_of_another_page_gets_the_page(answer):
    other = AnswerFactory().question.get_absolute_url()
    etag = Client().get(other)["ETag"]

    response = Client(headers={"if-none-match": etag}).get(answer.question.get_absolute_url())

    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "url",
    ["/", "/me/", "/me/notifications/", "/me/questions/", "/categories/", "{thread}"],
)
def test_nothing_a_member_reads_is_public(answer, url):
    member = Client()
    member.force_login(UserFactory())

    response = member.get(url.format(thread=answer.question.get_absolute_url()))

    assert "public" not in response.get("Cache-Control", "")
    assert "private" in response["Cache-Control"]


def test_a_signed_in_member_never_gets_a_304_for_a_visitors_copy(answer):
    url = answer.question.get_absolute_url()
    etag = Client().get(url)["ETag"]
    member = Client(headers={"if-none-match": etag})
    member.force_login(UserFactory())

    response = member.get(url)

    assert response.status_code == HTTPStatus.OK


def test_a_proxy_may_be_allowed_to_keep_pages_a_while(answer):
    with override_settings(SHARED_CACHE_SECONDS=30):
        response = Client().get(answer.question.get_absolute_url())

    assert "s-maxage=30" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert response["X-Accel-Expires"] == "30"  # what nginx's proxy_cache reads


def test_the_page_cache_says_whether_it_served_the_page(answer):
    url = answer.question.get_absolute_url()

    first, second = Client().get(url), Client().get(url)
    member = Client()
    member.force_login(UserFactory())

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert Client(headers={"if-none-match": first["ETag"]}).get(url)["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in member.get(url)


def test_a_head_request_gets_the_cached_pages_headers_without_its_body(answer):
    url = answer.question.get_absolute_url()
    page = Client().get(url)

    response = Client().head(url)

    assert response["X-Page-Cache"] == "hit"
    assert response["ETag"] == page["ETag"]
    assert response.content == b""
    assert response["Content-Length"] == str(len(page.content))


def test_a_members_page_comes_compressed_and_private(answer):
    member = Client(headers={"accept-encoding": "gzip"})
    member.force_login(UserFactory())

    response = member.get(answer.question.get_absolute_url())

    assert response["Content-Encoding"] == "gzip"
    assert "Ice it for ten minutes." in gzip.decompress(response.content).decode()
    assert "private" in response["Cache-Control"]
    assert {"Accept-Encoding", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_a_proxy_allowed_to_keep_pages_is_never_allowed_to_keep_a_members(answer):
    member = Client()
    member.force_login(UserFactory())

    with override_settings(SHARED_CACHE_SECONDS=30):
        response = member.get(answer.question.get_absolute_url())

    assert "X-Accel-Expires" not in response
    assert "private" in response["Cache-Control"] and "s-maxage" not in response["Cache-Control"]


def test_a_visitors_page_names_the_keys_it_depends_on(answer):
    thread = Client().get(answer.question.get_absolute_url())
    again = Client().get(answer.question.get_absolute_url())  # from the page cache
    home = Client().get("/")

    for response in (thread, again):
        assert response["Surrogate-Key"].split() == [
            "site",
            "experts",
            f"thread:{answer.question.pk}",
        ]
    assert home["Surrogate-Key"].split() == ["site", "lists"]


def test_a_members_page_names_no_keys(answer):
    member = Client()
    member.force_login(UserFactory())

    assert "Surrogate-Key" not in member.get(answer.question.get_absolute_url())


class FakeProxy:
    """Stands in for urlopen: records the PURGE requests the site sends."""

    def __init__(self):
        self.purged = []

    def __call__(self, request, timeout):
        self.purged.append((request.method, request.full_url, request.get_header("Xkey-purge")))
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_write_asks_the_proxy_to_drop_the_pages_of_the_keys_it_moved(
    answer, monkeypatch, django_capture_on_commit_callbacks
):
    proxy = FakeProxy()
    monkeypatch.setattr("config.tasks.urlopen", proxy)

    with (
        override_settings(PURGE_URL="http://127.0.0.1:6081/"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        edit_answer(
            answer=answer, editor=answer.author, body="Ice it for five minutes.", base_version=1
        )

    assert proxy.purged == [
        ("PURGE", "http://127.0.0.1:6081/", f"lists thread:{answer.question.pk}")
    ]


def test_no_purge_is_sent_without_a_proxy_nor_before_the_write_commits(
    answer, monkeypatch, django_capture_on_commit_callbacks
):
    proxy = FakeProxy()
    monkeypatch.setattr("config.tasks.urlopen", proxy)

    with django_capture_on_commit_callbacks(execute=True):
        edit_answer(
            answer=answer, editor=answer.author, body="Ice it for five minutes.", base_version=1
        )
    with (
        override_settings(PURGE_URL="http://127.0.0.1:6081/"),
        django_capture_on_commit_callbacks(execute=False),
    ):
        edit_answer(
            answer=answer, editor=answer.author, body="Ice it for four minutes.", base_version=2
        )

    assert proxy.purged == []


def test_a_proxy_that_cannot_be_reached_never_fails_the_write(
    answer, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def unreachable(request, timeout):
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr("config.tasks.urlopen", unreachable)

    with (
        override_settings(PURGE_URL="http://127.0.0.1:6081/"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        edit_answer(
            answer=answer, editor=answer.author, body="Ice it for five minutes.", base_version=1
        )

    answer.refresh_from_db()
    assert answer.body == "Ice it for five minutes."
    assert f"Purging lists thread:{answer.question.pk} at the proxy failed" in caplog.text
