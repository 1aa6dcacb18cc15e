"""The read-only API: what each reader gets, paging, tokens, caching, limits and CORS."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import actions as account_actions
from accounts.models import ApiToken
from forum import actions
from forum.api.auth import BAD_TOKEN
from tests import bulk
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    CredentialFactory,
    ExpertProfileFactory,
    FollowUpFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


def token_for(user, name="script"):
    _, raw = account_actions.create_api_token(user=user, name=name)
    return raw


def get(path, token=None, client=None, **headers):
    client = client or Client()
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.get(f"{API}{path}", **headers)


@pytest.fixture
def site():
    """Health > Massage with an answered public thread, a private one, a hidden one."""
    health = CategoryFactory(name="Health", slug="health")
    massage = CategoryFactory(name="Massage", slug="massage", parent=health)
    law = CategoryFactory(name="Law", slug="law")
    expert = ExpertProfileFactory(user__handle="jeremy", categories=[massage]).user
    asker = UserFactory(handle="asker")
    public = QuestionFactory(category=massage, asker=asker, expert=expert, title="IT band pain")
    answer = AnswerFactory(question=public, author=expert, body="Ice it, then stretch.")
    FollowUpFactory(answer=answer, body="For how long?")
    actions.rate_answer(answer=answer, rater=asker, knowledgeability=8, clarity=9, politeness=10)
    private = QuestionFactory(
        category=massage, asker=asker, expert=expert, visibility="private", title="Secret knee"
    )
    hidden = QuestionFactory(category=law, title="Hidden lease question")
    actions.hide(item=hidden, moderator=ModeratorFactory(), reason="Spam")
    waiting = QuestionFactory(category=law, title="Open lease question")
    return {
        "health": health,
        "massage": massage,
        "law": law,
        "expert": expert,
        "asker": asker,
        "public": public,
        "answer": answer,
        "private": private,
        "hidden": hidden,
        "waiting": waiting,
    }


def ids(response):
    return [item["id"] for item in response.json()["items"]]


# -- Categories ----------------------------------------------------------------------------------


def test_categories_are_the_tree_in_order_with_the_home_page_counts(site):
    response = get("/categories")

    assert response.status_code == HTTPStatus.OK
    rows = {row["path"]: row for row in response.json()}
    assert [row["path"] for row in response.json()] == ["health", "health/massage", "law"]
    assert rows["health/massage"]["parent_id"] == site["health"].pk
    assert rows["health/massage"]["depth"] == 1
    # Public answered questions, the subcategories' included; private and hidden never count.
    assert rows["health"]["answered_count"] == 1
    assert rows["law"]["answered_count"] == 0


# -- Questions: visibility -----------------------------------------------------------------------


def test_a_visitor_lists_what_a_visitor_may_open(site):
    response = get("/questions")

    assert response.status_code == HTTPStatus.OK
    assert ids(response) == [site["waiting"].pk, site["public"].pk]
    assert response.json()["next_cursor"] is None


def test_a_token_reads_its_members_private_threads_too(site):
    token = token_for(site["asker"])

    assert site["private"].pk in ids(get("/questions", token))
    detail = get(f"/questions/{site['private'].pk}", token)
    assert detail.status_code == HTTPStatus.OK
    assert detail.json()["visibility"] == "private"


@pytest.mark.parametrize("thread", ["private", "hidden"])
def test_private_and_hidden_threads_are_404_to_those_who_may_not_see_them(site, thread):
    pk = site[thread].pk
    other = token_for(UserFactory())

    for token in (None, other):
        response = get(f"/questions/{pk}", token)
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert pk not in ids(get("/questions", token))
    # The same answer as for a thread that never existed: nothing leaks.
    assert get("/questions/999999").json() == get(f"/questions/{pk}").json()


def test_a_moderator_with_a_token_reads_hidden_threads_as_on_the_page(site):
    token = token_for(ModeratorFactory())

    assert get(f"/questions/{site['hidden'].pk}", token).json()["hidden"] is True


def test_the_thread_has_its_answers_follow_ups_and_rating(site):
    data = get(f"/questions/{site['public'].pk}").json()

    assert data["title"] == "IT band pain"
    assert data["category"]["path"] == "health/massage"
    assert data["expert"] == {"handle": "jeremy", "display_name": site["expert"].display_name}
    (answer,) = data["answers"]
    assert "Ice it" in answer["body_html"]
    assert answer["rating"]["politeness"] == 10
    assert [f["body_html"].strip() for f in answer["follow_ups"]] == ["<p>For how long?</p>"]


def test_a_hidden_answer_is_left_out_for_visitors_and_shown_to_its_author(site):
    actions.hide(item=site["answer"], moderator=ModeratorFactory(), reason="Wrong")
    path = f"/questions/{site['public'].pk}"

    assert get(path).json()["answers"] == []
    (mine,) = get(path, token_for(site["expert"])).json()["answers"]
    assert mine["hidden"] is True


# -- Questions: filters and paging ---------------------------------------------------------------


def test_filters(site):
    assert ids(get("/questions?category=health")) == [site["public"].pk]
    assert ids(get(f"/questions?category={site['law'].pk}")) == [site["waiting"].pk]
    assert ids(get("/questions?expert=jeremy")) == [site["public"].pk]
    assert ids(get("/questions?answered=true")) == [site["public"].pk]
    assert ids(get("/questions?answered=false")) == [site["waiting"].pk]
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert ids(get(f"/questions?since={later[:19]}")) == []
    earlier = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert len(ids(get(f"/questions?since={earlier}"))) == 2
    assert get("/questions?category=nowhere").status_code == HTTPStatus.NOT_FOUND
    assert get("/questions?expert=nobody").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=101", "limit=x", "answered=maybe", "since=yesterday", "cursor=%21%21"],
)
def test_bad_parameters_are_400_with_a_sentence(site, query):
    response = get(f"/questions?{query}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert isinstance(response.json()["detail"], str)


def test_keyset_pages_are_stable_under_inserts(site):
    massage, asker = site["massage"], site["asker"]
    bulk.threads(5, massage, asker=asker)
    first = get("/questions?limit=3").json()
    # New questions arrive between the two pages: the second page neither repeats nor skips.
    for _ in range(4):
        QuestionFactory(category=massage, asker=asker, title="Newer knee")
    second = get(f"/questions?limit=3&cursor={first['next_cursor']}").json()
    seen = [q["id"] for q in first["items"] + second["items"]]

    everything = []
    cursor = ""
    while True:
        page = get(f"/questions?limit=3{cursor}").json()
        everything += [q["id"] for q in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert len(set(everything)) == len(everything) == 2 + 5 + 4
    assert seen == [pk for pk in everything if pk in seen]
    assert len(set(seen)) == 6


# -- Experts -------------------------------------------------------------------------------------


def test_experts_list_approved_only_and_page_by_handle(site):
    ExpertProfileFactory(user__handle="aaron")
    ExpertProfileFactory(user__handle="pending-one", status="pending")

    first = get("/experts?limit=1").json()
    rest = get(f"/experts?cursor={first['next_cursor']}").json()

    handles = [e["handle"] for e in first["items"] + rest["items"]]
    assert handles == ["aaron", "jeremy"]


def test_expert_profile_lists_verified_credentials_only_and_the_scorecard(site):
    profile = site["expert"].expert_profile
    CredentialFactory(profile=profile, title="Verified diploma", verified_at=timezone.now())
    CredentialFactory(profile=profile, title="Unchecked claim")

    data = get("/experts/jeremy").json()

    assert [c["title"] for c in data["verified_credentials"]] == ["Verified diploma"]
    assert data["scorecard"]["answer_total"] == 1
    assert data["scorecard"]["rating_average"] is not None


def test_an_expert_not_approved_is_404_but_to_themselves(site):
    pending = ExpertProfileFactory(user__handle="pending-one", status="pending").user

    assert get("/experts/pending-one").status_code == HTTPStatus.NOT_FOUND
    assert get("/experts/pending-one", token_for(pending)).status_code == HTTPStatus.OK


# -- Search --------------------------------------------------------------------------------------


def test_search_finds_what_the_page_finds_and_never_private_threads(site):
    assert [h["question"]["id"] for h in get("/search?q=knee").json()["items"]] == []
    token = token_for(site["asker"])
    found = get("/search?q=knee", token).json()["items"]
    assert [h["question"]["id"] for h in found] == [site["private"].pk]

    data = get("/search?q=stretch").json()
    assert [h["question"]["id"] for h in data["items"]] == [site["public"].pk]
    assert "<mark>" in data["items"][0]["snippet_html"]

    page = Client().get("/search/", {"q": "stretch"})
    assert [hit.question.pk for hit in page.context["hits"]] == [site["public"].pk]


# -- Tokens --------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Basic abc", "Token x"])
def test_bad_tokens_are_401_with_a_clear_message(site, header):
    response = Client().get(f"{API}/questions", HTTP_AUTHORIZATION=header)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401_not_a_visitor(site):
    token = token_for(site["asker"])
    stored = ApiToken.objects.get(user=site["asker"])
    account_actions.revoke_api_token(user=site["asker"], token=stored)

    response = get("/questions", token)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["detail"] == BAD_TOKEN


def test_a_closed_accounts_token_is_401(site):
    token = token_for(site["asker"])
    site["asker"].is_active = False
    site["asker"].save()

    assert get("/questions", token).status_code == HTTPStatus.UNAUTHORIZED


def test_a_suspended_members_token_reads_as_they_do_on_the_site(site):
    token = token_for(site["asker"])
    account_actions.suspend_user(user=site["asker"], moderator=ModeratorFactory(), reason="x")

    assert get(f"/questions/{site['private'].pk}", token).status_code == HTTPStatus.OK


def test_the_session_is_not_the_api_reader(site):
    client = Client()
    client.force_login(site["asker"])

    assert get(f"/questions/{site['private'].pk}", client=client).status_code == 404


def test_last_use_is_written_at_most_once_a_minute(site):
    token = token_for(site["asker"])
    stored = ApiToken.objects.get(user=site["asker"])
    get("/categories", token)
    stored.refresh_from_db()
    first = stored.last_used_at
    assert first is not None

    with CaptureQueriesContext(connection) as captured:
        get("/categories", token)
    stored.refresh_from_db()
    assert stored.last_used_at == first
    assert not any("UPDATE" in q["sql"] for q in captured.captured_queries)

    ApiToken.objects.filter(pk=stored.pk).update(last_used_at=first - timedelta(minutes=2))
    get("/categories", token)
    stored.refresh_from_db()
    assert stored.last_used_at > first - timedelta(minutes=2)


# -- ETags and caching ---------------------------------------------------------------------------


def test_etag_and_304(site):
    response = get(f"/questions/{site['public'].pk}")
    etag = response["ETag"]
    assert response["Cache-Control"].startswith("public")
    assert "Authorization" in response["Vary"]

    again = get(f"/questions/{site['public'].pk}", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""
    assert again["ETag"] == etag

    actions.post_follow_up(answer=site["answer"], author=site["expert"], body="Two weeks.")
    changed = get(f"/questions/{site['public'].pk}", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == HTTPStatus.OK
    assert changed["ETag"] != etag


def test_token_answers_are_private(site):
    response = get("/questions", token_for(site["asker"]))

    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


# -- Rate limits ---------------------------------------------------------------------------------


def test_over_the_rate_is_429_with_retry_after(site, settings):
    settings.API_RATE = "3/m"
    for _ in range(3):
        assert get("/categories").status_code == HTTPStatus.OK

    refused = get("/categories")

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "3 per minute" in refused.json()["detail"]
    # A token is counted on its own, not with the address it comes from.
    assert get("/categories", token_for(site["asker"])).status_code == HTTPStatus.OK


# -- CORS ----------------------------------------------------------------------------------------


def test_cors_allows_get_from_another_origin_without_credentials(site):
    response = get("/questions", HTTP_ORIGIN="https://elsewhere.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "etag" in response["Access-Control-Expose-Headers"].lower()


def test_cors_preflight_allows_no_write_method(site):
    response = Client().options(
        f"{API}/questions",
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    allowed = response.get("Access-Control-Allow-Methods", "")
    assert "POST" not in allowed and "DELETE" not in allowed
    assert Client().post(f"{API}/questions").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_no_cors_outside_the_api(site):
    response = Client().get("/", HTTP_ORIGIN="https://elsewhere.example")

    assert "Access-Control-Allow-Origin" not in response


# -- Schema and docs -----------------------------------------------------------------------------


def test_the_schema_and_the_docs_are_served_from_the_site(site):
    schema = Client().get(f"{API}/openapi.json").json()
    assert schema["info"]["version"] == "1"
    assert set(schema["paths"]) >= {f"{API}/questions", f"{API}/experts/{{handle}}"}

    docs = Client().get(f"{API}/docs")
    assert docs.status_code == HTTPStatus.OK
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    # The site's CSP holds here too: scripts from our own files only, none inline.
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    assert "<script>" not in html.replace(" ", "")


# -- Query counts --------------------------------------------------------------------------------


def api_queries(path, token=None):
    cache.clear()  # counts and rate windows: the full cost of the request
    with CaptureQueriesContext(connection) as captured:
        response = get(path, token)
    assert response.status_code == HTTPStatus.OK, response.content
    return len(captured)


# A token costs two queries of its own: the token, and its member as signed-in pages load
# them (roles included). The category filter reads the category; the expert filter the user.
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/categories", 2),
        ("/questions", 1),
        ("/questions?category=health&answered=true", 2),
        ("/questions?expert=jeremy", 2),
        ("/experts", 2),
        ("/search?q=knee", 4),
    ],
)
@pytest.mark.parametrize("as_member", [False, True], ids=["visitor", "token"])
def test_query_counts_are_fixed_at_10_and_1000_rows(site, path, expected, as_member):
    massage, asker, expert = site["massage"], site["asker"], site["expert"]
    token = None
    if as_member:
        token = token_for(asker)
        get("/categories", token)  # its first use is written once; not counted below
        expected += 2
    bulk.threads(10, massage, asker=asker, expert=expert)
    for _ in range(10):
        ExpertProfileFactory(categories=[massage])
    small = api_queries(path, token)
    bulk.threads(990, massage, asker=asker, expert=expert, title="Another knee")
    for n in range(40):
        CategoryFactory(name=f"Sub {n}", slug=f"sub-{n}", parent=massage)
    for _ in range(30):
        ExpertProfileFactory(categories=[massage])

    assert (small, api_queries(path, token)) == (expected, expected)


def test_the_thread_query_count_is_fixed_however_long(site):
    path = f"/questions/{site['public'].pk}"
    small = api_queries(path)
    for n in range(20):
        FollowUpFactory(answer=site["answer"], body=f"And {n}?")
    for _ in range(5):
        AnswerFactory(question=site["public"])

    assert (small, api_queries(path)) == (3, 3)


def test_the_tree_counts_agree_with_the_lists(site):
    bulk.threads(3, site["massage"], asker=site["asker"], expert=site["expert"])
    tree = {row["path"]: row["answered_count"] for row in get("/categories").json()}

    for path, count in tree.items():
        listed = get(f"/questions?category={path}&answered=true&limit=100").json()["items"]
        assert len(listed) == count, path
