"""The admin is for staff emergencies, not a back door around the actions.

Content (text, visibility, hidden, status, expert) cannot be changed there;
nothing that posts, decisions or the audit log point at can be deleted; the
changes staff may make (categories, accounts) go through their actions, with
an audit row, and the pages and search follow them.
"""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from accounts.actions import suspend_user
from accounts.models import AuditEntry
from accounts.roles import MODERATORS_GROUP
from config import pagecache
from forum.models import Answer, Question
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    CredentialFactory,
    ExpertProfileFactory,
    FollowUpFactory,
    ModeratorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    """A superuser: every admin permission Django has, so only our rules stop them."""
    user = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def answer():
    return AnswerFactory(question__title="Knee pain after cycling", body="Raise the saddle.")


def visitor_finds(word):
    response = Client().get(reverse("forum:search"), {"q": word})
    return [hit.question.title for hit in response.context["hits"]]


def test_a_question_cannot_be_made_private_or_hidden_in_the_admin(staff, answer):
    question = answer.question
    url = reverse("admin:forum_question_change", args=[question.pk])

    page = staff.get(url)
    forged = staff.post(
        url,
        {
            "title": "Changed",
            "visibility": "private",
            "is_hidden": "on",
            "status": "resolved",
            "expert": UserFactory().pk,
        },
    )

    assert page.status_code == HTTPStatus.OK
    assert 'name="visibility"' not in page.text  # shown, read-only
    assert forged.status_code == HTTPStatus.FORBIDDEN
    question.refresh_from_db()
    assert (question.title, question.visibility, question.is_hidden, question.status) == (
        "Knee pain after cycling",
        "public",
        False,
        "answered",
    )
    assert visitor_finds("saddle") == ["Knee pain after cycling"]


def test_an_answer_cannot_be_hidden_or_edited_in_the_admin(staff, answer):
    url = reverse("admin:forum_answer_change", args=[answer.pk])

    response = staff.post(url, {"body": "Edited behind everyone's back", "is_hidden": "on"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    answer.refresh_from_db()
    assert (answer.body, answer.is_hidden) == ("Raise the saddle.", False)
    assert not answer.revisions.exists()


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("forum_question", lambda: AnswerFactory().question),
        ("forum_answer", lambda: AnswerFactory()),
        ("forum_followup", lambda: FollowUpFactory()),
        ("accounts_user", lambda: UserFactory()),
        ("experts_expertprofile", lambda: ExpertProfileFactory()),
        ("experts_credential", lambda: CredentialFactory()),
        ("forum_category", lambda: CategoryFactory()),
    ],
)
def test_nothing_is_deleted_in_the_admin(staff, model, make):
    obj = make()

    page = staff.get(reverse(f"admin:{model}_delete", args=[obj.pk]))
    response = staff.post(reverse(f"admin:{model}_delete", args=[obj.pk]), {"post": "yes"})

    assert page.status_code == response.status_code == HTTPStatus.FORBIDDEN
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_adding_content_in_the_admin_is_not_offered(staff):
    for model in ("forum_question", "forum_answer", "forum_flag", "experts_expertprofile"):
        assert staff.get(reverse(f"admin:{model}_add")).status_code == HTTPStatus.FORBIDDEN


def test_the_audit_log_keeps_who_acted_after_a_rename_and_forbids_deleting_them():
    moderator = ModeratorFactory(display_name="Maria Moderator")
    member = UserFactory(display_name="Sam Member")
    suspend_user(user=member, moderator=moderator, reason="Spam")

    moderator.display_name = "Someone Else"
    moderator.save()

    entry = AuditEntry.objects.get()
    assert (entry.actor_name, entry.subject_name) == ("Maria Moderator", "Sam Member")
    assert str(entry).startswith("Maria Moderator suspended")
    with pytest.raises(ProtectedError):
        moderator.delete()


def test_renaming_a_category_in_the_admin_is_audited_and_search_follows(staff, answer):
    category = answer.question.category
    child = CategoryFactory(parent=category, slug="child")
    before = pagecache.generation()

    response = staff.post(
        reverse("admin:forum_category_change", args=[category.pk]),
        {"name": "Cycling", "slug": "cycling", "description": "", "position": 0},
    )

    assert response.status_code == HTTPStatus.FOUND
    category.refresh_from_db()
    child.refresh_from_db()
    assert (category.path, child.path) == ("cycling", "cycling/child")
    entry = AuditEntry.objects.get(action="edit_category")
    assert entry.actor == staff.user
    assert pagecache.generation() > before
    found = Client().get(reverse("forum:search"), {"q": "saddle", "category": "cycling"})
    assert [hit.question.title for hit in found.context["hits"]] == ["Knee pain after cycling"]


def test_changing_an_account_in_the_admin_is_audited(staff):
    member = UserFactory(display_name="Old Name")
    url = reverse("admin:accounts_user_change", args=[member.pk])
    form = staff.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }

    response = staff.post(url, {**data, "display_name": "New Name", "is_active": ""})

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert (member.display_name, member.is_active) == ("New Name", False)
    entry = AuditEntry.objects.get(action="staff_edit_user")
    assert entry.subject == member
    assert "display_name" in entry.after["changed"] and "is_active" in entry.after["changed"]


def test_content_models_stay_readable_for_staff(staff, answer):
    for model, obj in (("forum_question", answer.question), ("forum_answer", answer)):
        response = staff.get(reverse(f"admin:{model}_change", args=[obj.pk]))
        assert response.status_code == HTTPStatus.OK
        assert "Raise the saddle." in response.text
    assert Question.objects.count() == Answer.objects.count() == 1


def test_the_moderators_group_cannot_be_renamed_or_deleted(staff):
    group = Group.objects.get(name=MODERATORS_GROUP)

    rename = staff.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "Anyone"})
    delete = staff.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"})

    assert rename.status_code == delete.status_code == HTTPStatus.FORBIDDEN
    assert Group.objects.filter(name=MODERATORS_GROUP).exists()
