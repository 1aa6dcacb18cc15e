"""The site header of a shared page (config.slots), rendered once per state of its reader.

A shared page costs little but its header, which names the reader, counts
their unread notifications and links to what their account may do: a
template of some thirty links. It reads nothing but what state() lists, so
it is kept per state and reused until one of them changes; the CSRF token of
its sign-out form is a slot, filled by the page's Shell in every response. A moderator's header
counts what waits for them, which no key follows: theirs is rendered each time.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string

from accounts.notifications import unread_count
from accounts.roles import is_moderator, is_suspended

from . import slots


def state(request) -> tuple:
    """Everything includes/header.html reads of its request and reader."""
    user = request.user
    expert = getattr(user, "expert_profile", None)
    return (
        user.pk,
        user.display_name,
        user.email,
        expert.status if expert else None,
        user.is_staff,
        is_suspended(user),
        unread_count(user),
        request.path,  # the navigation marks the current section
        request.GET.get("q", ""),  # the search box shows the words searched for
        settings.SITE_NAME,
    )


def header(request) -> bytes:
    """The header for this request's signed-in reader, with a slot for its CSRF token."""
    context = {"csrf_token": slots.CSRF}
    if is_moderator(request.user) or settings.PAGE_CACHE_SECONDS <= 0:
        return render_to_string("includes/header.html", context, request=request).encode()
    key = "header:" + hashlib.sha256(repr(state(request)).encode()).hexdigest()
    shared = cache.get(key)
    if shared is None:
        shared = render_to_string("includes/header.html", context, request=request).encode()
        cache.set(key, shared, settings.PAGE_CACHE_SECONDS)
    return shared
