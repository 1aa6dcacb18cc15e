"""Forms for applying, editing a profile, availability, and moderators' decisions."""

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone

from accounts.models import ReasonUse
from accounts.reasons import ReasonForm

from .models import Credential, ExpertProfile, Rating
from .models.profiles import TIME_ZONES

# forum.Category, reached through the relation: experts does not import forum.
Category = ExpertProfile._meta.get_field("categories").related_model

MAX_CREDENTIALS = 30
MAX_REPLY_LENGTH = Rating._meta.get_field("reply").max_length


TRAIL_SEPARATOR = " \u203a "  # a single right-pointing angle quotation mark


def category_choices(queryset):
    """(pk, "Health > Massage") pairs in tree order, in two queries whatever the tree's size."""
    names = dict(Category.objects.values_list("path", "name"))
    return [
        (c.pk, TRAIL_SEPARATOR.join([*(names[p] for p in c.ancestor_paths()), c.name]))
        for c in queryset.order_by("path")
    ]


# Standing interests (conflicts of interest): the model caps them at 1000 characters.
INTERESTS_WIDGET = forms.Textarea(attrs={"rows": 3, "maxlength": 1000})


class ApplicationForm(forms.ModelForm):
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.order_by("path"),
        widget=forms.CheckboxSelectMultiple,
        help_text="The categories you can answer in. Pick the most specific ones that fit.",
    )

    class Meta:
        model = ExpertProfile
        fields = ["headline", "expertise", "experience", "location", "interests", "categories"]
        widgets = {
            "expertise": forms.Textarea(attrs={"rows": 5}),
            "experience": forms.Textarea(attrs={"rows": 4}),
            "interests": INTERESTS_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = category_choices(Category.objects.all())


class ProfileForm(forms.ModelForm):
    """What an approved expert edits freely; categories go through moderators."""

    class Meta:
        model = ExpertProfile
        fields = ["headline", "expertise", "experience", "location", "interests"]
        widgets = {
            "expertise": forms.Textarea(attrs={"rows": 5}),
            "experience": forms.Textarea(attrs={"rows": 4}),
            "interests": INTERESTS_WIDGET,
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
    """Taking questions or not, a vacation now or planned ahead, and the daily limit.

    Unticking "Accepting questions" means away from now on. A vacation planned
    ahead keeps it ticked and gives its first day ("Away from"): it starts by
    itself that day. Either ends by itself on the day they are back.
    """

    time_zone = forms.ChoiceField(
        choices=[(zone, zone.replace("_", " ")) for zone in TIME_ZONES],
        help_text="Your day, for the daily limit, starts at midnight here.",
    )

    class Meta:
        model = ExpertProfile
        fields = [
            "accepting_questions",
            "away_from",
            "away_until",
            "away_message",
            "daily_question_limit",
            "time_zone",
        ]
        widgets = {
            "away_from": forms.DateInput(attrs={"type": "date"}),
            "away_until": forms.DateInput(attrs={"type": "date"}),
            "away_message": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "accepting_questions": "Accepting questions",
            "away_from": "Away from",
            "away_until": "Back on",
            "away_message": "Message to askers while you are away",
        }
        help_texts = {
            "away_from": (
                "Optional: plan a vacation ahead. Keep “Accepting questions” ticked; "
                "it switches off by itself on this day."
            ),
            "away_until": "Optional: the day you are back. Askers can pick you again from then.",
            "away_message": "Optional, up to 300 characters: shown on your profile and where "
            "askers pick an expert, while you are away.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A planned vacation that has begun shows as away, even before the job unticks it.
        if self.instance.pk and self.instance.is_away:
            self.initial["accepting_questions"] = False

    def clean_daily_question_limit(self):
        limit = self.cleaned_data["daily_question_limit"]
        if not 1 <= limit <= 100:
            raise forms.ValidationError("Choose between 1 and 100 questions a day.")
        return limit

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        accepting = cleaned.get("accepting_questions")
        start, back = cleaned.get("away_from"), cleaned.get("away_until")
        if start and "away_from" in self.changed_data and start < today:
            self.add_error("away_from", "The first day away cannot be in the past.")
        if back and "away_until" in self.changed_data and back <= today:
            self.add_error("away_until", "The day you are back must be after today.")
        if start and back and back <= start:
            self.add_error("away_until", "The day you are back must be after your first day away.")
        if start and start > today and not accepting:
            self.add_error(
                "accepting_questions",
                f"Your vacation starts on {start:%-d %B %Y}: keep “Accepting questions” "
                "ticked until then, it switches off by itself that day. Or empty “Away from” "
                "to be away from now on.",
            )
        if self.errors:
            return cleaned
        if accepting and start and start <= today:
            if "away_from" in self.changed_data:
                # A vacation set to start today starts now.
                cleaned["accepting_questions"] = False
            else:
                # Ticked again during a vacation that had begun: back now.
                cleaned["away_from"] = cleaned["away_until"] = None
        return cleaned


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


class RefuseApplicationForm(ReasonForm):
    """Why a moderator refuses an application: the applicant reads it on their page."""

    use = ReasonUse.REFUSE_APPLICATION
    reason_help = "The applicant sees this reason and may fix their application."


class SuspendExpertForm(ReasonForm):
    use = ReasonUse.SUSPEND
    reason_help = "The expert sees this reason."


class RejectCredentialForm(ReasonForm):
    """Why a moderator could not check a credential: the expert reads it beside it."""

    use = ReasonUse.REJECT_CREDENTIAL
    reason_label = "Why it cannot be verified"
    reason_help = "The expert sees this beside the credential, and may correct it."


class ThankYouReplyForm(forms.Form):
    reply = forms.CharField(
        label="Your reply to the thank-you note",
        max_length=MAX_REPLY_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Once only: the asker is told, and it shows under their note.",
        error_messages={"required": "Write a few words before sending."},
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
