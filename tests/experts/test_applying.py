from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from experts.models import CategoryRequest, Credential, ExpertProfile
from tests.factories import (
    CategoryFactory,
    CredentialFactory,
    ExpertProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "30",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def application(categories, credentials=(), **fields):
    return {
        "headline": "Sports massage therapist",
        "expertise": "Muscle and joint pain, recovery from running injuries.",
        "experience": "12 years in a sports clinic.",
        "location": "Sliema, Malta",
        "categories": [c.pk for c in categories],
        **fields,
        **formset("credentials", list(credentials)),
    }


def test_a_member_applies_with_credentials_and_waits_for_a_moderator(
    member_client, member, massage
):
    response = member_client.post(
        reverse("experts:apply"),
        application(
            [massage],
            credentials=[
                {
                    "kind": "education",
                    "title": "Diploma in Sports Massage",
                    "issuer": "ITEC",
                    "year": "2012",
                    "link": "https://example.org/diploma",
                },
                {
                    "kind": "organization",
                    "title": "British School of Yoga Associate",
                    "issuer": "",
                    "year": "",
                    "link": "",
                },
            ],
        ),
    )

    assert response.status_code == HTTPStatus.FOUND
    profile = ExpertProfile.objects.get(user=member)
    assert profile.status == "pending"
    assert list(profile.categories.all()) == [massage]
    assert sorted(profile.credentials.values_list("title", flat=True)) == [
        "British School of Yoga Associate",
        "Diploma in Sports Massage",
    ]
    page = member_client.get(reverse("experts:apply"))
    assert "waiting for a moderator" in page.text
    assert Client().get(profile.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_an_application_needs_the_essentials_and_keeps_what_was_typed(member_client, member):
    response = member_client.post(
        reverse("experts:apply"), application([], expertise="", headline="Keep me")
    )

    assert response.status_code == HTTPStatus.OK
    assert "This field is required." in response.text
    assert 'value="Keep me"' in response.text
    assert not ExpertProfile.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [("year", "1850", "between 1900 and 2100"), ("link", "javascript:alert(1)", "valid URL")],
)
def test_bad_credentials_are_refused(member_client, massage, field, value, error):
    row = {"kind": "award", "title": "Best therapist", "issuer": "", "year": "", "link": ""}
    row[field] = value

    response = member_client.post(reverse("experts:apply"), application([massage], [row]))

    assert error in response.text
    assert not ExpertProfile.objects.exists()


def test_an_unverified_member_cannot_apply(client, massage):
    client.force_login(UserFactory(verified=False))

    client.post(reverse("experts:apply"), application([massage]))

    assert not ExpertProfile.objects.exists()


def test_a_refused_applicant_sees_the_reason_and_may_apply_again(client, massage):
    profile = ExpertProfileFactory(
        status="refused", refusal_reason="Please add your qualifications.", categories=[massage]
    )
    client.force_login(profile.user)

    page = client.get(reverse("experts:apply"))
    assert "Please add your qualifications." in page.text
    client.post(reverse("experts:apply"), application([massage]))

    profile.refresh_from_db()
    assert profile.status == "pending"
    assert profile.refusal_reason == ""


class TestManaging:
    @pytest.fixture
    def expert(self, massage):
        return ExpertProfileFactory(categories=[massage])

    @pytest.fixture
    def expert_client(self, client, expert):
        client.force_login(expert.user)
        return client

    def test_availability_vacation_and_daily_limit(self, expert_client, expert):
        back = timezone.localdate() + timedelta(days=10)
        response = expert_client.post(
            reverse("experts:manage"),
            {
                "action": "availability",
                "accepting_questions": "",
                "away_until": back.isoformat(),
                "daily_question_limit": "1",
                "time_zone": "America/New_York",
            },
        )

        assert response.status_code == HTTPStatus.FOUND
        expert.refresh_from_db()
        assert not expert.accepting_questions
        assert expert.away_until == back
        assert (expert.daily_question_limit, expert.time_zone) == (1, "America/New_York")
        assert f"Away until {back:%-d %B}" in Client().get(expert.get_absolute_url()).text

    @pytest.mark.parametrize("limit", ["0", "101", "-1", "x"])
    def test_a_daily_limit_out_of_range_is_refused(self, expert_client, expert, limit):
        response = expert_client.post(
            reverse("experts:manage"),
            {
                "action": "availability",
                "accepting_questions": "on",
                "daily_question_limit": limit,
                "time_zone": "UTC",
            },
        )

        assert response.status_code == HTTPStatus.OK
        expert.refresh_from_db()
        assert expert.daily_question_limit == 5

    def test_a_material_change_to_a_credential_drops_its_verified_mark(
        self, expert_client, expert, moderator
    ):
        from django.utils import timezone

        kept = CredentialFactory(profile=expert, title="Kept", verified_at=timezone.now())
        changed = CredentialFactory(profile=expert, title="Changed", verified_at=timezone.now())
        rows = [
            {
                "id": str(c.pk),
                "kind": c.kind,
                "title": c.title,
                "issuer": c.issuer,
                "year": str(c.year),
                "link": "",
            }
            for c in (kept, changed)
        ]
        rows[1]["title"] = "Changed to something grander"
        data = {
            "action": "profile",
            "headline": expert.headline,
            "expertise": expert.expertise,
            "experience": expert.experience,
            "location": expert.location,
            **formset("credentials", rows, initial=2),
        }

        response = expert_client.post(reverse("experts:manage"), data)

        assert response.status_code == HTTPStatus.FOUND
        assert Credential.objects.get(pk=kept.pk).verified_at is not None
        changed = Credential.objects.get(pk=changed.pk)
        assert changed.title == "Changed to something grander"
        assert changed.verified_at is None

    def test_adding_a_category_waits_for_a_moderator_removing_does_not(
        self, expert_client, expert, massage
    ):
        yoga = CategoryFactory(name="Yoga")

        expert_client.post(
            reverse("experts:manage"), {"action": "categories", "categories": [yoga.pk]}
        )
        assert list(expert.categories.all()) == [massage]
        assert CategoryRequest.objects.get().category == yoga

        expert_client.post(
            reverse("experts:manage"), {"action": "remove_category", "category": str(massage.pk)}
        )
        assert not expert.categories.exists()

    def test_a_pending_applicant_is_sent_to_the_application(self, client, massage):
        pending = ExpertProfileFactory(status="pending")
        client.force_login(pending.user)

        response = client.get(reverse("experts:manage"))

        assert response["Location"] == reverse("experts:apply")


def test_an_expert_chooses_open_question_alerts_among_their_categories(client, massage):
    expert = ExpertProfileFactory(categories=[massage])
    law = CategoryFactory(name="Law")
    client.force_login(expert.user)

    client.post(reverse("experts:manage"), {"action": "alerts", "alert_categories": [massage.pk]})
    assert list(expert.alert_categories.all()) == [massage]

    response = client.post(
        reverse("experts:manage"), {"action": "alerts", "alert_categories": [law.pk]}
    )
    assert "Select a valid choice" in response.text
    client.post(reverse("experts:manage"), {"action": "alerts"})
    assert not expert.alert_categories.exists()
