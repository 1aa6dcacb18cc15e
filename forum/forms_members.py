"""Forms of the moderators' member tools and the audit log's filters."""

from datetime import date

from django import forms

from accounts.actions import MAX_NOTE_LENGTH
from accounts.models import AuditAction, ReasonUse
from accounts.reasons import MAX_REASON_LENGTH, ReasonForm


class WarnForm(ReasonForm):
    """A warning before any suspension; the suspension reasons suit it, reworded or not."""

    use = ReasonUse.SUSPEND
    reason_label = "Warning"
    reason_help = "The member reads this as a notice from the moderators."


class LiftForm(forms.Form):
    reason = forms.CharField(
        label="Note to the member",
        required=False,
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional. The member reads it in the notice that they can post again.",
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Note",
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only moderators read notes: the member is never told or shown them.",
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write the note.")
        return body


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, handle or e-mail",
        required=False,
        max_length=254,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "autocapitalize": "none"}
        ),
    )


# Dates outside these are typing slips, and would overflow the day arithmetic.
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)


def _date_input():
    # The browser's own date picker; its value is always ISO, whatever the locale.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    """The audit log's filters: every field optional, a bad one is said and left out."""

    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices]
    )
    actor = forms.CharField(label="Moderator handle", required=False, max_length=31)
    subject = forms.CharField(label="Member handle", required=False, max_length=31)
    since = forms.DateField(label="From", required=False, widget=_date_input())
    until = forms.DateField(label="To", required=False, widget=_date_input())

    def clean_actor(self):
        return self.cleaned_data["actor"].strip().lstrip("@").lower()

    def clean_subject(self):
        return self.cleaned_data["subject"].strip().lstrip("@").lower()

    def _clean_date(self, name):
        value = self.cleaned_data[name]
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(
                f"Enter a date between {EARLIEST:%-d %B %Y} and {LATEST:%-d %B %Y}."
            )
        return value

    def clean_since(self):
        return self._clean_date("since")

    def clean_until(self):
        return self._clean_date("until")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date comes before the start date.")
        return cleaned
