"""Signing in, signing up and resetting a password wait while the cache is down.

allauth counts failed logins and reset requests in the cache. With Redis
unreachable those counts are lost (config.cache serves as an empty cache), so
a password could be guessed without limit: for the outage those forms answer
503 with a short explanation instead of trying. Reading, posting and sessions
carry on as usual (see accounts.ratelimit for the policy).
"""

from http import HTTPStatus

from django.core.cache import cache
from django.shortcuts import render
from django.urls import reverse

from config.cache import cache_available

GUARDED = (
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_request_login_code",
    "account_confirm_login_code",
)


class CacheDependentFormsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = None

    def __call__(self, request):
        if request.method == "POST" and not cache_available(cache):
            if self.paths is None:
                self.paths = {reverse(name) for name in GUARDED}
            if request.path in self.paths:
                return render(request, "503_sign_in.html", status=HTTPStatus.SERVICE_UNAVAILABLE)
        return self.get_response(request)
