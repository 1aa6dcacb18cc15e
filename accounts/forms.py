from django import forms
from django.contrib.auth import get_user_model

User = get_user_model()


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth adds e-mail and passwords)."""

    display_name = forms.CharField(
        label="Display name",
        max_length=80,
        help_text="Shown next to your questions. You can change it later.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def signup(self, request, user):
        # The adapter's save_user() already stored the name and made a handle.
        pass


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "handle"]

    def clean_handle(self):
        handle = self.cleaned_data["handle"].lower()
        taken = User.objects.filter(handle__iexact=handle).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("This handle is taken. Please choose another.")
        return handle
