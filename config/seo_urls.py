"""The routes of robots.txt, the sitemaps and the feeds (config.seo, */sitemaps.py, forum.feeds).

No route here takes a free-form argument of its own: each sitemap section has
its own fixed address, and its pages are ?p=.
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from experts.sitemaps import ExpertSitemap
from forum import feeds
from forum.sitemaps import CategorySitemap, ThreadSitemap

from .seo import FEED_MAX_AGE, SITEMAP_MAX_AGE, public_document, robots_txt, sitemap_index

# Section name: its class (one instance per request). Each has the route "sitemap_<name>".
SITEMAPS = {
    "categories": CategorySitemap,
    "threads": ThreadSitemap,
    "experts": ExpertSitemap,
}

cached_sitemap = public_document(SITEMAP_MAX_AGE)
cached_feed = public_document(FEED_MAX_AGE)


def section(name):
    return path(
        f"sitemap-{name}.xml",
        cached_sitemap(sitemap),
        {"sitemaps": SITEMAPS, "section": name},
        name=f"sitemap_{name}",
    )


def feed(route, view_class, atom_class, name):
    """The RSS route /feeds/rss/<route> and the Atom route /feeds/atom/<route>."""
    return [
        path(f"feeds/rss/{route}", cached_feed(view_class()), name=name),
        path(f"feeds/atom/{route}", cached_feed(atom_class()), name=f"{name}_atom"),
    ]


seo_urlpatterns = [
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", cached_sitemap(sitemap_index), {"sitemaps": SITEMAPS}, name="sitemap"),
    *[section(name) for name in SITEMAPS],
    *feed("answered/", feeds.AnsweredFeed, feeds.AnsweredAtomFeed, "feed_answered"),
    *feed("c/<path:path>/", feeds.CategoryFeed, feeds.CategoryAtomFeed, "feed_category"),
    *feed("experts/<str:handle>/", feeds.ExpertFeed, feeds.ExpertAtomFeed, "feed_expert"),
    *feed("q/<int:pk>/", feeds.ThreadFeed, feeds.ThreadAtomFeed, "feed_thread"),
]
