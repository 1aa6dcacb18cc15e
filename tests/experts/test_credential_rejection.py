"""A moderator rejects a credential with a reason; the expert reads it and corrects the
credential, which goes back to the queue. And the canned reasons of the moderators' other
decisions about experts (refusing an application, suspending an expert)."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.actions import Refused
from accounts.models import AuditEntry, CannedReason, Notification
from experts import actions as expert_actions
from experts.models import Credential
from experts.views.moderation import pending_work
from tests.factories import CredentialFactory, ExpertProfileFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

CANNED = "The link does not lead to the register of the issuer."


@pytest.fixture
def expert(massage):
    return ExpertProfileFactory(user__display_name="Ivy Credence", categories=[massage])


@pytest.fixture
def credential(expert):
    return CredentialFactory(
        profile=expert, title="Diploma in Sports Massage", link="https://example.org/d"
    )


@pytest.fixture
def canned(db):
    return CannedReason.objects.create(use="reject_credential", text=CANNED)


def reject_url(credential):
    return reverse("moderation:reject_credential", args=[credential.pk])


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def credential_rows(expert):
    return {
        "credentials-TOTAL_FORMS": str(expert.credentials.count()),
        "credentials-INITIAL_FORMS": str(expert.credentials.count()),
    }


def test_a_moderator_rejects_a_credential_with_a_canned_reason(
    moderator_client, moderator, expert, credential, canned
):
    page = moderator_client.get(reverse("moderation:expert", args=[expert.pk]))
    assert CANNED in page.text  # offered in the picker

    response = moderator_client.post(reject_url(credential), {"canned": CANNED, "reason": ""})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("moderation:expert", args=[expert.pk])
    credential.refresh_from_db()
    assert credential.rejected_at is not None
    assert (credential.rejected_by, credential.rejection_reason) == (moderator, CANNED)
    assert credential.verified_at is None
    entry = AuditEntry.objects.get(action="reject_credential")
    assert (entry.actor, entry.subject, entry.reason) == (moderator, expert.user, CANNED)
    notice = Notification.objects.get(recipient=expert.user, kind="credential_verified")
    assert "could not be verified" in notice.title
    assert CANNED in notice.body
    page = moderator_client.get(reverse("moderation:expert", args=[expert.pk]), follow=True)
    assert "Rejected" in page.text


def test_the_queue_empties_of_rejected_credentials(moderator_client, moderator, credential):
    other = CredentialFactory(profile=credential.profile, title="Still to check")
    assert set(pending_work()["credentials"]) == {credential, other}

    expert_actions.reject_credential(credential=credential, moderator=moderator, reason="No.")

    assert list(pending_work()["credentials"]) == [other]
    queue = moderator_client.get(reverse("moderation:experts")).text
    assert "Still to check" in queue
    assert "Diploma in Sports Massage" not in queue


def test_the_expert_sees_the_rejection_and_the_reason_beside_the_credential(
    expert, credential, moderator
):
    expert_actions.reject_credential(
        credential=credential, moderator=moderator, reason="The register has no such diploma."
    )

    text = signed_in(expert.user).get(reverse("experts:manage")).text

    assert f'id="credential-{credential.pk}"' in text
    assert "A moderator could not verify this credential" in text
    assert "Reason: The register has no such diploma." in text


def test_correcting_a_rejected_credential_puts_it_back_in_the_queue(expert, credential, moderator):
    expert_actions.reject_credential(credential=credential, moderator=moderator, reason="No.")
    client = signed_in(expert.user)
    data = {
        "action": "profile",
        "headline": expert.headline,
        "expertise": expert.expertise,
        "experience": expert.experience,
        "location": expert.location,
        **credential_rows(expert),
        "credentials-0-id": credential.pk,
        "credentials-0-kind": credential.kind,
        "credentials-0-title": credential.title,
        "credentials-0-issuer": credential.issuer,
        "credentials-0-year": "2011",
        "credentials-0-link": "https://register.example.org/ivy",
    }

    response = client.post(reverse("experts:manage"), data)

    assert response.status_code == HTTPStatus.FOUND
    credential.refresh_from_db()
    assert (credential.rejected_at, credential.rejected_by, credential.rejection_reason) == (
        None,
        None,
        "",
    )
    assert credential in pending_work()["credentials"]
    assert "could not verify" not in client.get(reverse("experts:manage")).text


def test_saving_the_profile_unchanged_keeps_the_rejection(expert, credential, moderator):
    expert_actions.reject_credential(credential=credential, moderator=moderator, reason="No.")
    data = {
        "action": "profile",
        "headline": "A new headline",
        "expertise": expert.expertise,
        **credential_rows(expert),
        "credentials-0-id": credential.pk,
        "credentials-0-kind": credential.kind,
        "credentials-0-title": credential.title,
        "credentials-0-issuer": credential.issuer,
        "credentials-0-year": str(credential.year),
        "credentials-0-link": credential.link,
    }

    signed_in(expert.user).post(reverse("experts:manage"), data)

    credential.refresh_from_db()
    assert credential.rejected_at is not None


def test_a_verified_credential_is_not_rejected_before_its_verification_is_withdrawn(
    moderator_client, moderator, credential
):
    Credential.objects.filter(pk=credential.pk).update(verified_at=timezone.now())
    credential.refresh_from_db()

    page = moderator_client.get(reverse("moderation:expert", args=[credential.profile_id])).text
    assert reject_url(credential) not in page
    response = moderator_client.post(reject_url(credential), {"reason": "Fake."}, follow=True)

    assert "withdraw the verification before rejecting it" in response.text
    credential.refresh_from_db()
    assert credential.rejected_at is None and credential.verified_at is not None
    assert not AuditEntry.objects.filter(action="reject_credential").exists()


def test_a_reason_is_needed_and_nothing_is_lost_without_one(moderator_client, credential):
    response = moderator_client.post(reject_url(credential), {"canned": "", "reason": "  "})

    assert response.status_code == HTTPStatus.OK
    assert "Pick a reason or write one" in response.text
    credential.refresh_from_db()
    assert credential.rejected_at is None


def test_a_second_rejection_changes_nothing(moderator_client, moderator, credential):
    moderator_client.post(reject_url(credential), {"reason": "The link is broken."})
    response = moderator_client.post(reject_url(credential), {"reason": "Again."}, follow=True)

    assert "was rejected already" in response.text
    credential.refresh_from_db()
    assert credential.rejection_reason == "The link is broken."
    assert AuditEntry.objects.filter(action="reject_credential").count() == 1


def test_verifying_a_rejected_credential_clears_the_rejection(moderator, credential):
    expert_actions.reject_credential(credential=credential, moderator=moderator, reason="No.")

    expert_actions.verify_credential(credential=credential, moderator=moderator)

    credential.refresh_from_db()
    assert credential.verified_at is not None
    assert (credential.rejected_at, credential.rejection_reason) == (None, "")


def test_a_get_on_the_reject_url_leads_to_the_expert_and_rejects_nothing(
    moderator_client, credential
):
    response = moderator_client.get(reject_url(credential))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("moderation:expert", args=[credential.profile_id])
    credential.refresh_from_db()
    assert credential.rejected_at is None


@pytest.mark.parametrize("who", ["visitor", "member", "the expert", "suspended moderator"])
def test_only_moderators_reject_credentials(client, expert, credential, who):
    users = {
        "visitor": None,
        "member": UserFactory(),
        "the expert": expert.user,
        "suspended moderator": ModeratorFactory(suspended_at=timezone.now()),
    }
    if users[who] is not None:
        client.force_login(users[who])

    response = client.post(reject_url(credential), {"reason": "Fake."})

    assert response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FOUND)
    if response.status_code == HTTPStatus.FOUND:
        assert "/accounts/login/" in response["Location"]
    credential.refresh_from_db()
    assert credential.rejected_at is None


def test_a_moderator_does_not_reject_their_own_credential(massage):
    moderator = ModeratorFactory()
    own = CredentialFactory(profile=ExpertProfileFactory(user=moderator, categories=[massage]))

    with pytest.raises(Refused, match="not their own"):
        expert_actions.reject_credential(credential=own, moderator=moderator, reason="Mine.")
    response = signed_in(moderator).post(reject_url(own), {"reason": "Mine."}, follow=True)

    assert "not their own" in response.text
    own.refresh_from_db()
    assert own.rejected_at is None


# -- Canned reasons for refusing an application and suspending an expert -------------------------


def test_refusing_an_application_offers_the_canned_reasons(moderator_client, massage):
    CannedReason.objects.create(use="refuse_application", text="Add a qualification we can check.")
    CannedReason.objects.create(use="suspend", text="Not for this form.")
    applicant = ExpertProfileFactory(status="pending", categories=[massage])

    page = moderator_client.get(reverse("moderation:expert", args=[applicant.pk])).text
    assert "Add a qualification we can check." in page
    assert "Not for this form." not in page
    response = moderator_client.post(
        reverse("moderation:refuse_expert", args=[applicant.pk]),
        {"canned": "Add a qualification we can check.", "reason": "A licence number will do."},
        follow=True,
    )

    applicant.refresh_from_db()
    assert applicant.status == "refused"
    assert applicant.refusal_reason == (
        "Add a qualification we can check. A licence number will do."
    )
    assert "they will see your reason" in response.text


def test_suspending_an_expert_offers_the_canned_reasons(moderator_client, expert):
    CannedReason.objects.create(use="suspend", text="Rude to askers.")

    page = moderator_client.get(reverse("moderation:expert", args=[expert.pk])).text
    assert "Rude to askers." in page
    response = moderator_client.post(
        reverse("moderation:suspend_expert", args=[expert.pk]),
        {"canned": "Rude to askers.", "reason": ""},
        follow=True,
    )

    expert.refresh_from_db()
    assert expert.status == "suspended"
    assert AuditEntry.objects.get(action="suspend_expert").reason == "Rude to askers."
    assert "is suspended as an expert" in response.text


def test_a_suspension_without_a_reason_is_refused_with_a_clear_message(moderator_client, expert):
    response = moderator_client.post(
        reverse("moderation:suspend_expert", args=[expert.pk]), {"canned": "", "reason": ""}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Pick a reason or write one" in response.text
    expert.refresh_from_db()
    assert expert.status == "approved"
