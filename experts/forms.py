"""Forms for applying, editing a profile, availability, and moderators' decisions."""

from django import forms
from django.forms import inlineformset_factory

from .models import Credential, ExpertProfile
from .models.profiles import TIME_ZONES

# forum.Category, reached through the relation: experts does not import forum.
Category = ExpertProfile._meta.get_field("categories").related_model

MAX_CREDENTIALS = 30


TRAIL_SEPARATOR = " \u203a "  # a single right-pointing angle quotation mark


def category_choices(queryset):
    """(pk, "Health > Massage") pairs in tree order, in two queries whatever the tree's size."""
    names = dict(Category.objects.values_list("path", "name"))
    return [
        (c.pk, TRAIL_SEPARATOR.join([*(names[p] for p in c.ancestor_paths()), c.name]))
        for c in queryset.order_by("path")
    ]


class ApplicationForm(forms.ModelForm):
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.order_by("path"),
        widget=forms.CheckboxSelectMultiple,
        help_text="The categories you can answer in. Pick the most specific ones that fit.",
    )

    class Meta:
        model = ExpertProfile
        fields = ["headline", "expertise", "experience", "location", "categories"]
        widgets = {
            "expertise": forms.Textarea(attrs={"rows": 5}),
            "experience": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices(Category.objects.all())


class ProfileForm(forms.ModelForm):
    """What an approved expert edits freely; categories go through moderators."""

    class Meta:
        model = ExpertProfile
        fields = ["headline", "expertise", "experience", "location"]
        widgets = {
            "expertise": forms.Textarea(attrs={"rows": 5}),
            "experience": forms.Textarea(attrs={"rows": 4}),
        }


class CredentialForm(forms.ModelForm):
    class Meta:
        model = Credential
        fields = ["kind", "title", "issuer", "year", "link"]
        widgets = {"year": forms.NumberInput(attrs={"min": 1900, "max": 2100})}

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not 1900 <= year <= 2100:
            raise forms.ValidationError("Enter a year between 1900 and 2100.")
        return year


CredentialFormSet = inlineformset_factory(
    ExpertProfile,
    Credential,
    form=CredentialForm,
    extra=2,
    can_delete=True,
    max_num=MAX_CREDENTIALS,
    validate_max=True,
)


class AvailabilityForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=[(zone, zone.replace("_", " ")) for zone in TIME_ZONES],
        help_text="Your day, for the daily limit, starts at midnight here.",
    )

    class Meta:
        model = ExpertProfile
        fields = ["accepting_questions", "away_until", "daily_question_limit", "time_zone"]
        widgets = {"away_until": forms.DateInput(attrs={"type": "date"})}
        labels = {"accepting_questions": "Accepting questions", "away_until": "Back on"}

    def clean_daily_question_limit(self):
        limit = self.cleaned_data["daily_question_limit"]
        if not 1 <= limit <= 100:
            raise forms.ValidationError("Choose between 1 and 100 questions a day.")
        return limit


class CategoryRequestForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Ask to answer in",
        help_text="A moderator approves each new category.",
    )

    def __init__(self, *args, profile, **kwargs):
        super().__init__(*args, **kwargs)
        current = profile.categories.values_list("pk", flat=True)
        pending = profile.category_requests.filter(status="pending").values_list(
            "category_id", flat=True
        )
        queryset = Category.objects.exclude(pk__in=current).exclude(pk__in=pending)
        self.fields["categories"].queryset = queryset.order_by("path")
        self.fields["categories"].choices = category_choices(queryset)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The member sees this.",
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AlertsForm(forms.ModelForm):
    """Which of the expert's categories they want to hear about open questions in."""

    class Meta:
        model = ExpertProfile
        fields = ["alert_categories"]
        widgets = {"alert_categories": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = self.instance.categories.all()
        self.fields["alert_categories"].queryset = own
        self.fields["alert_categories"].choices = category_choices(own)
        self.fields["alert_categories"].required = False
