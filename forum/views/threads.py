"""The thread page: a question, its answers and each answer's follow-ups."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import strip_tags
from django.utils.text import Truncator

from ..models import Answer, FollowUp, Question


def question_detail(request, pk, slug=None):
    user = request.user
    question = get_object_or_404(
        Question.objects.visible_to(user).select_related(
            "category", "asker", "expert__expert_profile"
        ),
        pk=pk,
    )
    if slug != question.slug:
        return redirect(question, permanent=True)
    answers = list(
        question.answers.shown_to(user)
        .select_related("author__expert_profile")
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.shown_to(user).select_related("author"),
            )
        )
    )
    # One card per answering expert; before any answer, the addressed expert.
    experts = list({answer.author_id: answer.author for answer in answers}.values())
    if not experts and question.expert:
        experts = [question.expert]
    return render(
        request,
        "forum/question.html",
        {
            "question": question,
            "ancestors": question.category.ancestors(),
            "answers": answers,
            "experts": [e for e in experts if hasattr(e, "expert_profile")],
            "meta_description": Truncator(" ".join(strip_tags(question.body_html).split())).chars(
                160
            ),
        },
    )


def answer_redirect(request, pk):
    """A stable link to one answer, wherever its question moves."""
    answer = get_object_or_404(Answer.objects.visible_to(request.user), pk=pk)
    return redirect(answer.get_absolute_url())
