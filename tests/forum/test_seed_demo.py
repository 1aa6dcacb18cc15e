from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import Notification, NotificationKind
from experts.models import ExpertProfile, Rating
from forum.models import Answer, FollowUp, Question, SearchEntry

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_browsable_archive(capsys):
    call_command("seed_demo", questions=60, experts=8, askers=20, seed=3)

    assert Question.objects.count() == 62  # with the seed thread and the big thread
    big = Question.objects.get(slug="a-question-with-many-answers")
    assert big.answers.count() == 8 and FollowUp.objects.filter(answer__question=big).count() == 200
    assert Answer.objects.count() > 60
    assert FollowUp.objects.exists() and Rating.objects.exists()
    assert ExpertProfile.objects.filter(answer_total__gt=0).exists()
    assert SearchEntry.objects.filter(kind="q").count() == 62
    titles = list(Question.objects.order_by("pk").values_list("title", flat=True))
    client = Client()
    for question in Question.objects.public().answered()[:5]:
        assert client.get(question.get_absolute_url()).status_code == HTTPStatus.OK
    assert client.get("/").status_code == HTTPStatus.OK
    # The archive's "Best rated" order has ratings to sort by, as the hook would store them.
    best = (
        Question.objects.public().answered().order_by("-best_rating", "-answered_at", "-id").first()
    )
    assert best.best_rating > 0
    assert client.get("/answers/", {"order": "rated"}).context["page_obj"][0] == best
    # The loaded threads are in the search index.
    sample = Question.objects.public().answered().filter(slug__startswith="demo-").first()
    word = sample.title.split()[1]
    assert sample.title in client.get("/search/", {"q": f'"{word}"'}).text
    assert "Done in" in capsys.readouterr().out
    assert titles[1].startswith("My ")


def test_the_big_threads_asker_signed_in_sees_a_form_under_each_answer():
    call_command("seed_demo", questions=10, experts=8, askers=5, seed=3)
    big = Question.objects.get(slug="a-question-with-many-answers")
    asker = Client()
    asker.force_login(big.asker)

    page = asker.get(big.get_absolute_url()).text

    assert page.count('class="form follow-up-form"') == big.answers.count()
    assert page.count("Rate this answer") == big.answers.count()


def test_the_bench_writer_posts_follow_ups_through_the_actions(capsys):
    call_command("seed_demo", questions=10, experts=4, askers=5, seed=3)
    before = FollowUp.objects.count()

    call_command("bench_write", seconds=0.5, per_second=20)

    written = FollowUp.objects.filter(body__startswith="Thank you. One more detail")
    assert written.exists() and FollowUp.objects.count() == before + written.count()
    # As a member's would: by the thread's asker, and the expert is told.
    for follow_up in written.select_related("answer__question"):
        assert follow_up.author_id == follow_up.answer.question.asker_id
        assert Notification.objects.filter(
            recipient_id=follow_up.answer.author_id, kind=NotificationKind.FOLLOW_UP
        ).exists()
    assert "follow-ups in" in capsys.readouterr().out
