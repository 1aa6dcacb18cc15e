"""Answer cards shared between readers of the same role (forum.cards): the cached card is
the right one for each reader, and its forms work, with a CSRF token and submission
keys of the response's own."""

import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forum.models import FollowUp
from tests.factories import AnswerFactory, FollowUpFactory, QuestionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

KEYS = re.compile(r'name="submission_key" value="([^"]*)"')
TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture
def thread():
    question = QuestionFactory(title="Which stretch?")
    first = AnswerFactory(question=question, body="Stretch the calf.")
    second = AnswerFactory(question=question, body="Roll the band.")
    question.refresh_from_db()
    return question, first, second


def signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_each_view_gets_its_own_token_and_keys_however_often_the_cards_are_reused(thread):
    question, _first, _second = thread
    asker = signed_in(question.asker)

    pages = [asker.get(question.get_absolute_url()).text for _ in range(3)]

    keys = [KEYS.findall(page) for page in pages]
    assert all(len(found) == 2 for found in keys)  # a follow-up form under each answer
    every_key = [key for found in keys for key in found]
    assert len(set(every_key)) == len(every_key)
    assert all(uuid.UUID(key) for key in every_key)
    assert not any("\x00" in page for page in pages)
    # Django masks the token anew for each response: none repeats from one view to another.
    tokens = [set(TOKENS.findall(page)) for page in pages]
    assert all(tokens) and not (tokens[0] & tokens[1] or tokens[1] & tokens[2])


def test_forms_from_a_reused_card_post_with_csrf_checks_on(thread):
    question, first, second = thread
    asker = signed_in(question.asker, enforce_csrf_checks=True)
    asker.get(question.get_absolute_url())  # renders and caches the cards
    page = asker.get(question.get_absolute_url()).text
    token, keys = TOKENS.findall(page)[0], KEYS.findall(page)

    for answer, key in zip((first, second), keys, strict=True):
        response = asker.post(
            f"/a/{answer.pk}/follow-up/",
            {"csrfmiddlewaretoken": token, "submission_key": key, "body": f"About {answer.pk}?"},
        )
        assert response.status_code == 302, response.status_code

    # Two forms of one page, two follow-ups: their keys never make one look like a repeat.
    assert FollowUp.objects.filter(author=question.asker).count() == 2


def test_signing_in_again_gets_a_token_for_the_new_session(thread):
    question, first, _ = thread
    signed_in(question.asker).get(question.get_absolute_url())  # cards cached
    later = signed_in(question.asker, enforce_csrf_checks=True)  # a new CSRF secret
    page = later.get(question.get_absolute_url()).text

    response = later.post(
        f"/a/{first.pk}/follow-up/",
        {
            "csrfmiddlewaretoken": TOKENS.findall(page)[0],
            "submission_key": KEYS.findall(page)[0],
            "body": "Still sore?",
        },
    )

    assert response.status_code == 302


def test_a_card_cached_for_one_role_is_never_shown_to_another(thread):
    question, first, _second = thread
    url = question.get_absolute_url()
    expert = signed_in(first.author)
    passer_by = signed_in(UserFactory())
    views = {
        "asker": signed_in(question.asker).get(url).text,
        "expert": expert.get(url).text,
        "member": passer_by.get(url).text,
    }
    # Again, now from the cards each role left in the cache.
    again = {
        "asker": signed_in(question.asker).get(url).text,
        "expert": expert.get(url).text,
        "member": passer_by.get(url).text,
    }

    for page in (views, again):
        assert page["asker"].count("Rate this answer") == 2
        assert page["asker"].count(f"Send follow-up to {first.author.display_name}") == 1
        assert "Rate this answer" not in page["expert"] + page["member"]
        assert f"Reply to {question.asker.display_name}" in page["expert"]
        assert "Edit your answer" in page["expert"]
        assert "Edit your answer" not in page["asker"] + page["member"]
        assert "submission_key" not in page["member"]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_askers_view_costs_the_same_at_2_and_at_8_answers_cached_or_not(thread):
    question, *_ = thread
    asker = signed_in(question.asker)
    url = question.get_absolute_url()
    small = (count_queries(asker, url), count_queries(asker, url))  # cards rendered, then read

    for _ in range(6):
        FollowUpFactory(answer=AnswerFactory(question=question))
    large = (count_queries(asker, url), count_queries(asker, url))

    assert large == small
    assert small[1] < small[0]  # cards read from the cache load no follow-up nor credential


def test_an_experts_own_card_beside_the_thread_never_offers_to_ask_them(thread):
    question, first, _ = thread
    url = question.get_absolute_url()
    ask_first = f"/experts/{first.author.handle}/ask/"
    passer_by = signed_in(UserFactory())

    for _ in range(2):  # rendered, then from the cache
        assert ask_first in passer_by.get(url).text
        assert ask_first in signed_in(question.asker).get(url).text
        assert ask_first not in signed_in(first.author).get(url).text
