"""Asking a question, open to a category or addressed to one expert."""

from datetime import timedelta
from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.actions import Refused
from accounts.decorators import posting_required
from accounts.ratelimit import Rate, describe_wait, hit, retry_after
from experts.models import ExpertProfile

from .. import drafts, search
from ..actions import ask_question
from ..forms import AskForm
from ..markdown import MAX_BODY_LENGTH, render_markdown
from ..models import Category, Question


def ask_rate(user) -> Rate:
    """New accounts get the stricter limit: most spam comes from them."""
    new = user.date_joined > timezone.now() - timedelta(days=settings.NEW_ACCOUNT_DAYS)
    return Rate.parse(settings.ASK_RATE_NEW_ACCOUNT if new else settings.ASK_RATE)


@drafts.keeps_draft
@posting_required
def ask(request, handle=None):
    expert = None
    if handle is not None:
        expert = get_object_or_404(
            ExpertProfile.objects.approved().select_related("user"), user__handle=handle
        )
    initial = {}
    category_path = request.GET.get("category")
    if category_path:
        initial["category"] = Category.objects.filter(path=category_path).first()
    if expert is not None:
        initial["expert"] = expert
        only = list(expert.categories.all()[:2])
        if len(only) == 1:
            initial.setdefault("category", only[0])
    if request.method != "POST":
        # A question sent after the session expired: back in the form, to check and send.
        initial.update(drafts.take(request, request.path) or {})
    if request.method == "POST" and request.POST.get("action") == "preview":
        # Preview (and, without JavaScript, refreshing the experts for a new
        # category) shows what was typed without judging it yet.
        form = AskForm(initial=request.POST.dict(), asker=request.user, expert=expert)
        body = request.POST.get("body", "")
        preview = render_markdown(body[:MAX_BODY_LENGTH]) if body.strip() else None
        # Without JavaScript, Preview is also when similar questions are shown.
        similar = search.similar_questions(request.POST.get("title", ""))
        return render(
            request,
            "forum/ask.html",
            {"form": form, "expert": expert, "preview": preview, "similar": similar},
        )
    form = AskForm(request.POST or None, initial=initial, asker=request.user, expert=expert)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "forum/ask.html", {"form": form, "expert": expert})
        data = form.cleaned_data
        # A second submit of the same form lands on the question the first made,
        # before the rate limit counts it: a triple click is one question.
        asked = Question.objects.filter(
            asker=request.user, submission_key=data["submission_key"]
        ).first()
        if asked is not None:
            return redirect(asked)
        rate = ask_rate(request.user)
        if not hit("ask", request.user.pk, rate):
            wait = retry_after("ask", request.user.pk, rate)
            return render(
                request,
                "forum/rate_limited.html",
                {
                    "form": form,
                    "expert": expert,
                    "rate": rate,
                    "wait": describe_wait(wait) if wait else None,
                },
                status=HTTPStatus.TOO_MANY_REQUESTS,
            )
        try:
            question, created = ask_question(
                asker=request.user,
                category=data["category"],
                expert=data["expert"].user if data["expert"] else None,
                title=data["title"],
                body=data["body"],
                visibility=data["visibility"],
                submission_key=data["submission_key"],
            )
        except Refused as refused:
            # Something changed since the form was checked (the expert's daily limit
            # filled up, say): the reason goes with the form, and the question stays in it.
            form.add_error("expert" if data["expert"] else None, str(refused))
            return render(request, "forum/ask.html", {"form": form, "expert": expert})
        if created:
            messages.success(
                request,
                "Your question was sent. Its answer will appear here and under My questions.",
            )
        return redirect(question)
    return render(request, "forum/ask.html", {"form": form, "expert": expert})
