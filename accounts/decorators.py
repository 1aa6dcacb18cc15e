"""View guards built on the named role checks."""

from functools import wraps
from http import HTTPStatus

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from .roles import can_post, has_two_factor, in_moderators_group, is_suspended, why_cannot_post
from .views_two_factor import setup_url


def posting_required(view):
    """Signed in, e-mail verified (allauth re-sends the link and says so), not suspended.

    Anyone else is told why they cannot post, and nothing is written.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_post(request.user):
            return render(
                request,
                "accounts/cannot_post.html",
                {"reason": why_cannot_post(request.user)},
                status=HTTPStatus.FORBIDDEN,
            )
        return view(request, *args, **kwargs)

    return verified_email_required(wrapper)


def moderator_required(view):
    """Moderators only (accounts.roles.is_moderator): unsuspended, with two factors set up.

    Anyone else, a suspended moderator included, gets a 404: the moderation
    pages do not exist for them. A moderator without two factors is sent to
    set them up, and from there on to the page asked for (accounts.views_two_factor).
    """

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not in_moderators_group(user) or is_suspended(user):
            raise Http404
        if not has_two_factor(user):
            messages.warning(
                request,
                "The moderation pages need two-factor authentication: "
                "set up an authenticator app first.",
            )
            # A POST's form is lost either way; its URL still names the page to go back to
            # (a GET on an action URL leads to its page: config.http.post_only).
            return redirect(setup_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper
