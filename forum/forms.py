"""Forms of the question lifecycle. Each names its fields; authors, experts, status
and moderation flags are set by the server, never taken from the form."""

import uuid

from django import forms
from markdownx.widgets import MarkdownxWidget

from experts.models import ExpertProfile

from .markdown import MAX_BODY_LENGTH, validate_markdown
from .models import (
    MAX_FOLLOW_UP_LENGTH,
    Category,
    DeclineReason,
    Outcome,
    Professional,
    Urgency,
    Visibility,
)

MIN_TITLE_LENGTH = 10


def markdown_widget(rows=10):
    return MarkdownxWidget(attrs={"rows": rows, "maxlength": MAX_BODY_LENGTH})


def tree_order(categories):
    """Categories depth first, siblings in the order given: the category tree's, when they
    come in Category's own ordering (position, then name), as the tree's do.

    A category whose parent is not among them (an expert's own subset) starts a branch.
    """
    categories = list(categories)
    ids = {c.pk for c in categories}
    children = {}
    for category in categories:
        parent = category.parent_id if category.parent_id in ids else None
        children.setdefault(parent, []).append(category)
    ordered = []

    def walk(parent):
        for category in children.get(parent, []):
            ordered.append(category)
            walk(category.pk)

    walk(None)
    return ordered


class TreeOrderIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for category in tree_order(self.queryset.order_by(*Category._meta.ordering)):
            yield self.choice(category)


class CategoryChoiceField(forms.ModelChoiceField):
    """The categories in the tree's order (see tree_order), whatever the queryset's."""

    iterator = TreeOrderIterator

    def label_from_instance(self, category):
        # Indent by depth so the tree reads in a plain <select>.
        label = f"{'\u2003' * category.depth}{category.name}"
        served = getattr(self, "served", None)
        if served is not None and category.pk not in served:
            label += " (no expert available)"
        return label


def categories_with_experts() -> set:
    """Ids of the categories some approved expert, not away, answers in (or above them)."""
    paths = set(
        ExpertProfile.objects.approved()
        .taking_questions()
        .values_list("categories__path", flat=True)
        .distinct()
    )
    return {
        pk
        for pk, path in Category.objects.values_list("pk", "path")
        if path in paths or paths.intersection(Category(path=path).ancestor_paths())
    }


def no_experts_message(category) -> str:
    return (
        f"No expert can take a question in {category.name} now, so nobody would see yours. "
        "Choose a category not marked “no expert available”."
    )


# An expert's headline in a list is cut on a word after this many characters; the
# option's title, and the expert's profile, carry it in full.
HEADLINE_IN_LIST = 60


def short_headline(headline, length=HEADLINE_IN_LIST) -> str:
    headline = " ".join(headline.split())
    if len(headline) <= length:
        return headline
    cut = headline[: length + 1].rsplit(" ", 1)[0].rstrip(" ,;:.-—") or headline[:length]
    return f"{cut}…"


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, profile):
        label = profile.user.display_name
        if profile.headline:
            label += f" — {short_headline(profile.headline)}"
        reason = unavailable_reason(profile)
        return f"{label} ({reason})" if reason else label


def unavailable_reason(profile) -> str:
    """Why an asker cannot pick this expert now, in a few words for a list, or ''."""
    if profile.is_away:
        if profile.away_until:
            return f"away until {profile.away_until:%-d %B}"
        return "on vacation"
    if profile.at_daily_limit:
        return "not taking more questions today"
    return ""


def unavailable_sentence(profile) -> str:
    """The same reason as a sentence for a form error, saying what to do instead."""
    name = profile.user.display_name
    if profile.is_away:
        return f"{name} is {unavailable_reason(profile)}. Pick another expert, or ask the category."
    return (
        f"{name} has reached today's limit of questions. Pick another expert, or ask the category."
    )


class ExpertSelect(forms.Select):
    """Shows unavailable experts, greyed out, so askers see who exists and why not now."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None and unavailable_reason(instance):
            option["attrs"]["disabled"] = True
        if instance is not None and instance.headline:
            option["attrs"]["title"] = f"{instance.user.display_name} — {instance.headline}"
        return option


def experts_for(category, *, exclude_user_ids=()):
    """Approved experts covering a category who may be picked today, or shown as at their limit.

    Experts away on vacation are left out of the choices (see `away_experts`).
    """
    if category is None:
        return ExpertProfile.objects.none()
    return (
        ExpertProfile.objects.covering(category)
        .taking_questions()
        .exclude(user_id__in=exclude_user_ids)
        .with_questions_today()
        .select_related("user")
        .order_by("user__display_name", "pk")
    )


def away_experts(category):
    """The category's experts on vacation, to tell askers who is away and until when."""
    if category is None:
        return ExpertProfile.objects.none()
    return (
        ExpertProfile.objects.covering(category)
        .away()
        .select_related("user")
        .order_by("user__display_name", "pk")
    )


