"""Canned reasons: a moderator picks one from the editable list, rewords it, or writes their own.

Without JavaScript the picked reason and any text written are joined; with
it (static/js/site.js), picking a reason copies it into the text box to be
reworded, and the picker goes back to empty.
"""

from django import forms

from .models import CannedReason, ReasonUse

MAX_REASON_LENGTH = 300


def canned_reasons(use: ReasonUse) -> list[str]:
    """The texts offered for `use`, in the moderators' order: one query."""
    return list(CannedReason.objects.filter(use=use).values_list("text", flat=True))


def canned_reasons_for(*uses: ReasonUse) -> dict[str, list[str]]:
    """The texts for several uses at once, by use: one query for a page of many forms."""
    found = {use: [] for use in uses}
    for use, text in CannedReason.objects.filter(use__in=uses).values_list("use", "text"):
        found[use].append(text)
    return found


class ReasonForm(forms.Form):
    """A moderator's reason, said to the member concerned.

    Subclasses set `use`; pages with many forms pass `reasons` read once.
    """

    use = None
    required_reason = True
    reason_label = "Reason"
    reason_help = "The member sees this reason."

    canned = forms.CharField(
        label="Pick a reason",
        required=False,
        max_length=MAX_REASON_LENGTH,
        widget=forms.Select(attrs={"data-canned-reason": ""}),
    )
    reason = forms.CharField(
        required=False,
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, reasons=None, **kwargs):
        super().__init__(*args, **kwargs)
        texts = canned_reasons(self.use) if reasons is None else reasons
        self.fields["canned"].widget.choices = [
            ("", "Write your own, or choose…"),
            *[(text, text) for text in texts],
        ]
        self.fields["reason"].label = self.reason_label
        self.fields["reason"].help_text = self.reason_help
        self.fields["reason"].required = False

    def clean(self):
        cleaned = super().clean()
        canned = (cleaned.get("canned") or "").strip()
        text = (cleaned.get("reason") or "").strip()
        # The script copies the choice into the text: then the text alone is the reason.
        reason = text if not canned or text.startswith(canned) else f"{canned} {text}".strip()
        if len(reason) > MAX_REASON_LENGTH:
            self.add_error(
                "reason",
                f"Keep the reason to {MAX_REASON_LENGTH} characters with the one picked "
                f"(it has {len(reason)}).",
            )
        elif self.required_reason and not reason:
            self.add_error("reason", "Pick a reason or write one: the member will read it.")
        cleaned["reason"] = reason
        return cleaned


class CannedReasonForm(forms.ModelForm):
    class Meta:
        model = CannedReason
        fields = ["use", "text", "position"]
        labels = {"use": "Offered when", "position": "Order in the list"}
        help_texts = {"position": "Lower numbers come first."}
