"""Hostile URLs never answer 500: every route of the project, as every kind of reader.

PostgreSQL text cannot hold a NUL character, so a NUL reaching a lookup fails
with a DataError (a 500) there, while SQLite takes it: config.middleware
refuses any request with a NUL in its path, query string, form or cookies
with 400 before the page cache, the session or a view sees it.

The sweep walks every URL pattern (django.urls.get_resolver()), builds a URL
for it with an existing object's arguments (a question's pk and slug, a
category's path, an expert's handle ...), and asks it as a visitor, a member,
a moderator (with two factors) and a superuser (for the admin):

- the URL as it is, then with a NUL in each path argument in turn;
- for each page that answers 200, every query parameter a view of the project
  reads (found in the source: `request.GET.get("...")`), one at a time, with a
  NUL in its value, then one with a NUL in its name; then all of them at once
  with odd values (a number too big for any column; a negative number with
  non-ASCII text, SQL and a long word), which must be answered as any other.

The member is the thread's asker, so their pages show the thread's actions.

No answer may be a 500; a NUL is answered 400; anything else is a page, a
redirect, 403, 404 or 405. Every failure is collected, so one run lists them all.
"""

import re
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern

from accounts.actions import create_api_token
from accounts.models import CannedReason, ContactMessage, Notification
from accounts.notifications import NotificationKind, unsubscribe_token
from experts.models import CategoryRequest
from forum.models import AnswerRevision, Flag, PublicationRequest
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    CredentialFactory,
    ExpertProfileFactory,
    FollowUpFactory,
    ModeratorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
NUL_VALUE = "a\x00b"
# Answers that are not a fault: a page, a redirect, refused, not found, wrong method.
NORMAL = {200, 301, 302, 303, 400, 403, 404, 405}
# Values that are odd but harmless: each view must answer them as any other.
ODD_VALUES = ("9" * 40, "-1 Ünïcödé ✓ \ufffd ' OR 1=1 -- " + "x" * 300)
# Query parameters read by code outside the project (allauth's `next`, the admin's).
OTHER_PARAMS = ("next", "o", "p", "_to_field", "_changelist_filters")
# The primary key in each route that takes one: which object it is of.
PK_OF = {
    "forum:question_short": "question",
    "feed_thread": "question",
    "feed_thread_atom": "question",
    "forum:answer_question": "question",
    "forum:decline": "question",
    "forum:reroute": "question",
    "forum:resolve": "question",
    "forum:reopen": "question",
    "forum:edit_question": "question",
    "forum:withdraw": "question",
    "forum:ask_again": "question",
    "forum:question": "question",
    "moderation:lock": "question",
    "moderation:edit_question": "question",
    "forum:answer": "answer",
    "forum:follow_up": "answer",
    "forum:rate": "answer",
    "forum:record_outcome": "answer",
    "forum:edit_answer": "answer",
    "forum:flag": "answer",
    "moderation:feature": "answer",
    "moderation:edit_answer": "answer",
    "moderation:hide": "answer",
    "moderation:restore": "answer",
    "moderation:dismiss": "answer",
    "moderation:keep_hidden": "answer",
    "moderation:require_disclosure": "answer",
    "forum:request_review": "answer",
    "moderation:edit_reason": "canned_reason",
    "moderation:history": "answer",
    "moderation:rollback": "revision",
    "moderation:expert": "profile",
    "moderation:approve_expert": "profile",
    "moderation:refuse_expert": "profile",
    "moderation:suspend_expert": "profile",
    "moderation:restore_expert": "profile",
    "moderation:verify_credential": "credential",
    "moderation:reject_credential": "credential",
    "moderation:decide_category": "category_request",
    "accounts:read_notification": "notification",
    "moderation:contact_message": "contact_message",
    "moderation:handle_contact_message": "contact_message",
    "accounts:revoke_api_token": "api_token",
    "moderation:edit_guidance": "category",
    "forum:publication_step": "question",
    "forum:publish": "question",
    "moderation:publication_review": "publication",
}
# A path argument in a route: <converter:name> (path()) or (?P<name>...) (re_path()).
ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


