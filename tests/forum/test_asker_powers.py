"""The asker's powers over a question nobody has answered yet: edit it (title, text,
category, visibility), withdraw it, and ask it again. The table of steps itself is
pinned in tests/forum/test_lifecycle.py; these are the cases, as people see them."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Notification
from forum import actions
from forum.models import Question, QuestionRevision, QuestionStatus
from tests.factories import (
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = QuestionStatus
BODY = "My outer knee hurts after five minutes of running.\n\nWhat should I do?"


@pytest.fixture
def site():
    health = CategoryFactory(name="Health", slug="health")
    massage = CategoryFactory(name="Massage", slug="massage", parent=health)
    fitness = CategoryFactory(name="Fitness", slug="fitness", parent=health)
    asker = UserFactory(display_name="Ann Asker")
    jeremy = ExpertProfileFactory(user__display_name="Jeremy Lanfranco", categories=[massage]).user
    coach_profile = ExpertProfileFactory(user__display_name="Carla Coach", categories=[fitness])
    coach_profile.alert_categories.set([fitness])  # Told of open questions in Fitness.
    coach = coach_profile.user
    return type(
        "Site",
        (),
        dict(
            health=health,
            massage=massage,
            fitness=fitness,
            asker=asker,
            jeremy=jeremy,
            coach=coach,
        ),
    )


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def ask(site, *, expert="jeremy", visibility="public", title="Outer knee pain when running"):
    question, _ = actions.ask_question(
        asker=site.asker,
        category=site.massage,
        expert=getattr(site, expert) if expert else None,
        title=title,
        body=BODY,
        visibility=visibility,
    )
    return question


def edit_data(question, **changes):
    return {
        "title": question.title,
        "body": question.body,
        "category": question.category_id,
        "visibility": question.visibility,
        "base_version": question.version,
        **changes,
    }


def inbox(user, tab="addressed"):
    response = client_for(user).get(reverse("forum:inbox"), {"tab": tab})
    return [q.pk for q in response.context["page_obj"]]


def titles(user):
    notes = Notification.objects.filter(recipient=user)
    return [n.title for n in notes]


# -- Editing ------------------------------------------------------------------------------------


def test_the_asker_sees_edit_and_withdraw_on_their_unanswered_question_and_no_one_else(site):
    question = ask(site)
    edit_url = reverse("forum:edit_question", args=[question.pk])

    mine = client_for(site.asker).get(question.get_absolute_url())
    theirs = client_for(site.jeremy).get(question.get_absolute_url())

    assert edit_url in mine.text and reverse("forum:withdraw", args=[question.pk]) in mine.text
    assert edit_url not in theirs.text
    assert client_for(site.jeremy).get(edit_url).status_code == HTTPStatus.FORBIDDEN


def test_the_asker_edits_title_text_and_visibility_and_the_earlier_text_is_kept(site):
    question = ask(site)
    client = client_for(site.asker)

    response = client.post(
        reverse("forum:edit_question", args=[question.pk]),
        edit_data(question, title="Outer knee pain after long runs", visibility="private",
                  body="It hurts after ten minutes now."),
    )  # fmt: skip

    assert response.status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert (question.title, question.visibility, question.status) == (
        "Outer knee pain after long runs",
        "private",
        S.ADDRESSED,
    )
    revision = QuestionRevision.objects.get(question=question)
    assert (revision.title, revision.body) == ("Outer knee pain when running", BODY)
    page = client.get(question.get_absolute_url())
    assert "It hurts after ten minutes now." in page.text and "Edited" in page.text
    # The expert waiting on it is told; and a private question leaves everyone else's view.
    assert "Ann Asker edited their question “Outer knee pain after long runs”" in titles(
        site.jeremy
    )
    assert Client().get(question.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_moving_a_public_question_out_of_its_experts_categories_opens_it_there(site):
    question = ask(site)
    assert inbox(site.jeremy) == [question.pk]

    client = client_for(site.asker)
    response = client.post(
        reverse("forum:edit_question", args=[question.pk]),
        edit_data(question, category=site.fitness.pk),
    )

    assert response.status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert (question.status, question.expert, question.category) == (S.OPEN, None, site.fitness)
    assert inbox(site.jeremy) == []
    assert question.pk in inbox(site.coach, tab="open")
    assert any("moved" in t and "Fitness" in t for t in titles(site.jeremy))
    assert any(t.startswith("Open question in Fitness") for t in titles(site.coach))
    page = client.get(question.get_absolute_url())
    assert "It is now open to every expert of Fitness." in page.text


def test_a_private_question_cannot_move_away_from_its_expert_and_the_asker_is_told_why(site):
    question = ask(site, visibility="private")

    response = client_for(site.asker).post(
        reverse("forum:edit_question", args=[question.pk]),
        edit_data(question, category=site.fitness.pk, title="A title I changed as well"),
    )

    assert response.status_code == HTTPStatus.OK
    assert "Jeremy Lanfranco does not answer questions in Fitness" in response.text
    assert "A title I changed as well" in response.text  # What was typed is kept.
    question.refresh_from_db()
    assert (question.status, question.category, question.title) == (
        S.ADDRESSED,
        site.massage,
        "Outer knee pain when running",
    )
    assert not QuestionRevision.objects.exists()


def test_an_open_question_is_public_and_cannot_be_made_private(site):
    question = ask(site, expert=None)
    client = client_for(site.asker)

    form = client.get(reverse("forum:edit_question", args=[question.pk]))
    response = client.post(
        reverse("forum:edit_question", args=[question.pk]),
        edit_data(question, visibility="private"),
    )

    assert 'value="private"' not in form.text
    assert response.status_code == HTTPStatus.OK
    question.refresh_from_db()
    assert question.visibility == "public"


def test_an_edit_based_on_an_older_version_is_a_visible_conflict_and_nothing_is_lost(site):
    question = ask(site)
    stale = edit_data(question, title="My version of the title")
    actions.edit_own_question(
        question=question,
        asker=site.asker,
        title="The other tab's title",
        body=BODY,
        category=site.massage,
        visibility="public",
        base_version=1,
    )

    response = client_for(site.asker).post(
        reverse("forum:edit_question", args=[question.pk]), stale
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert "not saved" in response.text
    assert "My version of the title" in response.text  # Still in the form.
    assert "The other tab&#x27;s title" in response.text  # What is there now.
    question.refresh_from_db()
    assert question.title == "The other tab's title"


def test_once_answered_the_asker_can_no_longer_edit_or_withdraw(site):
    question = ask(site, visibility="private")
    actions.post_answer(question=question, author=site.jeremy, body="Rest it for a week.")
    client = client_for(site.asker)

    page = client.get(question.get_absolute_url())

    assert reverse("forum:edit_question", args=[question.pk]) not in page.text
    assert reverse("forum:withdraw", args=[question.pk]) not in page.text
    # Where the asker looks for it: a private question becomes public only with consent.
    assert "It can become public only if you both agree" in page.text
    edit = client.post(reverse("forum:edit_question", args=[question.pk]), edit_data(question))
    withdraw = client.post(reverse("forum:withdraw", args=[question.pk]))
    assert edit.status_code == withdraw.status_code == HTTPStatus.FORBIDDEN


def test_a_locked_question_cannot_be_edited(site):
    question = ask(site)
    actions.set_locked(question=question, moderator=ModeratorFactory(), locked=True)

    response = client_for(site.asker).get(reverse("forum:edit_question", args=[question.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN


# -- Withdrawing and asking again ---------------------------------------------------------------


def test_withdrawing_asks_for_confirmation_first(site):
    question = ask(site)

    response = client_for(site.asker).get(reverse("forum:withdraw", args=[question.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "Withdraw this question?" in response.text
    assert "leaves Jeremy Lanfranco's inbox" in response.text
    question.refresh_from_db()
    assert question.status == S.ADDRESSED


def test_a_withdrawn_question_leaves_the_inbox_lists_and_search_and_the_expert_is_told(site):
    question = ask(site, title="Peroneal tendon soreness")
    others = Client()
    assert others.get(question.get_absolute_url()).status_code == HTTPStatus.OK
    found = others.get(reverse("forum:search"), {"q": "peroneal"})
    assert "Peroneal tendon soreness" in found.text

    response = client_for(site.asker).post(reverse("forum:withdraw", args=[question.pk]))

    assert response.status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert question.status == S.WITHDRAWN
    assert inbox(site.jeremy) == []
    assert "The asker withdrew the question “Peroneal tendon soreness”" in titles(site.jeremy)
    # The expert's earlier notification says what happened instead of linking to a 404.
    asked = Notification.objects.get(recipient=site.jeremy, thread_id=question.pk)
    assert (asked.redacted, asked.redacted_note) == (True, "The asker withdrew this question.")
    for reader in (None, site.jeremy, UserFactory()):
        assert client_for(reader).get(question.get_absolute_url()).status_code == 404
        search = client_for(reader).get(reverse("forum:search"), {"q": "peroneal"})
        assert "Peroneal tendon soreness" not in search.text
    # The asker still sees it, marked Withdrawn, with the way back.
    mine = client_for(site.asker).get(reverse("forum:my_questions"))
    assert "Peroneal tendon soreness" in mine.text and "Withdrawn" in mine.text
    page = client_for(site.asker).get(question.get_absolute_url())
    assert "You withdrew this question" in page.text
    assert reverse("forum:ask_again", args=[question.pk]) in page.text


def test_asking_again_puts_the_question_back_with_its_expert(site):
    question = ask(site)
    actions.withdraw_question(question=question, asker=site.asker)

    response = client_for(site.asker).post(reverse("forum:ask_again", args=[question.pk]))

    assert response.status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert (question.status, question.expert, question.withdrawn_from) == (
        S.ADDRESSED,
        site.jeremy,
        "",
    )
    assert inbox(site.jeremy) == [question.pk]
    assert Client().get(question.get_absolute_url()).status_code == HTTPStatus.OK
    asked = Notification.objects.filter(recipient=site.jeremy, thread_id=question.pk)
    assert [n.redacted for n in asked] == [False, False]  # Asked twice, both readable.


def test_asking_again_when_the_expert_went_away_returns_it_to_the_asker(site):
    question = ask(site)
    actions.withdraw_question(question=question, asker=site.asker)
    site.jeremy.expert_profile.accepting_questions = False
    site.jeremy.expert_profile.save()

    client_for(site.asker).post(reverse("forum:ask_again", args=[question.pk]))

    question.refresh_from_db()
    assert question.status == S.RETURNED
    page = client_for(site.asker).get(question.get_absolute_url())
    assert "Jeremy Lanfranco is not taking questions now." in page.text
    assert reverse("forum:reroute", args=[question.pk]) in page.text


def test_a_declined_question_withdrawn_and_asked_again_is_declined_again(site):
    question = ask(site)
    actions.decline_question(question=question, expert=site.jeremy, reason="not_my_area")
    actions.withdraw_question(question=question, asker=site.asker)

    actions.ask_again(question=question, asker=site.asker)

    question.refresh_from_db()
    assert question.status == S.DECLINED


def test_an_expert_cannot_answer_a_withdrawn_question(site):
    question = ask(site)
    actions.withdraw_question(question=question, asker=site.asker)

    response = client_for(site.jeremy).post(
        reverse("forum:answer_question", args=[question.pk]), {"body": "Too late, but here."}
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not question.answers.exists()


def test_a_question_whose_only_answer_was_hidden_can_be_withdrawn(site):
    """A hidden answer does not count as one: its question may still be withdrawn."""
    question = ask(site)
    answer, _ = actions.post_answer(question=question, author=site.jeremy, body="Rest it.")
    actions.hide(item=answer, moderator=ModeratorFactory(), reason="Wrong advice.")
    question.refresh_from_db()
    assert question.status == S.RETURNED

    actions.withdraw_question(question=question, asker=site.asker)

    assert Question.objects.get(pk=question.pk).status == S.WITHDRAWN


def test_a_withdrawn_question_does_not_count_in_the_experts_figures(site):
    kept = ask(site, title="Outer knee pain when running")
    declined = ask(site, title="Hip pain when cycling")
    actions.decline_question(question=declined, expert=site.jeremy, reason="not_my_area")
    site.jeremy.expert_profile.refresh_from_db()
    assert site.jeremy.expert_profile.decline_share == 0.5

    actions.withdraw_question(question=declined, asker=site.asker)

    site.jeremy.expert_profile.refresh_from_db()
    assert site.jeremy.expert_profile.decline_share == 0.0
    assert kept.pk in inbox(site.jeremy)