class AskForm(forms.Form):
    category = CategoryChoiceField(
        queryset=Category.objects.all(),
        empty_label="Choose a category…",
        help_text="Where your question belongs. It decides which experts can answer.",
    )
    expert = ExpertChoiceField(
        queryset=ExpertProfile.objects.none(),
        required=False,
        widget=ExpertSelect,
        empty_label="Any expert in the category (an open question)",
        help_text="Pick one expert, or leave it open to every expert of the category.",
    )
    title = forms.CharField(
        max_length=200,
        min_length=MIN_TITLE_LENGTH,
        help_text="One line that sums up the question, e.g. “IT band pain when running”.",
    )
    body = forms.CharField(
        label="Your question",
        max_length=MAX_BODY_LENGTH,
        validators=[validate_markdown],
        widget=markdown_widget(),
        help_text="Give the details an expert needs. Markdown works: **bold**, lists, links.",
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text="Public questions and their answers join the archive. A private one is seen "
        "only by you, the expert you pick and moderators.",
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, asker, expert=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_expert = expert
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        if expert is not None:
            # "Ask this expert": only the expert's own categories, and no open question.
            paths = list(expert.categories.values_list("path", flat=True))
            self.fields["category"].queryset = Category.objects.filter(path__in=paths)
            self.fields["expert"].empty_label = None
            name = expert.user.display_name
            self.fields["expert"].help_text = f"This question goes to {name} alone."
        self.fields["category"].served = categories_with_experts()
        category = self._selected_category()
        self.away_experts = away_experts(category) if expert is None else []
        # Nobody asks themself: an expert asking sees the other experts only.
        queryset = experts_for(category, exclude_user_ids=[asker.pk])
        if expert is not None:
            queryset = queryset.filter(pk=expert.pk) if category else ExpertProfile.objects.none()
        self.fields["expert"].queryset = queryset

    def _selected_category(self):
        value = self.data.get("category") if self.is_bound else self.initial.get("category")
        if isinstance(value, Category):
            return value
        try:
            return self.fields["category"].queryset.get(pk=int(value))
        except (TypeError, ValueError, Category.DoesNotExist):
            return None

    def clean_expert(self):
        profile = self.cleaned_data.get("expert")
        if profile is not None and unavailable_reason(profile):
            raise forms.ValidationError(unavailable_sentence(profile))
        return profile

    def clean(self):
        cleaned = super().clean()
        missing = cleaned.get("expert") is None and "expert" not in self.errors
        if self.fixed_expert is not None and missing:
            # The only way the expert is missing here: the category is not theirs.
            self.add_error("expert", "Choose a category this expert answers in.")
        category = cleaned.get("category")
        open_question = missing and self.fixed_expert is None and category is not None
        if open_question and category.pk not in self.fields["category"].served:
            self.add_error("category", no_experts_message(category))
        if cleaned.get("visibility") == Visibility.PRIVATE and not cleaned.get("expert"):
            self.add_error(
                "visibility",
                "A private question goes to one expert: pick an expert, or make it public.",
            )
        return cleaned


class ReferralForm(forms.Form):
    """ "This needs a professional": whom the asker should see in person, and how soon."""

    referral = forms.ChoiceField(
        label="Should the asker see a professional in person?",
        choices=[("", "No")] + [(value, f"Yes, {label}") for value, label in Professional.choices],
        required=False,
    )
    referral_urgency = forms.ChoiceField(
        label="How soon",
        choices=Urgency.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Urgent: today, or call the emergency services.",
    )
    referral_note = forms.CharField(
        label="Which professional, or why",
        max_length=200,
        required=False,
        help_text="Optional, e.g. “a physiotherapist who treats runners”.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("referral") and not cleaned.get("referral_urgency"):
            self.add_error("referral_urgency", "Say how soon they should see them.")
        if not cleaned.get("referral"):
            # "No" wins: an urgency or note left over from a changed mind is dropped.
            cleaned["referral_urgency"] = ""
            cleaned["referral_note"] = ""
        cleaned["referral_note"] = cleaned.get("referral_note", "").strip()
        return cleaned

    def referral_data(self):
        """The referral fields as the actions take them."""
        return {name: self.cleaned_data[name] for name in REFERRAL_FIELDS}


REFERRAL_FIELDS = ("referral", "referral_urgency", "referral_note")


class AnswerForm(ReferralForm):
    body = forms.CharField(
        label="Your answer",
        max_length=MAX_BODY_LENGTH,
        validators=[validate_markdown],
        widget=markdown_widget(rows=12),
        help_text="Markdown works: **bold**, numbered lists, links.",
    )
    disclosure = forms.CharField(
        label="Conflict of interest",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text="Do you gain from what you recommend (you sell it, work for its maker, "
        "are paid to promote it)? Say so here; it is shown with your answer. Leave empty if not.",
    )
    field_order = ["body", "referral", "referral_urgency", "referral_note", "disclosure"]

    def clean_disclosure(self):
        return self.cleaned_data["disclosure"].strip()

    def details(self):
        """What the answer actions take besides the text."""
        return {**self.referral_data(), "disclosure": self.cleaned_data["disclosure"]}


class FollowUpForm(forms.Form):
    body = forms.CharField(
        label="Follow-up",
        max_length=MAX_FOLLOW_UP_LENGTH,
        validators=[validate_markdown],
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_FOLLOW_UP_LENGTH}),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())


