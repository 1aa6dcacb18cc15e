"""The expert's inbox: questions addressed to them and open ones in their categories."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from ..models import Question, QuestionStatus
from ..permissions import expert_profile

PAGE_SIZE = 20


def open_questions_for(profile):
    """Open (unaddressed) questions in the expert's categories and below, still taking answers."""
    paths = list(profile.categories.values_list("path", flat=True))
    in_categories = Q(pk__in=[])
    for path in paths:
        in_categories |= Q(category__path=path) | Q(category__path__startswith=f"{path}/")
    return (
        Question.objects.filter(
            in_categories,
            expert__isnull=True,
            status__in=[QuestionStatus.AWAITING, QuestionStatus.ANSWERED],
            locked=False,
            is_hidden=False,
        )
        .exclude(asker=profile.user)
        .exclude(answers__author=profile.user)
    )


@login_required
def inbox(request):
    profile = expert_profile(request.user)
    if profile is None:
        return render(request, "forum/inbox_not_expert.html")
    addressed = Question.objects.filter(
        expert=request.user, status=QuestionStatus.AWAITING, locked=False, is_hidden=False
    )
    open_ = open_questions_for(profile)
    tab = "open" if request.GET.get("tab") == "open" else "addressed"
    current = addressed if tab == "addressed" else open_
    page = Paginator(
        current.with_listing_data().order_by("-created_at", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/inbox.html",
        {
            "tab": tab,
            "page_obj": page,
            "addressed_count": addressed.count() if tab != "addressed" else page.paginator.count,
            "open_count": open_.count() if tab != "open" else page.paginator.count,
        },
    )
