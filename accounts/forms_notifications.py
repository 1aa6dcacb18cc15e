from django import forms

from .models import Channel, NotificationKind
from .models.notifications import ALWAYS_ON, MODERATOR_KINDS
from .notifications import preferences
from .roles import in_moderators_group

# Kinds only experts (and applicants: anyone with an expert profile) receive; members are
# not offered them.
EXPERT_KINDS = {
    NotificationKind.QUESTION_ADDRESSED,
    NotificationKind.OPEN_QUESTION,
    NotificationKind.RATING,
    NotificationKind.EXPERT_DECISION,
    NotificationKind.CREDENTIAL_VERIFIED,
}


def has_expert_profile(user) -> bool:
    """An expert or an applicant (the profile comes through the reverse one-to-one, loaded
    with the signed-in user by accounts.backends: accounts imports no expert code)."""
    return hasattr(user, "expert_profile")


class NotificationSettingsForm(forms.Form):
    """One choice of channel per kind of notification, and the daily digest."""

    daily_digest = forms.BooleanField(
        required=False,
        label="Daily digest",
        help_text="One e-mail a day with everything new, instead of one e-mail each time.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        current = preferences(user)
        self.kinds = [
            kind
            for kind in NotificationKind.values
            # Flags and contact messages go to moderators only.
            if (kind not in MODERATOR_KINDS or in_moderators_group(user))
            and (kind not in EXPERT_KINDS or has_expert_profile(user))
        ]
        for kind, label in NotificationKind.choices:
            if kind not in self.kinds:
                continue
            choices = Channel.choices
            if kind in ALWAYS_ON:
                choices = [c for c in Channel.choices if c[0] != Channel.OFF]
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=choices, initial=current[kind]
            )
        self.fields["daily_digest"].initial = user.daily_digest

    def kind_fields(self):
        return [self[kind] for kind in self.kinds]

    def channels(self) -> dict:
        """{kind: channel} as chosen, for accounts.actions.set_notification_preferences."""
        return {kind: self.cleaned_data[kind] for kind in self.kinds}
