"""The moderators' form for a category's guidance and disclaimer."""

from django import forms

from .models import Category

MAX_LENGTH = Category._meta.get_field("guidance").max_length


class GuidanceForm(forms.Form):
    guidance = forms.CharField(
        label="Guidance and disclaimer",
        max_length=MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Plain text, shown on the ask form, the category page and above each "
        "answer here and in every subcategory without its own. Leave it empty to use the "
        "parent category's.",
    )
    # The text the form started from: a change by someone else meanwhile is a conflict.
    based_on = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
