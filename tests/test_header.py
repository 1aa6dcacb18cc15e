"""The header of a shared page (config.header) is kept per state of its reader: whatever
of that state changes shows on the next page."""

import pytest
from django.test import Client

from accounts import actions as account_actions
from accounts.notifications import NotificationKind, notify
from tests.factories import AnswerFactory, ExpertProfileFactory, ModeratorFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def url():
    url = AnswerFactory().question.get_absolute_url()
    Client().get(url)
    bystander = Client()
    bystander.force_login(UserFactory())
    bystander.get(url)  # the bystanders' page is stored
    return url


@pytest.fixture
def reader():
    return UserFactory(display_name="Ann Reader")


def page(user, url, **params):
    client = Client()
    client.force_login(user)
    return client.get(url, params).text


def test_a_new_name_shows_at_once(url, reader):
    assert "Ann Reader" in page(reader, url)

    reader.display_name = "Ann Smith"
    reader.save(update_fields=["display_name"])

    text = page(reader, url)
    assert "Ann Smith" in text and "Ann Reader" not in text


def test_the_unread_count_follows_new_notifications(url, reader):
    assert "notification-count" not in page(reader, url)

    notify(reader, NotificationKind.ANSWER, title="News", url="/")

    assert '<span class="badge notification-count">1<' in page(reader, url)


def test_a_new_expert_gets_their_links(url, reader):
    assert "Become an expert" in page(reader, url)

    ExpertProfileFactory(user=reader)

    text = page(reader, url)
    assert "Expert dashboard" in text and "Become an expert" not in text


def test_a_suspension_takes_the_ask_button_away(url, reader):
    assert "Ask a question" in page(reader, url)

    account_actions.suspend_user(user=reader, moderator=ModeratorFactory(), reason="Spam.")

    assert "Ask a question" not in page(reader, url)


def test_the_search_box_shows_the_words_of_this_request(url, reader):
    assert 'value="knee pain"' in page(reader, url, q="knee pain")
    assert 'value="knee pain"' not in page(reader, url)


def test_a_moderators_header_counts_what_waits_for_them(url):
    moderator = ModeratorFactory()

    assert "Moderation" in page(moderator, url)
