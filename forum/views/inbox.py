"""The expert's inbox: what waits for them, oldest first.

Three tabs: questions addressed to them, open questions of their categories,
and follow-ups from askers waiting for their reply.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Q, Subquery
from django.shortcuts import render

from ..models import Answer, FollowUp, Question, QuestionStatus
from ..permissions import expert_profile

PAGE_SIZE = 20
TABS = ("addressed", "open", "replies")


def addressed_to(user):
    """Questions waiting for this expert by name, the longest waiting first."""
    return Question.objects.filter(
        expert=user, status=QuestionStatus.ADDRESSED, locked=False, is_hidden=False
    ).order_by("addressed_at", "pk")


def open_questions_for(profile):
    """Open questions of the expert's categories and below, not yet answered by anyone."""
    paths = list(profile.categories.values_list("path", flat=True))
    in_categories = Q(pk__in=[])
    for path in paths:
        in_categories |= Q(category__path=path) | Q(category__path__startswith=f"{path}/")
    return (
        Question.objects.filter(
            in_categories, status=QuestionStatus.OPEN, locked=False, is_hidden=False
        )
        .exclude(asker=profile.user)
        .exclude(answers__author=profile.user)
        .order_by("addressed_at", "pk")
    )


def replies_owed(user):
    """The expert's answers whose last follow-up is the asker's: each waits for a reply."""
    last = FollowUp.objects.filter(answer=OuterRef("pk"), is_hidden=False).order_by(
        "-created_at", "-pk"
    )
    return (
        Answer.objects.filter(
            author=user, is_hidden=False, question__locked=False, question__is_hidden=False
        )
        .annotate(
            last_author=Subquery(last.values("author_id")[:1]),
            waiting_since=Subquery(last.values("created_at")[:1]),
        )
        .filter(last_author=F("question__asker_id"))
        .order_by("waiting_since", "pk")
    )


@login_required
def inbox(request):
    profile = expert_profile(request.user)
    if profile is None:
        return render(request, "forum/inbox_not_expert.html")
    lists = {
        "addressed": addressed_to(request.user).with_listing_data(),
        "open": open_questions_for(profile).with_listing_data(),
        "replies": replies_owed(request.user).select_related(
            "question__category", "question__asker"
        ),
    }
    tab = request.GET.get("tab")
    tab = tab if tab in TABS else "addressed"
    page = Paginator(lists[tab], PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {name: items.count() for name, items in lists.items() if name != tab}
    counts[tab] = page.paginator.count
    return render(
        request,
        "forum/inbox.html",
        {"tab": tab, "page_obj": page, "counts": counts, "tabs": TABS},
    )
