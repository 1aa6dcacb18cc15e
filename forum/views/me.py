"""Pages about the signed-in member's own activity."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from ..models import Question

PAGE_SIZE = 20


@login_required
def my_questions(request):
    questions = (
        Question.objects.filter(asker=request.user)
        .with_listing_data()
        .order_by("-created_at", "-id")
    )
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "forum/my_questions.html", {"page_obj": page})
