"""The contact form reaches every moderator, keeps what was typed, and is rate-limited."""

import uuid
from http import HTTPStatus

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts.forms_notifications import NotificationSettingsForm
from accounts.models import ContactMessage, Notification, NotificationKind
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


def visitor_message(**overrides):
    return {
        "name": "Ann Visitor",
        "email": "ann@example.com",
        "topic": "question",
        "subject": "How do ratings work?",
        "body": "I rated an answer by mistake.\n\nCan I change it?",
        "submission_key": str(uuid.uuid4()),
        **overrides,
    }


def test_a_visitor_reaches_every_moderator_and_is_thanked(client):
    first, second = ModeratorFactory(), ModeratorFactory()
    without_two_factor = ModeratorFactory(mfa=False)
    member = UserFactory()

    response = client.post(reverse("contact"), visitor_message(), follow=True)

    assert response.redirect_chain == [(reverse("contact"), HTTPStatus.FOUND)]
    assert "your message reached the moderators" in response.content.decode()
    message = ContactMessage.objects.get()
    assert (message.email, message.name, message.sender) == ("ann@example.com", "Ann Visitor", None)
    assert message.body == "I rated an answer by mistake.\n\nCan I change it?"
    told = Notification.objects.filter(kind=NotificationKind.CONTACT)
    assert set(told.values_list("recipient", flat=True)) == {first.pk, second.pk}
    assert {n.url for n in told} == {message.get_absolute_url()}
    assert "How do ratings work?" in told[0].title and "ann@example.com" in told[0].body
    assert not Notification.objects.filter(recipient__in=[without_two_factor, member]).exists()


def test_a_member_does_not_type_their_address_it_is_known(client):
    ModeratorFactory()
    member = UserFactory(display_name="Maria Member")
    client.force_login(member)

    page = client.get(reverse("contact")).content.decode()
    client.post(reverse("contact"), visitor_message(email="", name=""))

    assert 'name="email"' not in page and member.email in page
    message = ContactMessage.objects.get()
    assert (message.email, message.name, message.sender) == (member.email, "Maria Member", member)


def test_a_mistake_keeps_everything_typed_and_sends_nothing(client):
    ModeratorFactory()

    response = client.post(reverse("contact"), visitor_message(email="not an address"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Your message was not sent yet." in html
    assert "Enter a valid email address." in html
    assert "I rated an answer by mistake.\n\nCan I change it?</textarea>" in html
    assert 'value="How do ratings work?"' in html
    assert not ContactMessage.objects.exists() and not Notification.objects.exists()


def test_the_same_form_sent_twice_is_one_message(client):
    ModeratorFactory()
    data = visitor_message()

    client.post(reverse("contact"), data)
    client.post(reverse("contact"), data)

    assert ContactMessage.objects.count() == 1
    assert Notification.objects.count() == 1


@override_settings(CONTACT_RATE="2/h")
def test_the_form_is_rate_limited_per_address_and_keeps_the_text(client):
    for n in range(2):
        client.post(reverse("contact"), visitor_message(subject=f"Message {n}"))

    refused = client.post(reverse("contact"), visitor_message(subject="One too many"))

    html = refused.content.decode()
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "2 per hour" in html and 'value="One too many"' in html
    assert "Can I change it?</textarea>" in html
    assert ContactMessage.objects.count() == 2
    # Someone else, elsewhere, is not held back by it.
    other = Client(REMOTE_ADDR="203.0.113.9")
    other.post(reverse("contact"), visitor_message(subject="From elsewhere"))
    assert ContactMessage.objects.filter(subject="From elsewhere").exists()


def test_the_form_needs_its_csrf_token():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("contact"), visitor_message())

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not ContactMessage.objects.exists()


def test_the_topic_can_be_chosen_by_the_link(client):
    html = client.get(reverse("contact"), {"topic": "privacy"}).content.decode()

    assert '<option value="privacy" selected>' in html


# -- The moderators' side ------------------------------------------------------------------------


@pytest.fixture
def sent(client):
    client.post(reverse("contact"), visitor_message(subject=HOSTILE, body=f"Body {HOSTILE}"))
    return ContactMessage.objects.get()


def test_the_contact_pages_do_not_exist_for_members(sent):
    member = Client()
    member.force_login(UserFactory())
    suspended = ModeratorFactory(suspended_at="2026-01-01T00:00Z")
    suspended_client = Client()
    suspended_client.force_login(suspended)

    for client in (member, suspended_client):
        for url in (
            reverse("moderation:contact_messages"),
            sent.get_absolute_url(),
            reverse("moderation:handle_contact_message", args=[sent.pk]),
        ):
            assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
        assert (
            client.post(
                reverse("moderation:handle_contact_message", args=[sent.pk]), {"handled": "1"}
            ).status_code
            == HTTPStatus.NOT_FOUND
        )
    sent.refresh_from_db()
    assert sent.read_at is None and sent.handled_at is None
    # A visitor is asked to sign in first, as on every moderation page.
    response = Client().get(reverse("moderation:contact_messages"))
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]


def test_moderators_read_then_handle_a_message_with_hostile_text_escaped(sent):
    moderator = ModeratorFactory(display_name="Mo Derator")
    client = Client()
    client.force_login(moderator)
    listing = reverse("moderation:contact_messages")

    page = client.get(listing).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script>alert" not in page and "&amp;lt;" not in page
    assert ">New</span>" in page
    assert f'href="{listing}"' in client.get(reverse("moderation:queue")).content.decode()

    detail = client.get(sent.get_absolute_url()).content.decode()
    assert "Body &lt;script&gt;" in detail and "<script>alert" not in detail
    assert "mailto:ann@example.com" in detail
    assert ">Read</span>" in client.get(listing).content.decode()

    response = client.post(
        reverse("moderation:handle_contact_message", args=[sent.pk]), {"handled": "1"}
    )
    assert response.status_code == HTTPStatus.FOUND
    sent.refresh_from_db()
    assert sent.handled_by == moderator and sent.handled_at is not None
    assert "Nothing to handle" in client.get(listing).content.decode()
    handled = client.get(listing, {"show": "handled"}).content.decode()
    assert "Handled by Mo Derator" in handled

    client.post(reverse("moderation:handle_contact_message", args=[sent.pk]), {"handled": "0"})
    sent.refresh_from_db()
    assert sent.handled_at is None and sent.read_at is not None


def test_a_get_on_the_handle_url_leads_to_the_message(sent, moderator_client):
    url = reverse("moderation:handle_contact_message", args=[sent.pk])

    response = moderator_client.get(url)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == sent.get_absolute_url()


def test_only_moderators_are_offered_contact_notification_settings():
    moderator, member = ModeratorFactory(), UserFactory()

    assert NotificationKind.CONTACT in NotificationSettingsForm(user=moderator).kinds
    assert NotificationKind.CONTACT not in NotificationSettingsForm(user=member).kinds


def test_moderators_get_it_by_e_mail_once_it_is_stored(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    moderator = ModeratorFactory()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("contact"), visitor_message(subject=HOSTILE))

    assert [m.to for m in mailoutbox] == [[moderator.email]]
    email = mailoutbox[0]
    assert "Contact form: <script>" in email.subject
    assert "ann@example.com" in email.body and "&lt;" not in email.body
    assert ContactMessage.objects.get().get_absolute_url() in email.body
