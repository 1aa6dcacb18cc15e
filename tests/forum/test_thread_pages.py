"""Whole thread pages kept for signed-in readers (forum.thread_pages): one shared by the
bystanders, one for each of the thread's people; served with each reader's own header,
messages, CSRF token and keys, never to anyone whose page differs, never after a write
to the thread, and never past the moment a step opens to its reader with time."""

import gzip
import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import actions as account_actions
from accounts.models import Notification
from accounts.notifications import NotificationKind, notify
from config import pagecache
from forum import actions, drafts
from forum.models import Visibility
from forum.views import threads
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

TOKENS = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
FLAG = "/flag/"


@pytest.fixture
def answer():
    return AnswerFactory(body="Foam-roll the outside of the thigh.")


def signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured)


def test_the_second_bystander_gets_the_page_without_the_thread_being_read_again(answer):
    url = answer.question.get_absolute_url()
    first, second = UserFactory(display_name="Ann Reader"), UserFactory(display_name="Bo Reader")

    page_one, rendered = queries(signed_in(first), url)
    page_two, shared = queries(signed_in(second), url)

    # One query: the reader, with their roles and unread count.
    assert shared == 1 < rendered
    assert "Foam-roll the outside of the thigh." in page_two.text
    assert "Bo Reader" in page_two.text and "Ann Reader" not in page_two.text
    assert "Ann Reader" in page_one.text
    assert "\x00" not in page_one.text + page_two.text


def test_each_response_has_its_own_working_csrf_token(answer):
    url = answer.question.get_absolute_url()
    signed_in(UserFactory()).get(url)  # stores the page
    reader = signed_in(UserFactory(), enforce_csrf_checks=True)

    tokens = [TOKENS.findall(reader.get(url).text) for _ in range(2)]

    assert tokens[0] and tokens[1] and not set(tokens[0]) & set(tokens[1])
    # The sign-out form of the shared page's header works.
    response = reader.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[1][0]})
    assert response.status_code == 302
    assert "_auth_user_id" not in reader.session


def test_the_page_comes_gzipped_whole_or_plain_to_a_browser_without_gzip(answer):
    url = answer.question.get_absolute_url()
    signed_in(UserFactory()).get(url)
    reader = UserFactory(display_name="Cy Reader")

    zipped = signed_in(reader, headers={"Accept-Encoding": "gzip, br"}).get(url)
    plain = signed_in(reader).get(url)

    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    unzipped = gzip.decompress(zipped.content).decode()  # checks the CRC and length too
    assert "Foam-roll" in unzipped and "Cy Reader" in unzipped and "</html>" in unzipped
    assert "Content-Encoding" not in plain and "Cy Reader" in plain.text
    assert len(plain.content) == int(plain["Content-Length"])
    assert "private" in plain["Cache-Control"]


def test_a_write_to_the_thread_shows_at_once(answer):
    question = answer.question
    url = question.get_absolute_url()
    reader = signed_in(UserFactory())
    reader.get(url)

    actions.post_follow_up(answer=answer, author=question.asker, body="Which side exactly?")

    assert "Which side exactly?" in reader.get(url).text
    assert "Which side exactly?" in signed_in(UserFactory()).get(url).text


@pytest.mark.parametrize("who", ["asker", "expert", "moderator"])
def test_the_people_of_the_thread_never_get_the_bystanders_page(answer, who):
    question = answer.question
    url = question.get_absolute_url()
    signed_in(UserFactory()).get(url)  # the bystanders' page is stored
    user = {"asker": question.asker, "expert": answer.author, "moderator": ModeratorFactory()}[who]

    page = signed_in(user).get(url).text

    if who == "asker":
        assert "Rate this answer" in page
    if who == "expert":
        assert "Edit your answer" in page
    if who == "moderator":
        assert f"/moderation/answer/{answer.pk}/hide/" in page
    assert "Rate this answer" not in signed_in(UserFactory()).get(url).text


def test_an_author_of_a_hidden_answer_sees_it_after_the_page_was_stored(answer):
    question = answer.question
    hidden = AnswerFactory(question=question, body="My hidden advice.")
    actions.hide(item=hidden, moderator=ModeratorFactory(), reason="Off topic.")
    url = question.get_absolute_url()
    signed_in(UserFactory()).get(url)

    assert "My hidden advice." in signed_in(hidden.author).get(url).text
    assert "My hidden advice." not in signed_in(UserFactory()).get(url).text


def test_a_private_thread_is_never_stored_nor_shown_to_others():
    expert = ExpertProfileFactory().user
    question = QuestionFactory(expert=expert, visibility=Visibility.PRIVATE)
    AnswerFactory(question=question, author=expert, body="Between us.")
    url = question.get_absolute_url()

    assert "Between us." in signed_in(question.asker).get(url).text
    assert "Between us." in signed_in(expert).get(url).text

    # Asked first: a page stored for the asker or the expert would be found here.
    assert signed_in(UserFactory()).get(url).status_code == 404


def test_a_hidden_thread_is_never_stored_nor_shown_to_others(answer):
    question = answer.question
    actions.hide(item=question, moderator=ModeratorFactory(), reason="Spam.")
    url = question.get_absolute_url()

    assert "Foam-roll" in signed_in(question.asker).get(url).text

    assert signed_in(UserFactory()).get(url).status_code == 404


def test_a_reader_who_may_not_flag_never_gets_the_flag_links(answer):
    url = answer.question.get_absolute_url()
    signed_in(UserFactory()).get(url)  # stored with flag links

    assert FLAG in signed_in(UserFactory()).get(url).text
    assert FLAG not in signed_in(UserFactory(verified=False)).get(url).text


