"""Pages anyone can read: the experts directory and a profile."""

from django.apps import apps
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import pluralize

from config.pagecache import anonymous_cache

from .. import scorecard
from ..models import (
    CREDENTIAL_GROUP_TITLES,
    DEFAULT_EXPERT_ORDER,
    EXPERT_ORDERS,
    ExpertProfile,
    Rating,
)
from ..structured_data import profile_meta

PAGE_SIZE = 20


@anonymous_cache
def directory(request):
    """Ask Experts: every approved expert, or a category's (?category=<path>), in the order the
    visitor picks."""
    order = request.GET.get("order")
    order = order if order in EXPERT_ORDERS else DEFAULT_EXPERT_ORDER
    category = None
    if path := request.GET.get("category"):
        # Through the app registry: experts does not import forum's models.
        category = get_object_or_404(apps.get_model("forum", "Category"), path=path)
    experts = (
        ExpertProfile.objects.in_category(category)
        if category
        else ExpertProfile.objects.approved()
    )
    experts = (
        experts.ordered_by(order)
        .with_questions_today()
        .select_related("user")
        .prefetch_related("categories")
    )
    page = Paginator(experts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "experts/directory.html",
        {
            "page_obj": page,
            "order": order,
            "orders": EXPERT_ORDERS,
            "category": category,
            "ancestors": category.ancestors() if category else [],
            # Whether an open question asked in the category would reach anyone.
            "served": category and ExpertProfile.objects.serve(category),
        },
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
    charts = scorecard.charts(profile)
    # The chart covers 12 months: when it is empty, say that older answers exist.
    recent = sum(n for _, n in charts["months"])
    earlier = page.paginator.count - recent
    months_note = (
        f"No answers in the last 12 months; {earlier} earlier answer{pluralize(earlier)}."
        if earlier > 0 and not recent
        else ""
    )
    return render(
        request,
        "experts/profile.html",
        {
            "profile": profile,
            "charts": charts,
            "months_note": months_note,
            "thank_you_notes": notes,
            "credential_groups": [
                (CREDENTIAL_GROUP_TITLES[kind], items) for kind, items in groups.items() if items
            ],
            "page_obj": page,
            # Canonical, Open Graph and JSON-LD; "noindex" for a profile visitors cannot open.
            "page_meta": profile_meta(
                profile, answer_count=page.paginator.count, page_number=page.number
            ),
        },
    )
