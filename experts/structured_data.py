"""An expert's profile as search engines and link previews read it (ProfilePage / Person),
and the pieces every page's description shares.

The shared pieces live here rather than in forum.structured_data because forum imports
experts and experts never imports forum. forum.structured_data explains `page_meta`.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator

from accounts.roles import is_suspended

SCHEMA = "https://schema.org"
DESCRIPTION_LENGTH = 160


def absolute(path):
    """SITE_URL, never the request's host: the page cache serves one copy to every visitor."""
    return f"{settings.SITE_URL}{path}"


def iso(moment):
    """schema.org wants ISO 8601 with the offset: "2026-12-01T09:30:00+00:00"."""
    return moment.isoformat(timespec="seconds") if moment else None


def noindex():
    """A page no search engine should keep, described by nothing else."""
    return {"canonical": None, "noindex": True, "og": None, "graph": None}


def page_meta(*, url, title, description, kind, graph):
    return {
        "canonical": url,
        "noindex": False,
        "og": {"type": kind, "title": title, "description": description, "url": url},
        "graph": {"@context": SCHEMA, "@graph": graph} if graph else None,
    }


def paged(path, page_number):
    """Page 2 onwards of a list is a page of its own, with its own canonical address."""
    return f"{path}?page={page_number}" if page_number > 1 else path


def breadcrumb_list(trail, page_url):
    """A BreadcrumbList of the "You are here" trail's (name, path) pairs, Home first.

    Its @id lets the page's own item point at it.
    """
    return {
        "@type": "BreadcrumbList",
        "@id": f"{page_url}#breadcrumb",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute(path)}
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def profile_is_public(profile, user):
    """What ExpertProfile.objects.approved() admits, for a profile and its user already loaded."""
    return profile.is_approved and user.is_active and not is_suspended(user)


def person(user):
    """A Person: the name, and a link to the expert's profile when a visitor may open it."""
    found = {"@type": "Person", "name": user.display_name}
    profile = getattr(user, "expert_profile", None)
    if profile is not None and profile_is_public(profile, user):
        found["url"] = absolute(profile.get_absolute_url())
    return found


def profile_meta(profile, *, answer_count, page_number=1):
    """page_meta for an expert's profile. `answer_count`: the public answers the page counts.

    A profile a visitor cannot open (pending, refused, suspended) is described by nothing
    but "noindex", for its owner and for moderators alike.
    """
    user = profile.user
    if not profile_is_public(profile, user):
        return noindex()
    profile_url = absolute(profile.get_absolute_url())
    url = absolute(paged(profile.get_absolute_url(), page_number))
    trail = [
        ("Home", reverse("home")),
        ("Ask Experts", reverse("experts:directory")),
        (user.display_name, profile.get_absolute_url()),
    ]
    breadcrumbs = breadcrumb_list(trail, url)
    entity = {
        "@type": "Person",
        "@id": f"{profile_url}#person",
        "name": user.display_name,
        "alternateName": user.handle,
        "url": profile_url,
        "description": profile.headline,
        # The headline is the one line an expert writes about their work
        # ("Sports massage therapist"): what jobTitle means.
        "jobTitle": profile.headline,
        "knowsAbout": [category.name for category in profile.categories.all()],
        # Answers written, as the page counts them (Google reads this as the
        # person's posts).
        "agentInteractionStatistic": {
            "@type": "InteractionCounter",
            "interactionType": f"{SCHEMA}/WriteAction",
            "userInteractionCount": answer_count,
        },
    }
    if profile.location:
        entity["homeLocation"] = {"@type": "Place", "name": profile.location}
    title = f"{user.display_name} — {profile.headline}"
    return page_meta(
        url=url,
        title=title,
        # What <meta name="description"> says: the start of "What I can answer".
        description=Truncator(" ".join(profile.expertise.split())).chars(DESCRIPTION_LENGTH),
        kind="profile",
        graph=[
            {
                "@type": "ProfilePage",
                "@id": url,
                "url": url,
                "name": title,
                # "Expert since": the day the profile went public, as the page says.
                "dateCreated": iso(profile.approved_at or profile.created_at),
                "breadcrumb": {"@id": breadcrumbs["@id"]},
                "mainEntity": entity,
            },
            breadcrumbs,
        ],
    )
