"""The public archive: listings that page at any depth, and counts shared until the next write."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from forum import actions
from forum.archive import PAGE_SIZE
from forum.models import Question
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_every_page_lists_the_next_newest_questions_ties_broken_by_id(client):
    category = CategoryFactory(slug="massage")
    same_time = timezone.now() - timedelta(days=3)
    for n in range(PAGE_SIZE * 2 + 5):
        question = QuestionFactory(category=category, title=f"Question number {n:03d}")
        AnswerFactory(question=question)
        # Half of them share one timestamp: the order must still be total.
        created = same_time if n % 2 else same_time - timedelta(minutes=n)
        Question.objects.filter(pk=question.pk).update(created_at=created)
    QuestionFactory(category=category, title="Question waiting")
    hidden = AnswerFactory(question__category=category, question__title="Question hidden")
    Question.objects.filter(pk=hidden.question_id).update(is_hidden=True)

    expected = list(
        Question.objects.public()
        .answered()
        .order_by("-created_at", "-id")
        .values_list("title", flat=True)
    )
    listed = []
    for number in (1, 2, 3):
        page = client.get(reverse("forum:answers"), {"page": number}).context["page_obj"]
        listed.extend(question.title for question in page)

    assert listed == expected
    assert len(listed) == PAGE_SIZE * 2 + 5
    # Past the end, the last page; nonsense, the first.
    assert client.get(reverse("forum:answers"), {"page": 99}).context["page_obj"].number == 3
    assert client.get(reverse("forum:answers"), {"page": "x"}).context["page_obj"].number == 1


def test_a_category_lists_its_subcategories_questions_too(client):
    health = CategoryFactory(slug="health")
    massage = CategoryFactory(slug="massage", parent=health)
    AnswerFactory(question__category=health, question__title="About health")
    AnswerFactory(question__category=massage, question__title="About massage")
    AnswerFactory(question__title="About something else")

    page = client.get(health.get_absolute_url()).context["page_obj"]

    assert {question.title for question in page} == {"About health", "About massage"}
    assert page.paginator.count == 2


@override_settings(PAGE_CACHE_SECONDS=300)
def test_members_see_counts_that_follow_every_write(django_capture_on_commit_callbacks):
    category = CategoryFactory(name="Massage", slug="massage")
    AnswerFactory(question__category=category)
    member = Client()
    member.force_login(UserFactory())
    assert member.get(reverse("forum:answers")).context["page_obj"].paginator.count == 1

    with django_capture_on_commit_callbacks(execute=True):
        AnswerFactory(question__category=category)

    response = member.get(reverse("forum:answers"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["page_obj"].paginator.count == 2
    categories = member.get(reverse("forum:categories")).context["tree"]
    assert [node.count for node in categories if node.category == category] == [2]


# -- All Answers: excerpts, orders and filters ---------------------------------------------------


def listed(client, url, **params):
    return [question.title for question in client.get(url, params).context["page_obj"]]


def test_each_answer_shows_an_excerpt_of_its_question_escaped_once_and_cut_on_a_word(client):
    body = (
        "My <script>alert(1)</script> knee & **hip** hurt.\n\n"
        + "Running makes it worse every single time. " * 12
    )
    AnswerFactory(question__title="Knee and hip", question__body=body)

    html = client.get(reverse("forum:answers")).content.decode()

    assert "My &lt;script&gt;alert(1)&lt;/script&gt; knee &amp; hip hurt. Running makes" in html
    assert "&amp;lt;" not in html and "<script>alert" not in html
    excerpt = html.split('class="question-item-excerpt">')[1].split("</p>")[0]
    assert excerpt.endswith("…") and len(excerpt) < 260
    # Cut between words, never inside one.
    assert excerpt[:-1].split()[-1] in {
        "Running",
        "makes",
        "it",
        "worse",
        "every",
        "single",
        "time",
    }


def test_answers_sort_newest_recently_answered_and_best_rated(client):
    now = timezone.now()
    old = AnswerFactory(question__title="Asked long ago, answered today")
    new = AnswerFactory(question__title="Asked today, answered soon after")
    unrated = AnswerFactory(question__title="Asked yesterday, never rated")
    # Rated first: the hook recomputes the answer times from the answers.
    for answer, score in ((old, 6), (new, 9)):
        actions.rate_answer(
            answer=answer,
            rater=answer.question.asker,
            knowledgeability=score,
            clarity=score,
            politeness=score - 1,
        )
    Question.objects.filter(pk=old.question_id).update(
        created_at=now - timedelta(days=30), answered_at=now
    )
    Question.objects.filter(pk=new.question_id).update(
        created_at=now - timedelta(hours=1), answered_at=now - timedelta(minutes=30)
    )
    Question.objects.filter(pk=unrated.question_id).update(
        created_at=now - timedelta(days=1), answered_at=now - timedelta(days=1)
    )
    url = reverse("forum:answers")

    assert listed(client, url) == [
        "Asked today, answered soon after",
        "Asked yesterday, never rated",
        "Asked long ago, answered today",
    ]
    assert listed(client, url, order="answered") == [
        "Asked long ago, answered today",
        "Asked today, answered soon after",
        "Asked yesterday, never rated",
    ]
    assert listed(client, url, order="rated") == [
        "Asked today, answered soon after",
        "Asked long ago, answered today",
        "Asked yesterday, never rated",
    ]
    page = client.get(url, {"order": "rated"}).content.decode()
    assert "Best answer rated 8.7/10" in page and "Best answer rated 5.7/10" in page
    # An unknown order is the default one, not an error.
    assert listed(client, url, order="nonsense") == listed(client, url)


def test_a_hidden_answer_no_longer_rates_its_question(client, moderator):
    answer = AnswerFactory(question__title="Rated, then hidden")
    AnswerFactory(question=answer.question)
    actions.rate_answer(
        answer=answer, rater=answer.question.asker, knowledgeability=10, clarity=10, politeness=10
    )
    assert Question.objects.get(pk=answer.question_id).best_rating == 10

    actions.hide(item=answer, moderator=moderator, reason="Spam")

    assert Question.objects.get(pk=answer.question_id).best_rating == 0


def test_answers_filter_by_category_with_its_subcategories_expert_and_editors_picks(client):
    health = CategoryFactory(name="Health", slug="health")
    massage = CategoryFactory(name="Massage", slug="massage", parent=health)
    garden = CategoryFactory(name="Garden", slug="garden")
    jeremy = AnswerFactory(question__category=massage, question__title="IT band pain").author
    AnswerFactory(question__category=health, question__title="Sleep")
    picked = AnswerFactory(question__category=garden, question__title="Roses", author=jeremy)
    AnswerFactory(question__category=garden, question__title="Tulips")
    picked.is_featured, picked.featured_at = True, timezone.now()
    picked.save()
    url = reverse("forum:answers")

    assert set(listed(client, url, category="health")) == {"IT band pain", "Sleep"}
    assert listed(client, url, category="health/massage") == ["IT band pain"]
    assert set(listed(client, url, expert=jeremy.handle)) == {"IT band pain", "Roses"}
    assert listed(client, url, featured="on") == ["Roses"]
    assert listed(client, url, expert=jeremy.handle, category="health") == ["IT band pain"]
    response = client.get(url, {"expert": jeremy.handle, "category": "health"})
    assert response.context["page_obj"].paginator.count == 1
    assert f"answered by {jeremy.display_name}" in response.content.decode()
    # Unknown values filter nothing out.
    assert len(listed(client, url, category="nowhere", expert="nobody")) == 4


def test_answers_by_an_expert_leave_out_their_hidden_answers_and_private_questions(client):
    answer = AnswerFactory(question__title="Hidden answer")
    expert = answer.author
    AnswerFactory(author=expert, question__title="Shown answer")
    private = AnswerFactory(author=expert, question__title="Private question")
    Question.objects.filter(pk=private.question_id).update(visibility="private", expert=expert)
    answer.is_hidden = True
    answer.save()

    assert listed(client, reverse("forum:answers"), expert=expert.handle) == ["Shown answer"]


def test_filters_and_order_survive_the_pages(client):
    category = CategoryFactory(slug="massage")
    for n in range(PAGE_SIZE + 3):
        AnswerFactory(question__category=category, question__title=f"Question {n}")
    AnswerFactory(question__title="Elsewhere")

    response = client.get(reverse("forum:answers"), {"category": "massage", "order": "answered"})
    page_2 = response.context["page_obj"]

    assert page_2.paginator.count == PAGE_SIZE + 3
    assert "?category=massage&amp;order=answered&amp;page=2" in response.content.decode()


# -- Unanswered ----------------------------------------------------------------------------------


def test_unanswered_lists_only_public_questions_still_waiting_for_an_expert(client, moderator):
    expert = ExpertProfileFactory().user
    now = timezone.now()
    QuestionFactory(title="Open to the category", created_at=now - timedelta(hours=2))
    QuestionFactory(title="Waiting for its expert", expert=expert, created_at=now)
    AnswerFactory(question__title="Answered")
    QuestionFactory(title="Private", expert=expert, visibility="private")
    hidden = QuestionFactory(title="Hidden")
    actions.hide(item=hidden, moderator=moderator, reason="Spam")
    locked = QuestionFactory(title="Locked")
    actions.set_locked(question=locked, moderator=moderator, locked=True)
    declined = QuestionFactory(title="Declined", expert=expert)
    actions.decline_question(question=declined, expert=expert, reason="not_my_area")
    withdrawn = QuestionFactory(title="Withdrawn")
    actions.withdraw_question(question=withdrawn, asker=withdrawn.asker)

    response = client.get(reverse("forum:unanswered"))

    assert [q.title for q in response.context["page_obj"]] == [
        "Waiting for its expert",
        "Open to the category",
    ]
    assert "2 public questions waiting for an expert" in response.content.decode()
    # Once it is answered, it leaves the list.
    AnswerFactory(question=Question.objects.get(title="Open to the category"))
    assert listed(client, reverse("forum:unanswered")) == ["Waiting for its expert"]


def test_unanswered_filters_by_category_with_its_subcategories_and_pages(client):
    health = CategoryFactory(name="Health", slug="health")
    massage = CategoryFactory(name="Massage", slug="massage", parent=health)
    for n in range(PAGE_SIZE + 1):
        QuestionFactory(category=massage, title=f"Massage {n}")
    QuestionFactory(category=CategoryFactory(slug="garden"), title="Roses")
    url = reverse("forum:unanswered")

    page = client.get(url, {"category": "health"}).context["page_obj"]
    assert page.paginator.count == PAGE_SIZE + 1 and page.paginator.num_pages == 2
    assert "Roses" not in listed(client, url, category="health", page=2)
    assert listed(client, url, category="garden") == ["Roses"]
    assert client.get(url, {"category": "nowhere"}).context["page_obj"].paginator.count == 22


def test_unanswered_is_linked_from_the_home_page_the_header_and_category_pages(client):
    category = CategoryFactory(name="Massage", slug="massage")
    AnswerFactory(question__category=category)
    link = reverse("forum:unanswered")

    home = client.get(reverse("home")).content.decode()
    page = client.get(category.get_absolute_url()).content.decode()

    assert home.count(f'href="{link}"') >= 2  # The header, and beside the recent answers.
    assert f'href="{link}?category=massage"' in page
    assert f'href="{reverse("forum:answers")}?category=massage"' in page
