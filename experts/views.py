from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import CREDENTIAL_GROUP_TITLES, ExpertProfile, Rating

PAGE_SIZE = 20


def directory(request):
    """Ask Experts: every approved expert, those with most answers first."""
    experts = (
        ExpertProfile.objects.approved()
        .with_public_answer_count()
        .select_related("user")
        .prefetch_related("categories")
        .order_by("-public_answer_count", "user__display_name", "pk")
    )
    page = Paginator(experts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "experts/directory.html", {"page_obj": page})


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
    # Averages count every rating (private ones included, as numbers only);
    # the notes shown are only those on public answers.
    ratings = Rating.objects.averages_by_expert([profile.user_id]).get(profile.user_id)
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
            "ratings": ratings,
            "thank_you_notes": notes,
            "profile": profile,
            "credential_groups": [
                (CREDENTIAL_GROUP_TITLES[kind], items) for kind, items in groups.items() if items
            ],
            "page_obj": page,
        },
    )
