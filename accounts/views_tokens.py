"""Personal API tokens on the account page: create (the key shown once), list, revoke.

A new token's raw key is never stored: the create view keeps it in the
member's session (server-side, cached_db) only until the tokens page shows
it, once, so a reload or the back button never shows it again.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from config.http import post_only

from . import actions
from .models import ApiToken

NEW_KEY_SESSION = "api-token-new-key"


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What you will use it for, to tell your tokens apart.",
    )

    def __init__(self, *args, **kwargs):
        # Ids of their own: the account page holds other forms with other fields.
        kwargs.setdefault("auto_id", "id_token_%s")
        super().__init__(*args, **kwargs)


def _tokens_page(request, *args, **kwargs):
    return reverse("accounts:api_tokens")


@login_required
def api_tokens(request, *, form=None, status=200):
    """The member's active tokens, a form for a new one, and a new key, shown this once."""
    new_key = request.session.pop(NEW_KEY_SESSION, None)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "token_form": form or ApiTokenForm(),
            "new_key": new_key,
            "api_tokens": request.user.api_tokens.active(),
        },
        status=status,
    )


@post_only(_tokens_page)
@login_required
def create_api_token(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return api_tokens(request, form=form, status=400)
    try:
        token, raw = actions.create_api_token(user=request.user, name=form.cleaned_data["name"])
    except actions.Refused as refused:
        form.add_error(None, str(refused))
        return api_tokens(request, form=form, status=400)
    if raw is not None:
        request.session[NEW_KEY_SESSION] = {"name": token.name, "key": raw}
    return redirect("accounts:api_tokens")


@post_only(_tokens_page)
@login_required
def revoke_api_token(request, pk):
    # Another member's token is a 404, as if it did not exist.
    token = get_object_or_404(request.user.api_tokens.active(), pk=pk)
    actions.revoke_api_token(user=request.user, token=token)
    messages.success(request, f"The token “{token.name}” was revoked: it no longer works.")
    return redirect("accounts:api_tokens")
