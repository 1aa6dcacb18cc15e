"""A suspended expert is told, with the moderator's reason, and is told again when restored.

Their own page (/experts/me/) and their inbox show the suspension and its
reason; nobody with an expert profile, suspended or not, is invited to apply.
"""

from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.actions import set_notification_preferences
from accounts.models import Channel, Notification, NotificationKind
from tests.factories import ExpertProfileFactory

pytestmark = pytest.mark.django_db

REASON = "Copied answers from another site without saying so."


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def expert(massage):
    return ExpertProfileFactory(categories=[massage], user__display_name="Jeremy Lanfranco")


@pytest.fixture
def decide(moderator_client, django_capture_on_commit_callbacks):
    """A moderator's decision through the moderation page, with what it sends on commit."""

    def post(name, profile, reason=""):
        with django_capture_on_commit_callbacks(execute=True):
            response = moderator_client.post(
                reverse(f"moderation:{name}", args=[profile.pk]), {"reason": reason}
            )
        assert response.status_code == HTTPStatus.FOUND
        profile.refresh_from_db()
        return profile

    return post


def latest(user):
    return Notification.objects.filter(recipient=user).first()


def test_suspending_an_expert_tells_them_why_on_the_site_and_by_e_mail(expert, decide):
    decide("suspend_expert", expert, REASON)

    notice = latest(expert.user)
    assert notice.title == "Your expert profile is suspended"
    assert REASON in notice.body
    assert notice.url == reverse("experts:manage")
    assert [m.to for m in mail.outbox] == [[expert.user.email]]
    assert mail.outbox[0].subject.endswith("Your expert profile is suspended")
    assert REASON in mail.outbox[0].body


def test_an_expert_who_wants_no_e_mail_still_sees_the_suspension_on_the_site(expert, decide):
    set_notification_preferences(
        user=expert.user,
        channels={kind: Channel.ONSITE for kind in NotificationKind.values},
        daily_digest=False,
    )

    decide("suspend_expert", expert, REASON)

    assert latest(expert.user).title == "Your expert profile is suspended"
    assert mail.outbox == []


def test_the_expert_page_shows_the_suspension_and_its_reason(expert, decide):
    decide("suspend_expert", expert, REASON)

    text = as_user(expert.user).get(reverse("experts:manage")).content.decode()

    assert "Your expert profile is suspended" in text
    assert REASON in text
    assert f'href="{reverse("contact")}?topic=experts"' in text


def test_a_suspended_expert_s_inbox_shows_the_suspension_not_an_invitation_to_apply(expert, decide):
    decide("suspend_expert", expert, REASON)

    text = as_user(expert.user).get(reverse("forum:inbox")).content.decode()

    assert "Your expert profile is suspended" in text
    assert REASON in text
    assert "Apply to be an expert" not in text
    assert "Become an expert" not in text


def test_restoring_an_expert_tells_them_with_the_moderator_s_note(expert, decide):
    decide("suspend_expert", expert, REASON)
    mail.outbox.clear()

    decide("restore_expert", expert, "Thank you for fixing the sources.")

    notice = latest(expert.user)
    assert notice.title == "Your expert profile is restored"
    assert "Thank you for fixing the sources." in notice.body
    assert [m.subject.endswith("Your expert profile is restored") for m in mail.outbox] == [True]
    page = as_user(expert.user).get(reverse("experts:manage")).content.decode()
    assert REASON not in page and "is suspended" not in page


@pytest.mark.parametrize(
    ("status", "says"),
    [
        ("pending", "Your expert application is waiting for a moderator."),
        ("refused", "Your expert application was not approved."),
    ],
)
def test_an_applicant_s_inbox_says_where_the_application_stands(massage, status, says):
    applicant = ExpertProfileFactory(status=status, approved_at=None, categories=[massage])

    text = as_user(applicant.user).get(reverse("forum:inbox")).content.decode()

    assert says in text
    assert "Apply to be an expert" not in text


def test_a_member_without_a_profile_is_still_invited_to_apply(member_client):
    text = member_client.get(reverse("forum:inbox")).content.decode()

    assert "Apply to be an expert" in text
