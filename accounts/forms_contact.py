import uuid

from django import forms

from .models import ContactMessage


class ContactForm(forms.ModelForm):
    """The contact form. A member's name and address are known, so they do not type them."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "topic", "subject", "body"]
        labels = {"name": "Your name", "email": "Your e-mail address", "topic": "What is it about?"}
        help_texts = {
            "name": "Optional.",
            "email": "We reply to this address and use it for nothing else.",
            "body": "Plain text, up to 5,000 characters. Never send a password.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "body": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, sender, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Choose a topic"), *self.fields["topic"].choices[1:]]
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        if sender.is_authenticated:
            del self.fields["name"]
            del self.fields["email"]
