"""Asking a question, open to a category or addressed to one expert."""

import math
import time
from datetime import timedelta
from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.actions import Refused
from accounts.decorators import posting_required
from accounts.ratelimit import Rate, hit
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


def count_ask(user) -> tuple[bool, Rate, int | None]:
    """Count one question against the asker's rate: (allowed, rate, seconds left to wait).

    The counter's window starts with its first question (accounts.ratelimit); its start
    is noted beside it, so a refusal can say when asking works again. None: not known
    (the cache lost it), and the page says "a while".
    """
    rate = ask_rate(user)
    allowed = hit("ask", user.pk, rate)
    key = f"ratelimit-window:ask:{user.pk}"
    cache.add(key, time.time(), timeout=rate.seconds)
    if allowed:
        return True, rate, None
    started = cache.get(key)
    if started is None:
        return False, rate, None
    return False, rate, max(1, math.ceil(started + rate.seconds - time.time()))


def wait_text(seconds) -> str:
    """ "12 minutes", "1 hour 5 minutes": how long until asking works again, rounded up."""
    minutes = max(1, math.ceil(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


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
        allowed, rate, wait = count_ask(request.user)
        if not allowed:
            return render(
                request,
                "forum/rate_limited.html",
                {
                    "form": form,
                    "expert": expert,
                    "rate": rate,
                    "wait": wait_text(wait) if wait else None,
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
