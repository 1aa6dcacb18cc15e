"""Schemathesis against the live OpenAPI schema, through WSGI, over a small seeded site.

Every operation, with examples generated from the schema (valid and invalid ones),
must never fail with a 5xx, must answer only the status codes the schema documents
for it, and every documented body must match its schema. The examples are few and
derandomized, so the run is quick and the same every time.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from accounts.actions import create_api_token
from forum import actions
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

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


# The schema as the site serves it, read through the WSGI application. (Loaded when the
# module is collected: schemathesis' lazy loader, from_fixture, fails on pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def seeded(db, settings):
    # Hundreds of requests from one address in a few seconds: keep the limit out of the way
    # (its 429 is documented and tested on its own).
    settings.API_RATE = "100000/m"
    # The WSGI handler closes the database connection when a request ends, which would end
    # the test's transaction (on PostgreSQL); Django's own test client stops it the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield seed()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def seed():
    """A category tree, experts with and without verified credentials, a public answered
    thread with a rating and a follow-up, a private, a hidden and an open question."""
    health = CategoryFactory(name="Health", slug="health")
    massage = CategoryFactory(name="Massage", slug="massage", parent=health)
    law = CategoryFactory(name="Law", slug="law")
    expert = ExpertProfileFactory(user__handle="jeremy", categories=[massage]).user
    CredentialFactory(profile=expert.expert_profile, verified_at=timezone.now())
    ExpertProfileFactory(user__handle="erin", categories=[law])
    asker = UserFactory(handle="asker")
    public = QuestionFactory(category=massage, asker=asker, expert=expert, title="IT band pain")
    answer = AnswerFactory(question=public, author=expert, body="Ice it, then **stretch**.")
    FollowUpFactory(answer=answer)
    actions.rate_answer(answer=answer, rater=asker, knowledgeability=8, clarity=9, politeness=7)
    private = QuestionFactory(
        category=massage, asker=asker, expert=expert, visibility="private", title="Knee"
    )
    hidden = QuestionFactory(category=law)
    actions.hide(item=hidden, moderator=ModeratorFactory(), reason="Spam")
    QuestionFactory(category=law, title="Open lease question")
    _, raw = create_api_token(user=asker, name="schemathesis")
    return {"question": public.pk, "token": raw, "private": private.pk, "hidden": hidden.pk}


# Calls go through WSGI, which does not undo a Content-Encoding as an HTTP client would:
# the responses are asked for uncompressed (the site gzips for clients that accept it).
PLAIN = {"Accept-Encoding": "identity"}


@schema.parametrize()
@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema(case):
    case.call_and_validate(checks=CHECKS, headers=PLAIN)


# Generated examples rarely name a thread or an expert that exists, nor send a token:
# the answers with content, and the token's, are checked here against the same schema.
EXPLICIT = [
    ("/api/v1/questions/{question_id}", {"question_id": "question"}, {}),
    ("/api/v1/questions/{question_id}", {"question_id": "private"}, {}),
    ("/api/v1/questions/{question_id}", {"question_id": "hidden"}, {}),
    ("/api/v1/experts/{handle}", {"handle": "jeremy"}, {}),
    ("/api/v1/questions", {}, {"category": "health", "expert": "jeremy", "answered": "true"}),
    ("/api/v1/search", {}, {"q": "stretch"}),
    ("/api/v1/search", {}, {"q": "knee"}),
]


@pytest.mark.parametrize("with_token", [False, True], ids=["visitor", "token"])
@pytest.mark.parametrize(("path", "params", "query"), EXPLICIT)
def test_answers_with_content_keep_to_the_schema(seeded, with_token, path, params, query):
    operation = schema[path]["GET"]
    headers = {"Authorization": f"Bearer {seeded['token']}"} if with_token else {}
    path_parameters = {name: seeded.get(key, key) for name, key in params.items()}
    case = operation.Case(path_parameters=path_parameters, query=query, headers=headers)

    response = case.call_and_validate(checks=CHECKS, headers=PLAIN)

    assert response.status_code in (200, 404)
    if path.endswith("{question_id}") and params["question_id"] == "question":
        assert response.status_code == 200


def test_a_bad_token_keeps_to_the_schema():
    operation = schema["/api/v1/questions"]["GET"]
    case = operation.Case(headers={"Authorization": "Bearer not-a-token"})

    assert case.call_and_validate(checks=CHECKS, headers=PLAIN).status_code == 401
