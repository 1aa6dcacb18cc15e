"""The open archive's documents agree with the pages, for every role and thread state.

Feeds, the sitemap, the JSON-LD of the thread page and the API are read for
each state of tests/test_visibility_matrix.py's thread (told through the
actions), as each of its roles, and compared with the same written-down rules
(`expected`, `listed`): nothing private or hidden shows where its reader may not
see it on the page, and what is counted agrees.

Feeds and the sitemap are public documents: they show what a visitor sees,
whoever asks. The JSON-LD describes the public page, whoever reads it. The API
answers each reader as the pages do, through a personal token: the thread,
its place in the list, and search, with a 404 (never a 403) where the page
would not admit it exists.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from accounts.models.tokens import hash_token

from .test_visibility_matrix import (
    ANSWER,
    MARKERS,
    ROLES,
    STATES,
    TITLE,
    build_world,
    client_for,
    expected,
    listed,
    markers_in,
    public_markers,
    search_finds,
)

pytestmark = pytest.mark.django_db

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def feeds_of(world):
    """Every feed that could carry the thread, RSS and Atom."""
    answerer = world.people.get(world.state.answerer) if world.state.answered else None
    feeds = [
        reverse("feed_answered"),
        reverse("feed_answered_atom"),
        reverse("feed_category", args=[world.massage.path]),
        reverse("feed_category_atom", args=[world.health.path]),
        reverse("feed_thread", args=[world.question.pk]),
        reverse("feed_thread_atom", args=[world.question.pk]),
    ]
    if answerer is not None:
        feeds += [
            reverse("feed_expert", args=[answerer.handle]),
            reverse("feed_expert_atom", args=[answerer.handle]),
        ]
    return feeds


def thread_feed(url):
    return "/feeds/" in url and "/q/" in url


@pytest.mark.parametrize("state_name", list(STATES))
def test_feeds_and_the_sitemap_show_what_a_visitor_sees(state_name):
    state = STATES[state_name]
    world = build_world(state)
    visitor = expected("visitor", state)
    mismatches = []

    for role in ("visitor", "asker", "moderator"):
        client = client_for(world.people[role])
        for url in feeds_of(world):
            response = client.get(url)
            if thread_feed(url):
                # The thread's own feed exists while a visitor may read the thread.
                if (response.status_code == 200) != visitor.question:
                    mismatches.append(f"{role} {url}: {response.status_code}")
                if response.status_code != 200:
                    continue
                shown = markers_in(response.content.decode())
                allowed = public_markers(state)
                if not shown <= allowed or (ANSWER in shown) != visitor.answer:
                    mismatches.append(f"{role} {url}: shows {sorted(shown)}")
                continue
            assert response.status_code == 200, url
            shown = markers_in(response.content.decode())
            if not shown <= public_markers(state):
                mismatches.append(f"{role} {url}: leaks {sorted(shown - public_markers(state))}")
            if (TITLE in shown) != listed(state):
                mismatches.append(f"{role} {url}: lists the thread: {TITLE in shown}")

        sitemap = client.get(reverse("sitemap_threads")).content.decode()
        if (world.question.get_absolute_url() in sitemap) != listed(state):
            mismatches.append(f"{role} sitemap: lists the thread: {not listed(state)}")

    assert mismatches == [], "\n".join(["", *mismatches])


@pytest.mark.parametrize("state_name", list(STATES))
def test_the_json_ld_describes_only_the_public_page(state_name):
    state = STATES[state_name]
    world = build_world(state)
    visitor = expected("visitor", state)
    mismatches = []

    for role in ROLES:
        response = client_for(world.people[role]).get(world.question.get_absolute_url())
        if response.status_code != 200:
            continue
        blocks = LD_JSON.findall(response.content.decode())
        if not visitor.question:
            if blocks:
                mismatches.append(f"{role}: JSON-LD on a page visitors cannot read")
            continue
        documents = [json.loads(block) for block in blocks]
        shown = markers_in(json.dumps(documents))
        if not shown <= public_markers(state):
            mismatches.append(f"{role}: leaks {sorted(shown - public_markers(state))}")
        qa = [d for d in _flatten(documents) if d.get("@type") == "QAPage"]
        if len(qa) != 1:
            mismatches.append(f"{role}: {len(qa)} QAPage blocks")
            continue
        question = qa[0]["mainEntity"]
        answers = question.get("suggestedAnswer", []) + _listed(question.get("acceptedAnswer"))
        if question["answerCount"] != int(visitor.answer) or len(answers) != int(visitor.answer):
            mismatches.append(f"{role}: answerCount {question['answerCount']}, {len(answers)}")

    assert mismatches == [], "\n".join(["", *mismatches])


def api_client(user):
    """A client reading the API as `user`: through a personal token, or as a visitor."""
    if user is None:
        return Client()
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, name="matrix", key_hash=hash_token(key), hint=key[:8])
    return Client(headers={"authorization": f"Bearer {key}"})


@pytest.mark.parametrize("state_name", list(STATES))
def test_the_api_answers_each_reader_as_the_pages_do(state_name):
    state = STATES[state_name]
    world = build_world(state)
    question = world.question
    mismatches = []

    for role in ROLES:
        sight = expected(role, state)
        client = api_client(world.people[role])
        detail = client.get(f"/api/v1/questions/{question.pk}")
        if (detail.status_code == 200) != sight.question:
            mismatches.append(f"{role} detail: {detail.status_code}")
        if detail.status_code == 200:
            shown = markers_in(detail.content.decode())
            if not shown <= sight.markers():
                mismatches.append(f"{role} detail: leaks {sorted(shown - sight.markers())}")
            if (ANSWER in shown) != sight.answer:
                mismatches.append(f"{role} detail: the answer shown: {ANSWER in shown}")
        elif detail.status_code != 404:
            mismatches.append(f"{role} detail: {detail.status_code}, not 404")

        listing = client.get("/api/v1/questions", {"limit": 100})
        assert listing.status_code == 200, listing.content
        ids = {item["id"] for item in listing.json()["items"]}
        if (question.pk in ids) != sight.question:
            mismatches.append(f"{role} list: lists the thread: {question.pk in ids}")
        shown = markers_in(listing.content.decode())
        if not shown <= sight.markers():
            mismatches.append(f"{role} list: leaks {sorted(shown - sight.markers())}")

        # A word of the title, not the marker: the response repeats the query.
        found = client.get("/api/v1/search", {"q": "knee"})
        shown = markers_in(found.content.decode())
        if not shown <= sight.markers():
            mismatches.append(f"{role} search: leaks {sorted(shown - sight.markers())}")
        if (TITLE in shown) != search_finds(role, state, "question"):
            mismatches.append(f"{role} search: finds the thread: {TITLE in shown}")

    assert mismatches == [], "\n".join(["", *mismatches])


def _flatten(documents):
    for document in documents:
        if isinstance(document, list):
            yield from document
        elif "@graph" in document:
            yield from document["@graph"]
        else:
            yield document


def _listed(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def test_the_markers_are_distinct():
    assert len(set(MARKERS)) == len(MARKERS)
