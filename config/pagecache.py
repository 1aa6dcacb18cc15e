"""Whole pages for visitors without a session, cached until the next write.

Most readers of a Q&A archive are anonymous, and their pages are the same
for all of them. Views that may be cached say so with @anonymous_cache; the
PageCacheMiddleware stores their pages and serves them again before the
session, authentication, CSRF and URL-routing work, so a cached page costs
less than the smallest rendered one.

What a page shows depends on named keys, each with a version number; a write
moves on the versions of the keys it touches, and a page is stored with the
versions of its keys read before it was rendered, and served only while they
are all still current, so no stale page outlives a change. The rule, in one
place:

- SITE: everything; a write that names no key (categories, guidance, expert
  profiles and availability, accounts) moves it (content_changed()).
- LISTS: every list of threads (home, archive, category pages, unanswered,
  search, profiles); every thread write moves it (forum.actions.thread_changed).
- thread_key(pk): one thread; the writes on that thread move it.
- EXPERTS: the experts' figures and availability on the thread pages' cards;
  moved when a scorecard changes (experts.scorecard.refresh) or a question is
  addressed to an expert (their questions of the day).

A page depends on SITE and LISTS unless its view names its keys: a thread page
depends on SITE, EXPERTS and its thread (thread_keys()), so a follow-up on one
thread leaves every other thread's page cached.
Requests that carry a session cookie (signed-in members, or anyone with
pending messages) are never served from or stored in this cache, so nothing
personal or private can leak between people.

Pages are stored gzipped, once, and sent as they are to the browsers that
accept gzip (all of them); others get them unpacked.

HTTP caching: a visitor's page carries a weak ETag (a hash of its HTML) and
`Cache-Control: public, no-cache` (a browser or a proxy may keep it, and asks
again with If-None-Match, answered 304 without a body while nothing changed);
SHARED_CACHE_SECONDS lets a proxy serve it unasked for that long instead. The page's
keys go with it (Surrogate-Key), and with PURGE_URL set a write asks the proxy
to drop the pages of the keys it moved (purge()), so a proxy may keep pages long.
`Vary: Cookie`: a request with a session never gets a visitor's copy. Every
other response through here is `private, no-cache` unless its view said
otherwise (feeds, sitemaps and the API set their own), so nothing personal is
ever stored by a shared cache.
"""

import gzip
import hashlib
import time
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

SITE = "site"
LISTS = "lists"
EXPERTS = "experts"
DEFAULT_KEYS = (SITE, LISTS)
# Headers of the view's response worth keeping; the outer middleware (security
# headers, the CSP) adds its own to every response, cached or not.
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options", "Vary")
# "hit" on a page served from this cache, "miss" on one rendered and stored (as nginx's
# $upstream_cache_status): what `make bench` counts, and a quick check for operators.
STATUS_HEADER = "X-Page-Cache"
# The keys a visitor's page depends on, space-separated, for a proxy that purges by key
# (Varnish's xkey, Fastly's surrogate keys): deploy/varnish.vcl.
SURROGATE_HEADER = "Surrogate-Key"


def thread_key(pk) -> str:
    return f"thread:{pk}"


def thread_keys(pk) -> tuple:
    """What a thread's page and its fragments depend on."""
    return (SITE, EXPERTS, thread_key(pk))


def version_key(name):
    return f"pagecache:v:{name}"


def _fresh():
    # A key seen for the first time, or evicted, starts from the clock: never from a
    # number an earlier life of the key had, which a stored page could still carry.
    return time.time_ns()


def versions(names, found=None) -> dict:
    """{name: current version} of these keys; `found`: what a get_many already read."""
    found = dict(found or {})
    missing = [name for name in names if version_key(name) not in found]
    if missing:
        found.update(cache.get_many([version_key(name) for name in missing]))
    for name in missing:
        key = version_key(name)
        if key not in found:
            cache.add(key, _fresh(), timeout=None)
            found[key] = cache.get(key)
    return {name: found.get(version_key(name)) for name in names}


def token(names) -> str:
    """The versions of these keys in one string, for a fragment's or a value's cache key."""
    return token_of(versions(names))


def token_of(current: dict) -> str:
    """The versions read by versions() in one string."""
    return ".".join(str(version) for version in current.values())


def generation() -> int:
    """A number that moves with every write that pages show (SITE and LISTS): for what
    follows all of them (sitemaps and feeds, the moderators' pending counts)."""
    current = versions(DEFAULT_KEYS)
    return sum(version or 0 for version in current.values())


def touch(*names):
    for name in names:
        try:
            cache.incr(version_key(name))
        except ValueError:
            cache.set(version_key(name), _fresh(), timeout=None)


