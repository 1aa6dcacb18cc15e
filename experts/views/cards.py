"""What the expert card beside a thread shows, loaded for many experts at once."""

from django.db.models import Prefetch, Q, prefetch_related_objects

from ..models import CREDENTIAL_GROUP_TITLES, Credential, CredentialKind

# The credentials the card lists under its own headings, as the original
# AllExperts card did: where the expert works and whom they served.
CARD_KINDS = (CredentialKind.ORGANIZATION, CredentialKind.CLIENTS)


def with_card_credentials(profiles):
    """Give each profile `verified_credentials` (the badges beside the expert's name, newest
    first) and `card_groups`, [(heading, credentials)] for its organizations and clients:
    one query for all the profiles, none in the templates.

    Profiles that already have them are left alone, so a thread that loads them for its
    answers does not load them again for its cards.
    """
    profiles = [p for p in profiles if not hasattr(p, "verified_credentials")]
    prefetch_related_objects(
        profiles,
        Prefetch(
            "credentials",
            queryset=Credential.objects.filter(
                Q(verified_at__isnull=False) | Q(kind__in=CARD_KINDS)
            ),
            to_attr="card_credentials",
        ),
    )
    for profile in profiles:
        credentials = profile.card_credentials
        profile.verified_credentials = sorted(
            (c for c in credentials if c.is_verified), key=lambda c: c.verified_at, reverse=True
        )
        groups = [
            (CREDENTIAL_GROUP_TITLES[kind], [c for c in credentials if c.kind == kind])
            for kind in CARD_KINDS
        ]
        profile.card_groups = [(title, items) for title, items in groups if items]
