"""Forms of flagging and moderation."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from accounts.models import ReasonUse
from accounts.reasons import ReasonForm

from .forms import CategoryChoiceField, markdown_widget
from .markdown import MAX_BODY_LENGTH, validate_markdown
from .models import Category, FlagReason


class FlagForm(forms.Form):
    reason = forms.ChoiceField(choices=FlagReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional; required for “Other”. Only moderators read it.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == FlagReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", "Tell the moderators what is wrong when you choose “Other”.")
        return cleaned


class HideForm(ReasonForm):
    use = ReasonUse.HIDE
    reason_label = "Reason for hiding"
    reason_help = "The author sees this reason."


class KeepHiddenForm(HideForm):
    reason_label = "Why it stays hidden"


class RequireDisclosureForm(HideForm):
    """Why an answer needs a conflict-of-interest disclosure (hiding's canned reasons)."""

    reason_label = "What interest it should disclose"
    reason_help = "The expert sees this, with how to add a disclosure."


class LockForm(ReasonForm):
    use = ReasonUse.LOCK
    reason_label = "Reason for locking"
    reason_help = "The asker and the experts of the thread are told."


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, widget=forms.TextInput)


class QuestionEditForm(forms.Form):
    # The version the text was read at: a save based on an older one is a conflict.
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(max_length=200)
    category = CategoryChoiceField(queryset=Category.objects.order_by("path"))
    body = forms.CharField(
        max_length=MAX_BODY_LENGTH, validators=[validate_markdown], widget=markdown_widget()
    )
    reason = forms.CharField(
        max_length=300,
        required=False,
        help_text="The author is told; the history and the audit log keep it.",
    )


class AnswerModerationEditForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    body = forms.CharField(
        max_length=MAX_BODY_LENGTH, validators=[validate_markdown], widget=markdown_widget(rows=12)
    )
    reason = forms.CharField(
        max_length=300,
        required=False,
        help_text="The author is told; the history and the audit log keep it.",
    )


SUSPENSION_PERIODS = [
    ("1", "1 day"),
    ("7", "7 days"),
    ("30", "30 days"),
    ("365", "1 year"),
    ("", "Indefinitely"),
]


class SuspendForm(ReasonForm):
    """How long, and why: a canned reason for suspending, reworded or not (the member reads it)."""

    use = ReasonUse.SUSPEND
    reason_help = "The member sees this reason."

    period = forms.ChoiceField(choices=SUSPENSION_PERIODS, required=False, initial="7")
    field_order = ["period", "canned", "reason"]

    def until(self):
        days = self.cleaned_data.get("period")
        return timezone.now() + timedelta(days=int(days)) if days else None
