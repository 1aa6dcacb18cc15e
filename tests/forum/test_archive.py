"""The public archive: listings that page at any depth, and counts shared until the next write."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from forum.archive import PAGE_SIZE
from forum.models import Question
from tests.factories import AnswerFactory, CategoryFactory, QuestionFactory, UserFactory

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
