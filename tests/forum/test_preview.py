"""The editor preview (POST markdown/preview/): who gets it, how often, and what it refuses."""

import uuid
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.ratelimit import Rate
from forum.markdown import BRACKETS_MESSAGE
from forum.models import Question
from tests.factories import CategoryFactory, ExpertProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/markdown/preview/"
PATHOLOGICAL = "[" * 5_000


def preview(client, content="**bold** [link](https://example.com)"):
    return client.post(URL, {"content": content})


def test_anonymous_visitors_get_no_preview(client):
    response = preview(client)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Sign in" in response.text


def test_a_member_without_a_verified_address_gets_no_preview(client):
    client.force_login(UserFactory(verified=False))

    response = preview(client)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "verify your e-mail address" in response.text
    assert "<strong>" not in response.text


def test_a_suspended_member_gets_no_preview(client):
    client.force_login(UserFactory(suspended_at=timezone.now()))

    response = preview(client)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "suspension" in response.text


def test_a_member_whose_suspension_ended_gets_the_preview_again(client):
    ended = timezone.now() - timedelta(days=1)
    client.force_login(UserFactory(suspended_at=ended, suspended_until=ended))

    assert preview(client).status_code == HTTPStatus.OK


def test_a_member_gets_the_rendered_html(member_client):
    response = preview(member_client)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.text == (
        '<p><strong>bold</strong> <a href="https://example.com" '
        'rel="nofollow ugc noopener noreferrer">link</a></p>\n'
    )


def test_pathological_input_gets_400_and_the_validators_message(member_client):
    response = preview(member_client, PATHOLOGICAL)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    # The widget puts the answer into the page as HTML: the message is escaped.
    assert response.text == f"<p>{escape(BRACKETS_MESSAGE)}</p>"


def test_nesting_past_the_limit_gets_400_and_says_so(member_client):
    response = preview(member_client, "> " * 30 + "deep")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "the limit is 10" in response.text


@override_settings(PREVIEW_RATE="2/m")
def test_previews_are_rate_limited_per_member(member_client, client):
    assert preview(member_client).status_code == HTTPStatus.OK
    assert preview(member_client, PATHOLOGICAL).status_code == HTTPStatus.BAD_REQUEST

    response = preview(member_client)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "the limit is 2 per minute" in response.text
    assert "Your text is not affected" in response.text
    # Another member has a count of their own.
    client.force_login(UserFactory())
    assert preview(client).status_code == HTTPStatus.OK


def test_the_default_rate_is_above_what_the_widget_can_send(settings):
    rate = Rate.parse(settings.PREVIEW_RATE)
    # The widget posts once the author pauses for MARKDOWNX_SERVER_CALL_LATENCY.
    most_per_window = rate.seconds * 1000 // settings.MARKDOWNX_SERVER_CALL_LATENCY
    assert rate.count > most_per_window


def test_asking_with_a_pathological_body_returns_the_form_with_the_message_and_the_text(client):
    massage = CategoryFactory(name="Massage", slug="massage")
    ExpertProfileFactory(categories=[massage])
    client.force_login(UserFactory())
    body = "My question, then " + PATHOLOGICAL

    response = client.post(
        reverse("forum:ask"),
        {
            "category": massage.pk,
            "expert": "",
            "title": "IT band pain need help",
            "body": body,
            "visibility": "public",
            "submission_key": str(uuid.uuid4()),
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert escape(BRACKETS_MESSAGE) in response.text
    assert response.context["form"]["body"].value() == body
    assert body in response.text
    assert not Question.objects.exists()