def test_a_suspended_reader_is_never_offered_to_ask(answer):
    url = answer.question.get_absolute_url()
    ask = f"/experts/{answer.author.handle}/ask/"
    assert ask in signed_in(UserFactory()).get(url).text
    suspended = UserFactory()
    account_actions.suspend_user(user=suspended, moderator=ModeratorFactory(), reason="Spam.")

    assert ask not in signed_in(suspended).get(url).text
    assert ask in signed_in(UserFactory()).get(url).text


def test_an_expert_of_the_category_still_sees_the_answer_form_of_an_open_question():
    category = CategoryFactory()
    question = QuestionFactory(category=category)
    url = question.get_absolute_url()
    signed_in(UserFactory()).get(url)  # a bystander's page, without the form

    expert = ExpertProfileFactory(categories=[category]).user

    assert 'id="your-answer"' in signed_in(expert).get(url).text
    assert 'id="your-answer"' not in signed_in(UserFactory()).get(url).text


def test_a_reader_sees_their_messages_on_the_shared_page(answer):
    question = answer.question
    url = question.get_absolute_url()
    signed_in(UserFactory()).get(url)
    reader = signed_in(UserFactory())

    response = reader.post(f"/flag/answer/{answer.pk}/", {"reason": "spam"}, follow=True)

    assert "Thank you for the flag" in response.text
    assert "Thank you for the flag" not in reader.get(url).text  # shown once


def test_reading_the_thread_reads_its_notifications_and_the_header_counts_the_rest(answer):
    question = answer.question
    url = question.get_absolute_url()
    signed_in(UserFactory()).get(url)
    reader = UserFactory()
    for thread_id in (question.pk, question.pk, None):
        notify(
            reader,
            NotificationKind.ANSWER,
            title="News",
            url=url,
            thread_id=thread_id,
        )

    page = signed_in(reader).get(url).text

    assert Notification.objects.filter(recipient=reader, read_at=None).count() == 1
    assert '<span class="badge notification-count">1<' in page
    account_actions.mark_read(user=reader)
    _, count = queries(signed_in(reader), url)
    assert count == 1  # nothing unread: no UPDATE


# -- A page of one's own: the asker, the expert, the answerers ------------------------------


def test_the_askers_next_view_comes_from_their_kept_page_with_new_keys(answer):
    question = answer.question
    url = question.get_absolute_url()
    asker = signed_in(question.asker)

    first, rendered = queries(asker, url)
    second, kept = queries(asker, url)

    assert kept == 1 < rendered
    for page in (first.text, second.text):
        assert "Rate this answer" in page and "\x00" not in page
    keys = [re.findall(r'name="submission_key" value="([^"]*)"', p.text) for p in (first, second)]
    assert keys[0] and keys[1] and not set(keys[0]) & set(keys[1])


def test_the_askers_kept_page_is_theirs_alone(answer):
    question = answer.question
    url = question.get_absolute_url()
    signed_in(question.asker).get(url)
    signed_in(answer.author).get(url)

    page = signed_in(UserFactory()).get(url).text

    assert "Rate this answer" not in page and "Edit your answer" not in page
    assert "Edit your answer" in signed_in(answer.author).get(url).text
    assert "Rate this answer" not in signed_in(answer.author).get(url).text


def test_the_outcome_buttons_come_when_the_week_is_up_though_the_page_was_kept():
    answer = AnswerFactory(created_at=timezone.now() - timedelta(days=7) + timedelta(minutes=1))
    question = answer.question
    url = question.get_absolute_url()
    asker = signed_in(question.asker)
    assert "Give the advice time" in asker.get(url).text

    later = timezone.now() + timedelta(minutes=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        page = asker.get(url).text

    assert "It helped" in page and "Give the advice time" not in page


def test_a_draft_kept_in_the_session_fills_its_form_on_a_kept_page(answer):
    question = answer.question
    url = question.get_absolute_url()
    asker = signed_in(question.asker)
    asker.get(url)  # the asker's page is kept
    session = asker.session
    session[drafts.SESSION_KEY] = {
        f"/a/{answer.pk}/follow-up/": {"at": int(time.time()), "fields": {"body": "Left knee?"}}
    }
    session.save()

    page = asker.get(url).text

    assert "Left knee?" in page and drafts.KEPT_MESSAGE in page


def test_an_applicant_is_not_invited_to_become_an_expert_on_a_page_kept_for_others(answer):
    url = answer.question.get_absolute_url()
    assert "Become an expert" in signed_in(UserFactory()).get(url).text
    applicant = ExpertProfileFactory(status="pending").user

    assert "Become an expert" not in signed_in(applicant).get(url).text


@pytest.mark.parametrize("who", ["bystander", "asker"])
def test_a_page_rendered_while_a_write_commits_is_never_served_again(answer, monkeypatch, who):
    """The versions are read before the page is rendered: a write meanwhile outdates it."""
    question = answer.question
    url = question.get_absolute_url()
    user = UserFactory() if who == "bystander" else question.asker
    render_answers = threads.thread_answers

    def answers_while_a_write_commits(*args, **kwargs):
        pagecache.touch(pagecache.thread_key(question.pk))  # the write, mid-render
        return render_answers(*args, **kwargs)

    monkeypatch.setattr(threads, "thread_answers", answers_while_a_write_commits)
    signed_in(user).get(url)
    monkeypatch.setattr(threads, "thread_answers", render_answers)

    _, count = queries(signed_in(user), url)
    assert count > 1  # rendered again
    _, count = queries(signed_in(user), url)
    assert count == 1  # and kept