def query_parameters():
    """Every query parameter name the project's code reads, from its source."""
    read = re.compile(r"""\bGET(?:\.get|\.getlist|\.__getitem__)?[(\[]\s*["'](\w+)["']""")
    names = set(OTHER_PARAMS)
    for folder in ("accounts", "config", "experts", "forum"):
        for source in (ROOT / folder).rglob("*.py"):
            names.update(read.findall(source.read_text()))
    return sorted(names)


def routes():
    """(view name or None, route template) for every URL pattern of the project."""

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            part = str(entry.pattern)
            if isinstance(entry.pattern, RegexPattern):
                part = part.removeprefix("^").removesuffix("$")
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry.url_patterns, prefix + part, inner)
            else:
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                yield name, prefix + part

    return list(walk(get_resolver().url_patterns, "/", None))


def arguments(template):
    return [match["name"] or match["group"] for match in ARGUMENT.finditer(template)]


def fill(template, values):
    """The URL of a route template with these argument values, quoted as a browser would."""
    return ARGUMENT.sub(
        lambda match: quote(str(values[match["name"] or match["group"]]), safe=""), template
    )


@pytest.fixture
def world():
    """One of everything a route can point at, all related, with roles to read them as."""
    category = CategoryFactory(slug="knees")
    other_category = CategoryFactory(slug="hips")
    profile = ExpertProfileFactory(categories=[category])
    answer = AnswerFactory(question__category=category, author=profile.user)
    FollowUpFactory(answer=answer)
    member = answer.question.asker
    objects = {
        "question": answer.question,
        "answer": answer,
        "revision": AnswerRevision.objects.create(answer=answer, body="Before the edit."),
        "profile": profile,
        "credential": CredentialFactory(profile=profile),
        "category_request": CategoryRequest.objects.create(
            profile=profile, category=other_category
        ),
        "notification": Notification.objects.create(
            recipient=member, kind=NotificationKind.ANSWER, title="An answer", url="/"
        ),
        "contact_message": ContactMessage.objects.create(
            email="visitor@example.com", topic="other", subject="Hello", body="A message."
        ),
        "canned_reason": CannedReason.objects.create(use="hide", text="Spam."),
        "api_token": create_api_token(user=member, name="A script")[0],
        "category": category,
        "publication": PublicationRequest.objects.create(
            question=answer.question, expert=profile.user, requested_by=member
        ),
    }
    Flag.objects.create(answer=answer, flagger=UserFactory(), reason="spam")
    values = {
        "path": category.path,
        "slug": answer.question.slug,
        "handle": profile.user.handle,
        "kind": "answer",
        "token": unsubscribe_token(member, NotificationKind.ANSWER),
        "key": "not-a-key",
        "uidb36": "1",
        "app_label": "forum",
        "url": "no-such-page/",
        "content_type_id": ContentType.objects.get_for_model(answer.question).pk,
        "question_id": answer.question.pk,
    }
    roles = {
        "visitor": None,
        "member": member,
        "moderator": ModeratorFactory(),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    return objects, values, roles


def sample_values(name, template, objects, values):
    """The path arguments of one route: an existing object's, or a plausible value."""
    found = dict(values)
    admin_model = re.match(r"/admin/(\w+)/(\w+)/", template)
    if admin_model and arguments(template):
        model = apps.get_model(*admin_model.groups())
        first = model._default_manager.order_by("pk").first()
        found["object_id"] = found["id"] = first.pk if first else 1
    elif name == "admin:view_on_site":
        found["object_id"] = objects["question"].pk
    elif "pk" in arguments(template):
        assert name in PK_OF, f"{name} ({template}): say in PK_OF which object its pk is"
        found["pk"] = objects[PK_OF[name]].pk
    missing = set(arguments(template)) - set(found)
    assert not missing, f"{name} ({template}): no sample value for {missing}"
    return found


@pytest.mark.parametrize("role", ["visitor", "member", "moderator", "superuser"])
def test_every_route_answers_hostile_urls_without_a_500(world, role):
    objects, values, roles = world
    parameters = query_parameters()
    # The sweep covers what the views read, which the source scan must find.
    assert {"q", "category", "expert", "page", "tab", "order", "kind", "title"} <= set(parameters)
    failures = []

    def check(client, role, url, expected):
        status = client.get(url).status_code
        if status not in expected:
            failures.append(f"{role}: GET {url} answered {status}")
        return status

    all_routes = routes()
    assert len(all_routes) > 100  # the walk found the whole project, admin and allauth included
    client = Client(raise_request_exception=False)
    if roles[role] is not None:
        client.force_login(roles[role])
    for name, template in all_routes:
        sample = sample_values(name, template, objects, values)
        url = fill(template, sample)
        if name is not None and not name.startswith("admin:"):
            assert resolve(url).view_name == name, (name, url)
        status = check(client, role, url, NORMAL)
        for argument in arguments(template):
            check(client, role, fill(template, {**sample, argument: NUL_VALUE}), {400})
        if status != HTTPStatus.OK:
            continue
        for parameter in parameters:
            check(client, role, f"{url}?{urlencode({parameter: NUL_VALUE})}", {400})
        check(client, role, f"{url}?{urlencode({NUL_VALUE: '1'})}", {400})
        for value in ODD_VALUES:
            check(client, role, f"{url}?{urlencode(dict.fromkeys(parameters, value))}", NORMAL)

    errors = [failure for failure in failures if failure.endswith(" 500")]
    others = [failure for failure in failures if failure not in errors]
    assert not failures, f"{len(errors)} answered 500, {len(others)} otherwise wrong:\n" + (
        "\n".join([*errors, *others][:80])
    )


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=a%00b",
        "/search/?category=%00",
        "/search/?expert=a%00",
        "/c/a%00b/",
        "/experts/a%00b/",
        "/ask/?category=a%00",
        "/ask/similar/?title=knee%00pain",
        "/q/1/a%00b/",
        "/static/css/site.css%00",
    ],
)
def test_the_reported_urls_answer_400_with_the_400_page(world, url):
    response = Client().get(url)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Error 400" in response.text
    assert "Content-Security-Policy" in response.headers


