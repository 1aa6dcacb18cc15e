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
from ..guidance import guidance_by_category
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
        return ask_page(request, form, expert, preview=preview, similar=similar)
    form = AskForm(request.POST or None, initial=initial, asker=request.user, expert=expert)
    if request.method == "POST":
        if not form.is_valid():
            return ask_page(request, form, expert)
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
            return ask_page(
                request,
                form,
                expert,
                template="forum/rate_limited.html",
                status=HTTPStatus.TOO_MANY_REQUESTS,
                rate=rate,
                wait=describe_wait(wait) if wait else None,
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
            return ask_page(request, form, expert)
        if created:
            messages.success(
                request,
                "Your question was sent. Its answer will appear here and under My questions.",
            )
        return redirect(question)
    return ask_page(request, form, expert)


def ask_page(request, form, expert, *, template="forum/ask.html", status=200, **extra):
    """The ask form, with the guidance of the chosen category before the question is written.

    Without JavaScript the guidance shown is the preselected category's, or the one
    chosen before "Show experts for this category" (or Preview) sent the form back.
    With it, static/js/ask.js shows the guidance of each category as it is chosen,
    from the `guidance` data: {"texts": [...], "of": {category id: index in texts}}.
    """
    guidance = guidance_by_category()
    texts = list(dict.fromkeys(guidance.values()))
    index = {text: n for n, text in enumerate(texts)}
    chosen = chosen_category_id(form)
    context = {
        "form": form,
        "expert": expert,
        "guidance": guidance.get(chosen, ""),
        "guidance_data": {
            "texts": texts,
            "of": {str(pk): index[text] for pk, text in guidance.items()},
        },
        **extra,
    }
    return render(request, template, context, status=status)


def chosen_category_id(form):
    """The id of the category the form shows as chosen, or None."""
    value = form["category"].value()
    if isinstance(value, Category):
        value = value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