class DeclineForm(ReferralForm):
    reason = forms.ChoiceField(choices=DeclineReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note for the asker",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional, but required for “Other”: tell the asker what would help.",
    )
    field_order = ["reason", "note", "referral", "referral_urgency", "referral_note"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == DeclineReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", "Tell the asker why, when the reason is “Other”.")
        if cleaned.get("reason") == DeclineReason.NEEDS_DOCTOR and not cleaned.get("referral"):
            self.add_error("referral", "Say whom the asker should see in person.")
        return cleaned


class QuestionAskerEditForm(forms.Form):
    """The asker's edit of a question nobody has answered yet (forum.actions.edit_own_question)."""

    title = forms.CharField(max_length=200, min_length=MIN_TITLE_LENGTH)
    category = CategoryChoiceField(
        queryset=Category.objects.all(),
        help_text="Moving it to a category its expert does not answer in opens a public "
        "question to that category's experts; a private one must stay with its expert.",
    )
    body = forms.CharField(
        label="Your question",
        max_length=MAX_BODY_LENGTH,
        validators=[validate_markdown],
        widget=markdown_widget(),
        help_text="Markdown works: **bold**, lists, links. The earlier text is kept.",
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        help_text="You can change this until the question is answered. Once answered, a "
        "private question stays private: the expert wrote for you alone.",
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["category"].served = categories_with_experts()
        if question.expert_id is None:
            # Open to a category: public by nature (a private question goes to one expert).
            self.fields["visibility"].choices = [(Visibility.PUBLIC, Visibility.PUBLIC.label)]
            self.fields["visibility"].help_text = (
                "A question open to every expert of a category is public. To keep it private, "
                "withdraw it and ask one expert instead."
            )

    @classmethod
    def for_question(cls, question, data=None):
        initial = {
            "title": question.title,
            "category": question.category,
            "body": question.body,
            "visibility": question.visibility,
            "base_version": question.version,
        }
        return cls(data, initial=initial, question=question)


class RerouteForm(forms.Form):
    """Where the asker sends a question next: one expert, or every expert of a category."""

    category = CategoryChoiceField(
        queryset=Category.objects.order_by("path"),
        help_text="Keep the category, or move the question to a better one.",
    )
    expert = ExpertChoiceField(
        queryset=ExpertProfile.objects.none(),
        required=False,
        widget=ExpertSelect,
        empty_label="Every expert of the category (an open question)",
        label="Send it to",
        help_text="Your question goes to them unchanged.",
    )
    make_public = forms.BooleanField(
        required=False,
        label="Make my question public",
        help_text="An open question is public: every expert of the category, and everyone "
        "else, can read it. Leave this unticked to keep it private and pick one expert.",
    )

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields["category"].served = categories_with_experts()
        if not self.is_bound:
            self.initial.setdefault("category", question.category)
        category = self._selected_category()
        # Not who declined it, nor who answered it already (an answer since hidden).
        declined = question.declines.values_list("expert_id", flat=True)
        answered = question.answers.values_list("author_id", flat=True)
        self.fields["expert"].queryset = experts_for(
            category, exclude_user_ids=[question.asker_id, *declined, *answered]
        )
        self.away_experts = away_experts(category)
        if not question.is_private:
            del self.fields["make_public"]

    def _selected_category(self):
        value = self.data.get("category") if self.is_bound else self.initial.get("category")
        if isinstance(value, Category):
            return value
        try:
            return Category.objects.get(pk=int(value))
        except (TypeError, ValueError, Category.DoesNotExist):
            return None

    def clean(self):
        cleaned = super().clean()
        category, profile = cleaned.get("category"), cleaned.get("expert")
        if category is None or "expert" in self.errors:
            return cleaned
        if profile is not None:
            if unavailable_reason(profile):
                self.add_error("expert", unavailable_sentence(profile))
        elif category.pk not in self.fields["category"].served:
            self.add_error("category", no_experts_message(category))
        elif self.question.is_private and not cleaned.get("make_public"):
            self.add_error(
                "make_public",
                "A private question goes to one expert: pick one, or tick the box to make it "
                "public and open to the category.",
            )
        return cleaned


# No score is chosen for the asker: a rating is given, never a default.
SCORES = [("", "Choose…"), *((n, str(n)) for n in range(10, 0, -1))]


def score_field(label):
    return forms.TypedChoiceField(
        label=label,
        choices=SCORES,
        coerce=int,
        empty_value=None,
        error_messages={"required": f"Choose a score for {label.lower()}."},
    )


class RatingForm(forms.Form):
    knowledgeability = score_field("Knowledgeability")
    clarity = score_field("Clarity of response")
    politeness = score_field("Politeness")
    thank_you_note = forms.CharField(
        label="Thank-you note",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Shown on the thread and on the expert's profile.",
    )


class OutcomeForm(forms.Form):
    """The asker's "I followed the advice: it helped / it did not": one of two buttons."""

    outcome = forms.ChoiceField(choices=Outcome.choices)


class AnswerEditForm(AnswerForm):
    # The version the text was read at: a save based on an older one is a conflict.
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