def content_changed(*names):
    """Call in a write, naming the keys it touches (none: SITE, everything): their pages
    change now, and again once the write commits.

    The first move stops pages cached before the write from being served;
    the second drops any page a reader cached while the write was running.
    """
    names = names or (SITE,)
    touch(*names)
    transaction.on_commit(lambda: _committed(names))


def _committed(names):
    touch(*names)
    purge(names)


def purge(names):
    """Ask the proxy in front (PURGE_URL) to drop the pages that carry one of these keys in
    their Surrogate-Key header: a task, so a slow or absent proxy never holds up a write."""
    if settings.PURGE_URL:
        from .tasks import purge_keys

        purge_keys.enqueue(names=list(names))


def remember(name, compute, keys=DEFAULT_KEYS):
    """A value computed from public content, shared by every reader until a write to `keys`."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return compute()
    key = f"pagecache:{token(keys)}:{name}"
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


def anonymous_cache(view=None, *, keys=None):
    """Mark a view whose page is the same for every visitor without a session.

    `keys`: a function of the URL's keyword arguments giving the keys the page
    depends on (default: DEFAULT_KEYS), as `@anonymous_cache(keys=thread_page)`.
    """
    if view is None:
        return lambda view: anonymous_cache(view, keys=keys)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.page_cacheable = True
        return response

    wrapper.page_cacheable = True
    wrapper.page_keys = keys
    return wrapper


class PageCacheMiddleware:
    """Serves and stores the pages of @anonymous_cache views for visitors without a session.

    It sits just inside the security, CSP and static-file middleware, so cached
    pages still get those headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = self._cacheable(request)
        if match is None:
            return self._private(self.get_response(request))
        try:
            # The host is checked against ALLOWED_HOSTS before anything is served, as
            # CommonMiddleware would: a cached page never answers another host.
            host = request.get_host()
        except DisallowedHost:
            return self._private(self.get_response(request))
        address = f"{request.scheme}://{host}{request.get_full_path()}"
        key = "pagecache:page:" + hashlib.sha256(address.encode()).hexdigest()
        page_keys = match.func.page_keys
        names = tuple(page_keys(**match.kwargs)) if page_keys else DEFAULT_KEYS
        # The page and its keys' versions in one round trip; the versions are read
        # before the view reads anything, so a write while it renders outdates the copy.
        found = cache.get_many([key, *(version_key(name) for name in names)])
        current = versions(names, found)
        page = found.get(key)
        if page is not None and page["versions"] == current:
            return self._respond(request, page)
        response = self.get_response(request)
        if (
            getattr(response, "page_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            page = {
                "versions": current,
                "headers": {name: response[name] for name in KEPT_HEADERS if name in response},
                "body": compress_string(response.content),
                "etag": etag_of(response.content),
            }
            cache.set(key, page, settings.PAGE_CACHE_SECONDS)
            response[STATUS_HEADER] = "miss"
            self._public(response, page["etag"], names)
            if not_modified(request, page["etag"]):
                return self._not_modified(response)
            return response
        return self._private(response)

    @staticmethod
    def _cacheable(request):
        """The URL match of a page that may come from the cache, else None."""
        if (
            settings.PAGE_CACHE_SECONDS <= 0
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return match if getattr(match.func, "page_cacheable", False) else None

    @staticmethod
    def _public(response, etag, names):
        """A visitor's page: any cache may keep it, and asks again before using it."""
        response["ETag"] = etag
        # What the page depends on: a proxy that keeps pages by key can drop them on a write.
        response[SURROGATE_HEADER] = " ".join(names)
        if settings.SHARED_CACHE_SECONDS > 0:
            patch_cache_control(
                response, public=True, max_age=0, s_maxage=settings.SHARED_CACHE_SECONDS
            )
            # nginx's proxy cache reads this one (and drops it); other proxies s-maxage.
            response["X-Accel-Expires"] = str(settings.SHARED_CACHE_SECONDS)
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
        for name in ("ETag", "Cache-Control", "Vary", SURROGATE_HEADER):
            unchanged[name] = response[name]
        return unchanged

    @classmethod
    def _respond(cls, request, page):
        etag = page.get("etag")
        if etag and not_modified(request, etag):
            unchanged = cls._not_modified(cls._public(HttpResponse(), etag, page["versions"]))
            unchanged[STATUS_HEADER] = "hit"
            return unchanged
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            response = HttpResponse(page["body"], headers=page["headers"])
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(page["body"]), headers=page["headers"])
        response["Content-Length"] = str(len(response.content))
        if request.method == "HEAD":
            response.content = b""  # the headers of the page, as the view's response would
        response[STATUS_HEADER] = "hit"
        return cls._public(response, etag, page["versions"]) if etag else response
