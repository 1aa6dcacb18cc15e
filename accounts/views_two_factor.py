"""Two factors for a moderator who has none yet, then on to the page they were going to.

accounts.decorators.moderator_required sends such a moderator here with the
page in `next`. allauth's own activation page (mfa_activate_totp, django-allauth
65.21) takes no `next`: it always ends on the recovery codes. This is that page
with a `next`, checked as every redirect is (url_has_allowed_host_and_scheme:
this host only, no other scheme) and followed once the authenticator is active.
allauth's reauthentication step before it keeps the whole URL, `next` included.
"""

from urllib.parse import urlencode

from allauth.mfa.totp.views import ActivateTOTPView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .roles import has_two_factor, in_moderators_group, is_suspended

NEXT = "next"


def safe_next(request) -> str | None:
    """The `next` of the request when it is a page of this site, else None."""
    url = request.POST.get(NEXT) or request.GET.get(NEXT)
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def setup_url(next_url: str) -> str:
    """Where a moderator without two factors goes first, to come back to `next_url`."""
    return f"{reverse('moderation:two_factor')}?{urlencode({NEXT: next_url})}"


class ActivateForModerationView(ActivateTOTPView):
    template_name = "accounts/two_factor_setup.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next_url"] = safe_next(self.request)
        return context

    def get_success_url(self):
        target = safe_next(self.request)
        if target is None:
            return super().get_success_url()
        # allauth would show the recovery codes now; they stay one click away.
        messages.info(
            self.request,
            "Two-factor authentication is on. Your recovery codes, for the day your phone "
            "is lost, are under Account, Two-factor authentication: save them.",
        )
        return target


activate = ActivateForModerationView.as_view()


@login_required
def setup(request):
    """A moderator sets up an authenticator app here; anyone else finds no page."""
    user = request.user
    if not in_moderators_group(user) or is_suspended(user):
        raise Http404
    if has_two_factor(user):
        return redirect(safe_next(request) or reverse("moderation:queue"))
    return activate(request)
