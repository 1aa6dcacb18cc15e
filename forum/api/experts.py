"""GET /experts and /experts/{handle}: approved experts and their profiles."""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from experts.models import ExpertProfile
from experts.views.cards import with_card_credentials

from .auth import reader
from .common import DEFAULT_LIMIT, ERRORS, MAX_LIMIT, category_ref, decode_cursor, encode_cursor
from .schemas import ExpertDetail, ExpertPage

router = Router(tags=["experts"])


class ExpertFilters(Schema):
    cursor: str | None = Field(
        None, max_length=200, description="`next_cursor` of the page before; none for the first."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


def scorecard(profile):
    median = profile.median_response
    return {
        "answer_total": profile.answer_total,
        "rating_total": profile.rating_total,
        "rating_average": profile.rating_average,
        "knowledgeability_average": profile.knowledgeability_average,
        "clarity_average": profile.clarity_average,
        "politeness_average": profile.politeness_average,
        "median_response_seconds": median.total_seconds() if median is not None else None,
        "decline_share": profile.decline_share,
        "last_answer_at": profile.last_answer_at,
        "referral_total": profile.referral_total,
        "outcome_helped": profile.outcome_helped,
        "outcome_not_helped": profile.outcome_not_helped,
    }


def expert_summary(profile):
    user = profile.user
    return {
        "handle": user.handle,
        "display_name": user.display_name,
        "headline": profile.headline,
        "url": profile.get_absolute_url(),
        "categories": [category_ref(c) for c in profile.categories.all()],
        "available": profile.is_available,
        "scorecard": scorecard(profile),
    }


@router.get("", response={200: ExpertPage, **ERRORS}, summary="Approved experts, by handle")
def experts(request, filters: Query[ExpertFilters]):
    """Every approved expert (as the “Ask Experts” directory lists them), ordered by
    handle. Keyset-paged: experts approved meanwhile never shift a later page."""
    found = ExpertProfile.objects.approved()
    if filters.cursor:
        (handle,) = decode_cursor(filters.cursor, (str,))
        found = found.filter(user__handle__gt=handle)
    rows = list(
        found.select_related("user")
        .prefetch_related("categories")
        .order_by("user__handle")[: filters.limit + 1]
    )
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {
        "items": [expert_summary(p) for p in rows],
        "next_cursor": encode_cursor(rows[-1].user.handle) if more else None,
    }


@router.get(
    "/{handle}",
    response={200: ExpertDetail, **ERRORS},
    summary="An expert's profile, verified credentials and scorecard",
)
def expert(request, handle: str):
    """The profile the expert's page shows the reader (an expert not approved is a 404 but
    to themselves, with a token, and to moderators). Only credentials the moderators
    verified are listed."""
    user = reader(request)
    profile = get_object_or_404(
        ExpertProfile.objects.visible_to(user)
        .select_related("user")
        .prefetch_related("categories"),
        user__handle=handle.strip().lower()[:150],
    )
    with_card_credentials([profile])
    return {
        **expert_summary(profile),
        "expertise": profile.expertise,
        "experience": profile.experience,
        "location": profile.location,
        "interests": profile.interests,
        "away_message": profile.away_message if profile.is_away else "",
        "approved_at": profile.approved_at,
        "verified_credentials": [
            {
                "kind": c.kind,
                "title": c.title,
                "issuer": c.issuer,
                "year": c.year,
                "link": c.link,
                "verified_at": c.verified_at,
            }
            for c in profile.verified_credentials
        ],
    }
