"""Whole pages for visitors without a session, cached until the next write.

Most readers of a Q&A archive are anonymous, and their pages are the same
for all of them. Views that may be cached say so with @anonymous_cache; the
PageCacheMiddleware stores their pages and serves them again before the
session, authentication, CSRF and URL-routing work, so a cached page costs
less than the smallest rendered one.

Every write to content that pages show bumps a "generation" number (see
forum.signals); a page is stored with the generation it was rendered at and
served only while that is still current, so no stale page outlives a change.
Requests that carry a session cookie (signed-in members, or anyone with
pending messages) are never served from or stored in this cache, so nothing
personal or private can leak between people.

Pages are stored gzipped, once, and sent as they are to the browsers that
accept gzip (all of them); others get them unpacked.

HTTP caching: a visitor's page carries a weak ETag (a hash of its HTML) and
`Cache-Control: public, no-cache` (a browser or a proxy may keep it, and asks
again with If-None-Match, answered 304 without a body while nothing changed);
SHARED_CACHE_SECONDS lets a proxy serve it unasked for that long instead.
`Vary: Cookie`: a request with a session never gets a visitor's copy. Every
other response through here is `private, no-cache` unless its view said
otherwise (feeds, sitemaps and the API set their own), so nothing personal is
ever stored by a shared cache.
"""

import gzip
import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from django.utils.text import compress_string

GENERATION_KEY = "pagecache:generation"
# Headers of the view's response worth keeping; the outer middleware (security
# headers, the CSP) adds its own to every response, cached or not.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options", "Vary")


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


def remember(name, compute):
    """A value computed from public content, shared by every reader until the next write."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return compute()
    key = f"pagecache:{generation()}:{name}"
    return cache.get_or_set(key, compute, settings.PAGE_CACHE_SECONDS)


def etag_of(content: bytes) -> str:
    """A weak ETag: the gzipped and the plain page are the same page."""
    return f'W/"{hashlib.sha256(content).hexdigest()[:32]}"'


def not_modified(request, etag) -> bool:
    """Whether the request's If-None-Match names this page (weak comparison, as for GET)."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    tags = {tag.removeprefix("W/") for tag in parse_etags(header)}
    return etag.removeprefix("W/") in tags


def anonymous_cache(view):
    """Mark a view whose page is the same for every visitor without a session."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.page_cacheable = True
        return response

    wrapper.page_cacheable = True
    return wrapper


class PageCacheMiddleware:
    """Serves and stores the pages of @anonymous_cache views for visitors without a session.

    It sits just inside the security, CSP and static-file middleware, so cached
    pages still get those headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self._cacheable(request):
            return self._private(self.get_response(request))
        try:
            # The host is checked against ALLOWED_HOSTS before anything is served, as
            # CommonMiddleware would: a cached page never answers another host.
            host = request.get_host()
        except DisallowedHost:
            return self._private(self.get_response(request))
        address = f"{request.scheme}://{host}{request.get_full_path()}"
        key = "pagecache:page:" + hashlib.sha256(address.encode()).hexdigest()
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY) or generation()
        page = found.get(key)
        if page is not None and page["generation"] == current:
            return self._respond(request, page)
        response = self.get_response(request)
        if (
            getattr(response, "page_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            page = {
                "generation": current,
                "headers": {name: response[name] for name in KEPT_HEADERS if name in response},
                "body": compress_string(response.content),
                "etag": etag_of(response.content),
            }
            cache.set(key, page, settings.PAGE_CACHE_SECONDS)
            self._public(response, page["etag"])
            if not_modified(request, page["etag"]):
                return self._not_modified(response)
            return response
        return self._private(response)

    @staticmethod
    def _cacheable(request):
        if (
            settings.PAGE_CACHE_SECONDS <= 0
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return False
        try:
            return getattr(resolve(request.path_info).func, "page_cacheable", False)
        except Resolver404:
            return False

    @staticmethod
    def _public(response, etag):
        """A visitor's page: any cache may keep it, and asks again before using it."""
        response["ETag"] = etag
        if settings.SHARED_CACHE_SECONDS > 0:
            patch_cache_control(
                response, public=True, max_age=0, s_maxage=settings.SHARED_CACHE_SECONDS
            )
        else:
            patch_cache_control(response, public=True, no_cache=True)
        patch_vary_headers(response, ("Accept-Encoding", "Cookie"))
        return response

    @staticmethod
    def _private(response):
        """Anything else is for its reader alone, unless its view said otherwise."""
        if "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    @staticmethod
    def _not_modified(response):
        unchanged = HttpResponseNotModified()
        for name in ("ETag", "Cache-Control", "Vary"):
            unchanged[name] = response[name]
        return unchanged

    @classmethod
    def _respond(cls, request, page):
        etag = page.get("etag")
        if etag and not_modified(request, etag):
            return cls._not_modified(cls._public(HttpResponse(), etag))
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            response = HttpResponse(page["body"], headers=page["headers"])
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(page["body"]), headers=page["headers"])
        response["Content-Length"] = str(len(response.content))
        return cls._public(response, etag) if etag else response
