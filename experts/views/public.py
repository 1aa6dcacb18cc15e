"""Pages anyone can read: the experts directory and a profile."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from config.pagecache import anonymous_cache

from .. import scorecard
from ..models import (
    CREDENTIAL_GROUP_TITLES,
    DEFAULT_EXPERT_ORDER,
    EXPERT_ORDERS,
    ExpertProfile,
    Rating,
)

PAGE_SIZE = 20


@anonymous_cache
def directory(request):
    """Ask Experts: every approved expert, in the order the visitor picks."""
    order = request.GET.get("order")
    order = order if order in EXPERT_ORDERS else DEFAULT_EXPERT_ORDER
    experts = (
        ExpertProfile.objects.approved()
        .ordered_by(order)
        .with_questions_today()
        .select_related("user")
        .prefetch_related("categories")
    )
    page = Paginator(experts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "experts/directory.html",
        {"page_obj": page, "order": order, "orders": EXPERT_ORDERS},
    )


@anonymous_cache
def profile(request, handle):
    profile = get_object_or_404(
        ExpertProfile.objects.visible_to(request.user)
        .select_related("user")
        .prefetch_related("credentials", "categories"),
        user__handle=handle,
    )
    groups = {kind: [] for kind in CREDENTIAL_GROUP_TITLES}
    for credential in profile.credentials.all():
        groups[credential.kind].append(credential)
    answers = (
        profile.user.answers.public()
        .select_related("question__category")
        .order_by("-created_at", "-id")
    )
    page = Paginator(answers, PAGE_SIZE).get_page(request.GET.get("page"))
    notes = (
        Rating.objects.shown()
        .filter(expert=profile.user)
        .exclude(thank_you_note="")
        .select_related("rater", "answer__question")
        .order_by("-created_at")[:5]
    )
    return render(
        request,
        "experts/profile.html",
        {
            "profile": profile,
            "charts": scorecard.charts(profile),
            "thank_you_notes": notes,
            "credential_groups": [
                (CREDENTIAL_GROUP_TITLES[kind], items) for kind, items in groups.items() if items
            ],
            "page_obj": page,
        },
    )
