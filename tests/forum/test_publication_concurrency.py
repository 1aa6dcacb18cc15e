"""Publication requests at the same moment, through the whole stack (PostgreSQL only).

Both parties asking at once must make one request; agreeing while the other
withdraws ends in one consistent state; two moderators publishing at once
publish once. The helpers and the reasons to need PostgreSQL are those of
tests/test_concurrency.py.
"""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry
from forum import actions
from forum.models import PublicationRequest, PublicationStatus, Question
from tests.factories import (
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)
from tests.test_concurrency import ON_POSTGRESQL, assert_no_errors, post, run_together, signed_in

pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="Concurrency tests need PostgreSQL row locks and real concurrent connections.",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 8


def private_thread(n):
    category = CategoryFactory(slug=f"knees-{n}")
    expert = ExpertProfileFactory(categories=[category]).user
    asker = UserFactory()
    question = QuestionFactory(
        category=category,
        asker=asker,
        expert=expert,
        visibility="private",
        title=f"Knee trouble near Elmwood {n}",
    )
    actions.post_answer(question=question, author=expert, body="Ice it, near Elmwood.")
    return question, asker, expert


def test_both_parties_asking_at_once_make_one_request():
    for n in range(ROUNDS):
        question, asker, expert = private_thread(n)
        url = reverse("forum:publication_step", args=[question.pk])
        outcomes = run_together(
            [
                post(signed_in(asker), url, {"step": "request"}),
                post(signed_in(expert), url, {"step": "request"}),
                post(signed_in(asker), url, {"step": "request"}),
                post(signed_in(expert), url, {"step": "request"}),
            ]
        )
        # The first wins; the other party's asks are refused (403), the same party's
        # second ask is the same request: never a second row, never a 500.
        assert_no_errors(outcomes, f"round {n}: ")
        assert {o.status for o in outcomes} <= {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN}
        assert PublicationRequest.objects.filter(question=question).count() == 1
        assert (
            AuditEntry.objects.filter(
                action=AuditAction.PUBLICATION_REQUESTED, target_id=question.pk
            ).count()
            == 1
        )


def test_agreeing_while_the_other_withdraws_ends_consistent():
    for n in range(ROUNDS):
        question, asker, expert = private_thread(100 + n)
        actions.request_publication(question=question, user=expert)
        url = reverse("forum:publication_step", args=[question.pk])
        outcomes = run_together(
            [
                post(signed_in(asker), url, {"step": "agree"}),
                post(signed_in(expert), url, {"step": "withdraw"}),
            ]
        )
        assert_no_errors(outcomes, f"round {n}: ")
        request = PublicationRequest.objects.get(question=question)
        # Withdrawn (maybe after the agreement), or agreed and then withdrawn: never both open.
        assert request.status == PublicationStatus.WITHDRAWN
        assert request.redactions == ""


def test_two_moderators_publishing_at_once_publish_once():
    first, second = ModeratorFactory(), ModeratorFactory()
    for n in range(ROUNDS):
        question, asker, expert = private_thread(200 + n)
        request = actions.request_publication(question=question, user=expert)
        request = actions.agree_publication(request=request, user=asker)
        request = actions.submit_for_review(request=request, user=asker, text="Elmwood")
        url = reverse("moderation:publication_review", args=[request.pk])
        clients = [signed_in(first), signed_in(second), signed_in(first)]
        outcomes = run_together([post(client, url, {"step": "publish"}) for client in clients])
        assert_no_errors(outcomes, f"round {n}: ")
        # One publishes; the others find it published (a redirect) or no longer in review.
        assert {o.status for o in outcomes} <= {
            HTTPStatus.FOUND,
            HTTPStatus.FORBIDDEN,
            HTTPStatus.NOT_FOUND,
        }
        assert (
            AuditEntry.objects.filter(
                action=AuditAction.PUBLICATION_PUBLISHED, target_id=question.pk
            ).count()
            == 1
        )
        question = Question.objects.get(pk=question.pk)
        assert question.visibility == "public"
        assert "elmwood" not in question.title.lower()
        response = Client().get(question.get_absolute_url())
        assert response.status_code == HTTPStatus.OK
        assert "elmwood" not in response.text.lower()
