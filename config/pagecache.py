"""Whole pages for visitors without a session, cached until the next write.

Most readers of a Q&A archive are anonymous, and their pages are the same
for all of them. A page is cached under a key that includes a "generation"
number; every write to content that pages show bumps the generation (see
forum.signals), so no stale page is served after a change. Requests that
carry a session cookie (signed-in members, or anyone with pending messages)
are never served from or stored in this cache, so nothing personal or
private can leak between people.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

GENERATION_KEY = "pagecache:generation"


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def content_changed():
    """Call in a write: pages change now, and again once the write commits.

    The first bump stops pages cached before the write from being served;
    the second drops any page a reader cached while the write was running.
    """
    bump()
    transaction.on_commit(bump)


def _cacheable(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def anonymous_cache(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"pagecache:{generation()}:{path}"
        cached = cache.get(key)
        if cached is not None:
            return HttpResponse(cached[0], content_type=cached[1])
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(
                key, (response.content, response["Content-Type"]), settings.PAGE_CACHE_SECONDS
            )
        return response

    return wrapper
