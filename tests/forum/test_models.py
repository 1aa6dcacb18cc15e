import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from forum.markdown import MAX_BODY_LENGTH
from forum.models import Answer, Category, Question
from tests.factories import AnswerFactory, CategoryFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_a_category_path_follows_its_parents_and_moves_with_them():
    health = CategoryFactory(slug="health")
    massage = CategoryFactory(slug="massage", parent=health)
    esalen = CategoryFactory(slug="esalen", parent=massage)
    assert esalen.path == "health/massage/esalen"
    assert esalen.get_absolute_url() == "/c/health/massage/esalen/"
    assert [c.path for c in esalen.ancestors()] == ["health", "health/massage"]

    wellness = CategoryFactory(slug="wellness")
    massage.parent = wellness
    massage.save()

    esalen.refresh_from_db()
    assert esalen.path == "wellness/massage/esalen"


def test_a_question_gets_a_slug_and_stored_html():
    question = QuestionFactory(title="IT band pain — need help?!", body="**Ouch**")

    assert question.slug == "it-band-pain-need-help"
    assert question.body_html == "<p><strong>Ouch</strong></p>\n"
    assert question.get_absolute_url() == f"/q/{question.pk}/it-band-pain-need-help/"


@pytest.mark.parametrize("title", ["Answer", "close", "Decline!"])
def test_a_slug_never_takes_the_name_of_a_thread_action(client, title):
    question = QuestionFactory(title=title)

    assert question.slug.endswith("-question")
    assert client.get(question.get_absolute_url()).status_code == 200


def test_a_question_title_without_letters_still_has_a_url():
    assert QuestionFactory(title="???").slug == "question"


def test_bodies_are_capped():
    question = QuestionFactory.build(body="x" * (MAX_BODY_LENGTH + 1))

    with pytest.raises(ValidationError) as error:
        question.full_clean(exclude=["category", "asker"])
    assert "body" in error.value.message_dict


def test_a_private_question_without_an_expert_fails_validation_with_a_message():
    question = QuestionFactory.build(visibility="private", expert=None)

    with pytest.raises(ValidationError, match="must be addressed to an expert"):
        question.clean()


def test_rerender_markdown_refreshes_stale_html():
    answer = AnswerFactory(body="*fresh*")
    Answer.objects.filter(pk=answer.pk).update(body_html="<p>stale</p>")
    Question.objects.filter(pk=answer.question_id).update(body_html="<p>stale</p>")

    call_command("rerender_markdown")

    assert Answer.objects.get(pk=answer.pk).body_html == "<p><em>fresh</em></p>\n"
    assert "stale" not in Question.objects.get(pk=answer.question_id).body_html


def test_category_str_is_its_name():
    parent = CategoryFactory(slug="health")
    child = CategoryFactory(name="Massage", slug="massage", parent=parent)

    assert str(child) == "Massage"
    assert Category.objects.get(pk=child.pk).depth == 1
