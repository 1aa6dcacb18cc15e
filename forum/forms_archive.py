"""The filters of the public lists (All Answers, Unanswered): GET forms, shareable as links."""

from django import forms

from .archive import DEFAULT_ORDER, ORDERS
from .forms import tree_order


def tree_choices(categories):
    """(path, label) for every category, in the tree's order, indented by depth."""
    return [(c.path, "\u2003" * c.depth + c.name) for c in tree_order(categories)]


class UnansweredFilterForm(forms.Form):
    """The category filter; an unknown value is left out (the whole list shows)."""

    category = forms.ChoiceField(label="Category", required=False)

    def __init__(self, data, *, archive):
        super().__init__(data)
        self.archive = archive
        self.by_path = {c.path: c for c in archive.categories}
        self.fields["category"].choices = [
            ("", "Every category"),
            *tree_choices(archive.categories),
        ]

    def value(self, name, default=None):
        """A field's cleaned value, or `default` when it was empty or not valid."""
        if not self.is_bound or (not self.is_valid() and name in self.errors):
            return default
        return self.cleaned_data.get(name) or default

    def chosen_category(self):
        return self.by_path.get(self.value("category", ""))


class ArchiveFilterForm(UnansweredFilterForm):
    """All Answers: category (with its subcategories), expert, editor's picks, order."""

    expert = forms.ChoiceField(label="Answered by", required=False)
    featured = forms.BooleanField(label="Editor's picks only", required=False)
    order = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[(key, label) for key, (label, _) in ORDERS.items()],
    )

    def __init__(self, data, *, archive, experts):
        """`experts`: (handle, display name, user id) of the experts who can be chosen."""
        super().__init__(data, archive=archive)
        self.experts = {handle: (name, pk) for handle, name, pk in experts}
        self.fields["expert"].choices = [
            ("", "Any expert"),
            *((handle, name) for handle, (name, _) in self.experts.items()),
        ]

    def chosen_expert(self):
        """(display name, user id) of the expert chosen, or None."""
        return self.experts.get(self.value("expert", ""))

    def chosen_order(self):
        return self.value("order", DEFAULT_ORDER)
