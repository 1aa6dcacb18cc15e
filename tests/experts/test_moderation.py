import uuid
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry
from experts.models import CategoryRequest
from tests.experts.test_applying import application
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    CredentialFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(massage):
    return ExpertProfileFactory(
        status="pending", approved_at=None, user__display_name="Maria Borg", categories=[massage]
    )


MODERATION_PAGES = [
    ("moderation:queue", {}),
    ("moderation:experts", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), MODERATION_PAGES)
def test_moderation_pages_do_not_exist_for_members(client, member, name, kwargs):
    client.force_login(member)

    assert client.get(reverse(name, kwargs=kwargs)).status_code == HTTPStatus.NOT_FOUND


def test_a_moderator_without_two_factor_authentication_is_sent_to_set_it_up(client):
    client.force_login(ModeratorFactory(mfa=False))

    response = client.get(reverse("moderation:queue"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("moderation:two_factor") + "?next=%2Fmoderation%2F"


def test_members_cannot_decide_anything(client, member, applicant):
    client.force_login(member)

    response = client.post(reverse("moderation:approve_expert", args=[applicant.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    applicant.refresh_from_db()
    assert applicant.status == "pending"


def test_the_queue_lists_applications_credentials_and_category_requests(
    moderator_client, applicant, massage
):
    approved = ExpertProfileFactory(categories=[massage])
    CredentialFactory(profile=approved, title="Licence to check")
    CategoryRequest.objects.create(profile=approved, category=CategoryFactory(name="Yoga"))

    html = moderator_client.get(reverse("moderation:queue")).text

    assert "Maria Borg" in html
    assert "Licence to check" in html
    assert "asks to answer in <strong>Yoga</strong>" in html


def test_queue_queries_do_not_grow(moderator_client, massage, django_assert_num_queries):
    """Guards against N+1 queries over applicants, credentials and requests."""
    ExpertProfileFactory(status="pending", categories=[massage])
    moderator_client.get(reverse("moderation:queue"))  # counts the pending work, kept a while
    with django_assert_num_queries(12):
        moderator_client.get(reverse("moderation:queue"))
    for _ in range(10):
        ExpertProfileFactory(status="pending", categories=[massage])
        CredentialFactory(profile=ExpertProfileFactory())
    with django_assert_num_queries(12):
        moderator_client.get(reverse("moderation:queue"))


def test_approving_makes_the_profile_public_and_lets_the_expert_answer(
    moderator_client, moderator, applicant, massage
):
    question = QuestionFactory(category=massage)

    moderator_client.post(reverse("moderation:approve_expert", args=[applicant.pk]))

    applicant.refresh_from_db()
    assert applicant.status == "approved"
    assert applicant.approved_at is not None
    entry = AuditEntry.objects.get(subject=applicant.user)
    assert (entry.action, entry.actor) == ("approve_expert", moderator)
    assert entry.target_type == "experts.expertprofile"
    assert Client().get(applicant.get_absolute_url()).status_code == HTTPStatus.OK
    expert = Client()
    expert.force_login(applicant.user)
    expert.post(reverse("forum:answer_question", args=[question.pk]), {"body": "Rest it."})
    assert question.answers.filter(author=applicant.user).exists()


def test_refusing_needs_a_reason_the_applicant_sees(moderator_client, applicant):
    response = moderator_client.post(reverse("moderation:refuse_expert", args=[applicant.pk]), {})
    assert "Pick a reason or write one" in response.text
    applicant.refresh_from_db()
    assert applicant.status == "pending"

    moderator_client.post(
        reverse("moderation:refuse_expert", args=[applicant.pk]),
        {"reason": "Please list a qualification we can check."},
    )

    applicant.refresh_from_db()
    assert applicant.status == "refused"
    own = Client()
    own.force_login(applicant.user)
    assert "Please list a qualification we can check." in own.get(reverse("experts:apply")).text


def test_suspending_hides_the_expert_and_restoring_brings_them_back(moderator_client, massage):
    expert = ExpertProfileFactory(categories=[massage])
    AnswerFactory(author=expert.user, question__category=massage, question__title="Old answer")

    moderator_client.post(
        reverse("moderation:suspend_expert", args=[expert.pk]), {"reason": "Rude answers"}
    )
    expert.refresh_from_db()
    assert expert.status == "suspended"
    visitor = Client()
    assert visitor.get(expert.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert expert.user.display_name not in visitor.get(reverse("experts:directory")).text
    question = QuestionFactory(category=massage)
    own = Client()
    own.force_login(expert.user)
    response = own.post(reverse("forum:answer_question", args=[question.pk]), {"body": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN

    moderator_client.post(reverse("moderation:restore_expert", args=[expert.pk]), {"reason": ""})
    expert.refresh_from_db()
    assert expert.status == "approved"
    actions = list(AuditEntry.objects.filter(subject=expert.user).values_list("action", flat=True))
    assert actions == ["restore_expert", "suspend_expert"]


def test_a_verified_credential_shows_its_date_on_the_profile_and_every_answer(
    moderator_client, massage
):
    expert = ExpertProfileFactory(categories=[massage], user__display_name="Jeremy Lanfranco")
    credential = CredentialFactory(
        profile=expert, kind="organization", title="British School of Yoga Associate"
    )
    answer = AnswerFactory(author=expert.user, question__category=massage)

    moderator_client.post(
        reverse("moderation:verify_credential", args=[credential.pk]), {"verified": "1"}
    )

    credential.refresh_from_db()
    assert credential.verified_at is not None
    date = credential.verified_at.strftime("%-d %b %Y")
    visitor = Client()
    assert f"Verified {date}" in visitor.get(expert.get_absolute_url()).text
    thread = visitor.get(answer.question.get_absolute_url()).text
    assert f"Verified: British School of Yoga Associate, {date}" in thread


def test_category_requests_are_approved_or_refused(moderator_client, massage):
    expert = ExpertProfileFactory(categories=[massage])
    yoga, law = CategoryFactory(name="Yoga"), CategoryFactory(name="Law")
    approve = CategoryRequest.objects.create(profile=expert, category=yoga)
    refuse = CategoryRequest.objects.create(profile=expert, category=law)

    moderator_client.post(
        reverse("moderation:decide_category", args=[approve.pk]), {"decision": "approve"}
    )
    moderator_client.post(
        reverse("moderation:decide_category", args=[refuse.pk]), {"decision": "refuse"}
    )

    assert set(expert.categories.all()) == {massage, yoga}
    refuse.refresh_from_db()
    assert refuse.status == "refused"


def test_a_new_expert_with_a_daily_limit_of_one(moderator_client, massage):
    """The issue's walk-through: apply, approval, limit 1, then vacation."""
    applicant_user = UserFactory(display_name="Maria Borg")
    applicant = Client()
    applicant.force_login(applicant_user)
    applicant.post(reverse("experts:apply"), application([massage]))
    profile = applicant_user.expert_profile
    moderator_client.post(reverse("moderation:approve_expert", args=[profile.pk]))
    applicant.post(
        reverse("experts:manage"),
        {
            "action": "availability",
            "accepting_questions": "on",
            "daily_question_limit": "1",
            "time_zone": "Europe/Malta",
        },
    )

    asker = Client()
    asker.force_login(UserFactory())

    def ask(title):
        return asker.post(
            reverse("forum:ask_expert", args=[applicant_user.handle]),
            {
                "category": massage.pk,
                "expert": profile.pk,
                "title": title,
                "body": "Details of my question.",
                "visibility": "public",
                "submission_key": str(uuid.uuid4()),
            },
        )

    assert ask("My first question today").status_code == HTTPStatus.FOUND
    second = ask("My second question today")
    assert second.status_code == HTTPStatus.OK
    assert "has reached today's limit of questions" in second.text

    applicant.post(
        reverse("experts:manage"),
        {
            "action": "availability",
            "accepting_questions": "",
            "daily_question_limit": "5",
            "time_zone": "Europe/Malta",
        },
    )
    form = asker.get(reverse("forum:ask") + f"?category={massage.path}")
    labels = [str(label) for _, label in form.context["form"].fields["expert"].choices]
    assert not any("Maria Borg" in label for label in labels)


def test_a_get_on_a_decision_url_leads_to_the_expert_not_a_blank_page(client, applicant):
    # A reload after a decision, or a bookmark: the moderator lands on the expert's page,
    # and nothing is decided by it.
    client.force_login(ModeratorFactory())
    credential = CredentialFactory(profile=applicant)
    expert_page = reverse("moderation:expert", kwargs={"pk": applicant.pk})

    for name, pk in [("approve_expert", applicant.pk), ("suspend_expert", applicant.pk),
                     ("verify_credential", credential.pk)]:  # fmt: skip
        response = client.get(reverse(f"moderation:{name}", kwargs={"pk": pk}))
        assert (response.status_code, response["Location"]) == (HTTPStatus.FOUND, expert_page)

    applicant.refresh_from_db()
    credential.refresh_from_db()
    assert applicant.status == "pending" and credential.verified_at is None


def test_a_get_on_a_decision_url_is_still_a_404_for_members(client, member, applicant):
    client.force_login(member)

    response = client.get(reverse("moderation:approve_expert", kwargs={"pk": applicant.pk}))

    assert response.status_code == HTTPStatus.NOT_FOUND
