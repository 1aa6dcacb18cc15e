"""Canned reasons: moderators keep the list; the reason forms offer it and join pick and text."""

import pytest
from django.urls import reverse

from accounts.models import CannedReason, ReasonUse
from accounts.reasons import ReasonForm
from tests.factories import ModeratorFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("canned_reasons")]


class HideReasonForm(ReasonForm):
    use = ReasonUse.HIDE


def test_there_is_a_starting_list_for_every_use():
    for use in ReasonUse:
        assert CannedReason.objects.filter(use=use).exists(), use


@pytest.mark.parametrize(
    ("canned", "text", "reason"),
    [
        ("Advertising or spam.", "", "Advertising or spam."),
        ("", "Links to a shop.", "Links to a shop."),
        ("Advertising or spam.", "Links to a shop.", "Advertising or spam. Links to a shop."),
        # The script copied the pick into the text and the moderator reworded it.
        ("Advertising or spam.", "Advertising or spam. Twice.", "Advertising or spam. Twice."),
    ],
)
def test_a_reason_is_the_pick_the_text_or_both(canned, text, reason):
    form = HideReasonForm({"canned": canned, "reason": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reason"] == reason


def test_no_reason_at_all_is_refused_with_a_message():
    form = HideReasonForm({"canned": "", "reason": "   "})
    assert not form.is_valid()
    assert "Pick a reason or write one" in str(form.errors["reason"])


def test_a_pick_and_text_too_long_together_are_refused_keeping_the_text():
    form = HideReasonForm({"canned": "x" * 200, "reason": "y" * 200})
    assert not form.is_valid()
    assert "300 characters" in str(form.errors["reason"])
    assert form["reason"].value() == "y" * 200


def test_the_form_offers_the_list_in_the_moderators_order():
    CannedReason.objects.filter(use=ReasonUse.HIDE).delete()
    CannedReason.objects.create(use=ReasonUse.HIDE, text="Second", position=2)
    CannedReason.objects.create(use=ReasonUse.HIDE, text="First", position=1)
    CannedReason.objects.create(use=ReasonUse.LOCK, text="Not for hiding")
    choices = [label for value, label in HideReasonForm().fields["canned"].widget.choices if value]
    assert choices == ["First", "Second"]


def test_moderators_add_edit_and_remove_reasons(client):
    client.force_login(ModeratorFactory())
    response = client.post(
        reverse("moderation:reasons"), {"use": "suspend", "text": "Ban evasion.", "position": 5}
    )
    assert response.status_code == 302
    reason = CannedReason.objects.get(text="Ban evasion.")
    page = client.get(reverse("moderation:reasons"))
    assert "Ban evasion." in page.text
    client.post(
        reverse("moderation:edit_reason", args=[reason.pk]),
        {"use": "suspend", "text": "Evading a suspension.", "position": 5},
    )
    reason.refresh_from_db()
    assert reason.text == "Evading a suspension."
    client.post(reverse("moderation:edit_reason", args=[reason.pk]), {"delete": "1"})
    assert not CannedReason.objects.filter(pk=reason.pk).exists()


def test_an_empty_reason_is_refused_with_a_message(client):
    client.force_login(ModeratorFactory())
    response = client.post(reverse("moderation:reasons"), {"use": "hide", "text": ""})
    assert response.status_code == 200
    assert "This field is required" in response.text


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_only_moderators_see_the_list(client, who):
    if who == "member":
        client.force_login(UserFactory())
    reason = CannedReason.objects.first()
    for url in (reverse("moderation:reasons"), reverse("moderation:edit_reason", args=[reason.pk])):
        response = client.get(url)
        assert response.status_code in (302, 404)
        response = client.post(url, {"delete": "1"})
        assert response.status_code in (302, 404)
    assert CannedReason.objects.filter(pk=reason.pk).exists()
