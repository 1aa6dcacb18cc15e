"""What crawlers and feed readers read: robots.txt, the sitemaps and the feeds' cache.

Sitemaps and feeds are public documents: they show what a visitor sees, never
more, whoever asks for them. Being the same for everyone, each is rendered
once and kept until the next write (the page-cache generation moves on with
every change to what pages show), for signed-in readers as for visitors.
Their links are built on SITE_URL, the site's one address, whatever host a
request named: a crawler is told about canonical addresses only.
"""

import hashlib
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control

from config.pagecache import generation

# A crawler or feed reader may keep a copy this long before asking again; our own
# cache is dropped at the next write, whatever this says.
SITEMAP_MAX_AGE = 60 * 60
FEED_MAX_AGE = 5 * 60
ROBOTS_MAX_AGE = 24 * 60 * 60
# The response headers worth keeping with a cached document.
KEPT_HEADERS = ("Content-Type", "Last-Modified", "X-Robots-Tag")


def absolute(path):
    """`path` (from reverse() or get_absolute_url()) under the site's one address."""
    return f"{settings.SITE_URL}{path}"


def _cache_key(request):
    """The document's key for this generation, or None when it should not be cached.

    Only what the views read goes into it (the path and a sitemap's page
    number, written as a number), so made-up query strings cannot fill the
    cache with copies of the same document.
    """
    page = request.GET.get("p")
    if page is not None:
        try:
            page = int(page)
        except ValueError:
            return None
    address = f"{request.path}?p={page or ''}"
    return f"seo:{generation()}:" + hashlib.sha256(address.encode()).hexdigest()


def public_document(max_age):
    """Cache a public document (a sitemap or a feed) until the next write; let readers
    keep it `max_age` seconds."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            key = _cache_key(request) if settings.PAGE_CACHE_SECONDS > 0 else None
            stored = cache.get(key) if key else None
            if stored is not None:
                response = HttpResponse(stored["body"], headers=stored["headers"])
            else:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
                if key and response.status_code == 200:
                    headers = {name: response[name] for name in KEPT_HEADERS if name in response}
                    cache.set(
                        key,
                        {"body": response.content, "headers": headers},
                        settings.PAGE_CACHE_SECONDS,
                    )
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=max_age)
            return response

        return wrapper

    return decorator


def robots_txt(request):
    # No request context: the template needs only the sitemap's address, and the
    # context processors would read the session and the database for nothing.
    text = render_to_string("robots.txt", {"sitemap_url": absolute(reverse("sitemap"))})
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=ROBOTS_MAX_AGE)
    return response


class SiteSitemap(Sitemap):
    """A sitemap section whose locations are under SITE_URL, in pages of `limit` entries."""

    # Well under the protocol's 50,000 and 50 MB: a page renders in a moment and is
    # small enough to keep in the cache.
    limit = 10_000

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_latest_lastmod(self):
        # Django's default reads every item; the index asks index_pages() instead.
        return None

    def index_pages(self):
        """(page number, latest change or None) for each page that lists something.

        An empty urlset is not a valid sitemap: a section with nothing to list
        is left out of the index.
        """
        paginator = self.paginator
        if paginator.count == 0:
            return []
        return [(number, None) for number in paginator.page_range]


@x_robots_tag
def sitemap_index(request, sitemaps):
    """/sitemap.xml: every page of every section (a class of `sitemaps`, by its name)."""
    entries = []
    for section, sitemap_class in sitemaps.items():
        location = absolute(reverse(f"sitemap_{section}"))
        for number, lastmod in sitemap_class().index_pages():
            address = location if number == 1 else f"{location}?p={number}"
            entries.append(SitemapIndexItem(address, lastmod))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