def test_a_nul_url_never_reaches_the_page_cache(world, settings):
    settings.PAGE_CACHE_SECONDS = 300
    category = world[0]["question"].category
    cache.clear()

    for _ in range(2):
        assert Client().get(f"/c/{category.path}%00/").status_code == HTTPStatus.BAD_REQUEST
    assert Client().get(f"/c/{category.path}/").status_code == HTTPStatus.OK

    pages = [key for key in cache._cache if "pagecache:page:" in key]
    assert len(pages) == 1  # the good URL's page only


def test_a_nul_in_a_cookie_answers_400():
    """A quoted cookie may spell a NUL as \\000; the session is looked up in the database."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijklmnop"

    assert client.get("/").status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.parametrize("action", ["preview", "ask"])
@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_a_nul_in_the_ask_form_answers_400(member_client, action, encoding):
    category = CategoryFactory()
    ExpertProfileFactory(categories=[category])
    data = {
        "title": "Knee pain\x00 after running",
        "body": "It hurts.",
        "category": str(category.pk),
        "action": action,
    }
    if encoding == "urlencoded":
        response = member_client.post(
            reverse("forum:ask"), urlencode(data), content_type="application/x-www-form-urlencoded"
        )
    else:
        response = member_client.post(reverse("forum:ask"), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Error 400" in response.text


def test_a_nul_in_a_post_field_name_answers_400(member_client):
    response = member_client.post(reverse("forum:ask"), {"title\x00": "Knee pain"})

    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_ordinary_requests_pass(member_client):
    """The middleware refuses NUL only: a form with odd but valid text is read as usual."""
    response = member_client.get(reverse("forum:search"), {"q": "knee ✓ 100% \\0 %00"})

    assert response.status_code == HTTPStatus.OK
