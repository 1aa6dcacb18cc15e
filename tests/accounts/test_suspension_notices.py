"""A suspended member is told what happened, where to read about it, and when it is over.

The suspension notice links to the account page, which shows until when, why,
and how to reach the moderators; the ask buttons give way to a note; lifting
the suspension, or its end date passing (manage.py run_lifecycle), sends
"Your suspension has ended", once.
"""

import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.actions import lift_suspension, suspend_user
from accounts.models import AuditEntry, Notification
from tests.factories import CategoryFactory, ExpertProfileFactory

pytestmark = pytest.mark.django_db

REASON = "Insulting another member in a follow-up."


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run an action and what it queues for after its transaction commits (the e-mail)."""

    def run(action, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(**kwargs)

    return run


@pytest.fixture
def suspended(member, moderator, commit):
    until = timezone.now() + timedelta(days=7)
    commit(suspend_user, user=member, moderator=moderator, reason=REASON, until=until)
    member.refresh_from_db()
    return member


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def run_lifecycle():
    out = io.StringIO()
    call_command("run_lifecycle", stdout=out)
    return out.getvalue()


def test_the_suspension_notice_leads_to_an_account_page_that_explains_it(suspended):
    notice = Notification.objects.get(recipient=suspended)
    until = timezone.localtime(suspended.suspended_until)

    page = as_user(suspended).get(notice.url)

    assert notice.url == reverse("accounts:account") + "#suspension"
    text = page.content.decode()
    assert 'id="suspension"' in text
    assert f"Your account is suspended until {until:%-d %B %Y, %H:%M}" in text
    assert REASON in text
    assert f'href="{reverse("contact")}?topic=account"' in text


def test_the_account_page_of_a_member_in_good_standing_says_nothing_of_suspension(member):
    text = as_user(member).get(reverse("accounts:account")).content.decode()

    assert "suspended" not in text


def test_an_indefinite_suspension_says_a_moderator_lifts_it(member, moderator, commit):
    commit(suspend_user, user=member, moderator=moderator, reason=REASON)

    text = as_user(member).get(reverse("accounts:account")).content.decode()

    assert "Your account is suspended until a moderator lifts it" in text


def test_a_suspended_member_is_offered_no_ask_buttons(suspended):
    massage = CategoryFactory(name="Massage", slug="massage")
    expert = ExpertProfileFactory(categories=[massage])
    client = as_user(suspended)
    ask_url = reverse("forum:ask")
    ask_expert_url = reverse("forum:ask_expert", args=[expert.user.handle])

    home = client.get(reverse("home")).content.decode()
    profile = client.get(expert.get_absolute_url()).content.decode()
    category = client.get(massage.get_absolute_url()).content.decode()

    assert f'href="{ask_url}"' not in home
    assert ask_expert_url not in profile
    assert "You can ask again when your suspension ends." in profile
    assert f"{ask_url}?category=" not in category
    assert "You can ask again when your suspension ends." in category


def test_a_member_in_good_standing_still_has_the_ask_buttons(member):
    massage = CategoryFactory(name="Massage", slug="massage")
    expert = ExpertProfileFactory(categories=[massage])
    client = as_user(member)

    home = client.get(reverse("home")).content.decode()
    profile = client.get(expert.get_absolute_url()).content.decode()

    assert f'href="{reverse("forum:ask")}"' in home
    assert reverse("forum:ask_expert", args=[expert.user.handle]) in profile


def test_the_refusal_page_of_a_suspended_member_explains_and_points_to_the_account(suspended):
    response = as_user(suspended).get(reverse("forum:ask"))

    assert response.status_code == HTTPStatus.FORBIDDEN
    text = response.content.decode()
    assert REASON in text
    assert f'href="{reverse("accounts:account")}#suspension"' in text
    assert f'href="{reverse("contact")}?topic=account"' in text


def test_lifting_a_suspension_tells_the_member_by_notice_and_e_mail(suspended, moderator, commit):
    mail.outbox.clear()

    commit(lift_suspension, user=suspended, moderator=moderator)

    assert titles(suspended)[0] == "Your suspension has ended"
    assert [m.subject.endswith("Your suspension has ended") for m in mail.outbox] == [True]
    assert [m.to for m in mail.outbox] == [[suspended.email]]
    text = as_user(suspended).get(reverse("accounts:account")).content.decode()
    assert "Your account is suspended" not in text


def test_a_suspension_whose_end_date_passed_is_ended_by_the_lifecycle_once(suspended):
    suspended.__class__.objects.filter(pk=suspended.pk).update(
        suspended_until=timezone.now() - timedelta(minutes=1)
    )

    first = run_lifecycle()
    second = run_lifecycle()

    assert "1 suspensions ended" in first and "0 suspensions ended" in second
    assert titles(suspended).count("Your suspension has ended") == 1
    assert titles(suspended)[0] == "Your suspension has ended"
    suspended.refresh_from_db()
    assert suspended.suspended_at is None and suspended.suspension_reason == ""
    ended = AuditEntry.objects.filter(subject=suspended, action="lift_suspension").get()
    assert ended.actor is None


def test_the_lifecycle_leaves_suspensions_still_running_alone(suspended, moderator, commit):
    indefinite = ExpertProfileFactory().user
    commit(suspend_user, user=indefinite, moderator=moderator, reason=REASON)

    assert "0 suspensions ended" in run_lifecycle()

    for member in (suspended, indefinite):
        member.refresh_from_db()
        assert member.suspended_at is not None
        assert "Your suspension has ended" not in titles(member)
