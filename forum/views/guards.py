"""Decorators every write view goes through."""

from functools import wraps
from http import HTTPStatus

from allauth.account.decorators import verified_email_required
from django.shortcuts import render

from accounts.roles import can_post, why_cannot_post


def posting_required(view):
    """Signed in, e-mail verified (allauth re-sends the link and says so), not suspended.

    Anyone else is told why they cannot post, and nothing is written.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_post(request.user):
            return render(
                request,
                "forum/cannot_post.html",
                {"reason": why_cannot_post(request.user)},
                status=HTTPStatus.FORBIDDEN,
            )
        return view(request, *args, **kwargs)

    return verified_email_required(wrapper)
