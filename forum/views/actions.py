"""Writes on a thread: answer, decline, re-route, resolve, reopen, follow up, rate, edit, flag,
ask for a hidden post to be reviewed again.

Each view: the object must be visible to the user (else 404), the named
permission must allow the action (else 403 with the reason, nothing written),
then one action call, which checks both again under the thread's lock. A form
with errors re-renders the thread with the text kept. A GET on a POST-only URL
(a reload after a form error, signing in again) leads back to the form on the
thread, and text sent after the session expired is kept for then (forum.drafts).
"""

from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.actions import Conflict, Refused
from accounts.decorators import posting_required
from accounts.ratelimit import Rate, hit
from config.http import post_only

from .. import actions, drafts, permissions
from ..forms import (
    AnswerEditForm,
    AnswerForm,
    DeclineForm,
    FollowUpForm,
    OutcomeForm,
    RatingForm,
    RerouteForm,
)
from ..forms_moderation import FlagForm
from ..models import Answer, Flag, FollowUp, Question, QuestionStatus
from .threads import render_thread, visible_answer, visible_question


def check(allowed, user, question, default):
    if not allowed:
        raise Refused(permissions.why_not(user, question, default))


def on_question(anchor):
    """Where a GET on a question's action goes: its thread, at the form (404 if not visible)."""

    def back(request, pk):
        return visible_question(request, pk).get_absolute_url() + anchor

    return back


def on_answer(anchor):
    """Where a GET on an answer's action goes: its thread, at that answer's form."""

    def back(request, pk):
        answer = visible_answer(request, pk)
        return answer.question.get_absolute_url() + anchor.format(pk=answer.pk)

    return back


@drafts.post_only(on_question("#your-answer"))
@posting_required
def answer(request, pk):
    question = visible_question(request, pk)
    form = AnswerForm(request.POST)
    mine = question.answers.filter(author=request.user).first()
    if mine is None:
        check(
            permissions.can_answer(request.user, question),
            request.user,
            question,
            "You cannot answer this question.",
        )
    if not form.is_valid():
        if mine is not None:
            return redirect(mine)
        return render_thread(request, question, answer_form=form)
    try:
        answer, created = actions.post_answer(
            question=question, author=request.user, body=form.cleaned_data["body"], **form.details()
        )
    except actions.AlreadyAnswered as refused:
        # Another tab, or a second thought: their text goes into the edit form, not lost.
        return render_edit_answer(
            request,
            refused.answer,
            AnswerEditForm(initial={**form.cleaned_data, "base_version": refused.answer.version}),
            notice=str(refused),
        )
    if created:
        messages.success(request, "Your answer is posted.")
    return redirect(answer)


@drafts.post_only(on_question("#decline"))
@posting_required
def decline(request, pk):
    question = visible_question(request, pk)
    if question.declines.filter(expert=request.user).exists():
        return redirect("forum:inbox")  # A double click: already declined.
    check(
        permissions.can_decline(request.user, question),
        request.user,
        question,
        "Only the expert asked declines, while the question waits.",
    )
    form = DeclineForm(request.POST, auto_id="id_decline_%s")
    if not form.is_valid():
        return render_thread(request, question, decline_form=form)
    actions.decline_question(
        question=question,
        expert=request.user,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"].strip(),
        **form.referral_data(),
    )
    messages.success(request, "You declined the question. The asker can now choose another expert.")
    return redirect("forum:inbox")


@drafts.post_only(on_question("#reroute"))
@posting_required
def reroute(request, pk):
    """Send the question to another expert, or to every expert of a category.

    "Show experts for this category" posts here with action=refresh: the thread
    comes back with the form kept and the experts of the chosen category.
    """
    question = visible_question(request, pk)
    check(
        permissions.can_reroute(request.user, question),
        request.user,
        question,
        "A question goes to someone else once its expert declines it or does not answer.",
    )
    if request.POST.get("action") == "refresh":
        form = RerouteForm(initial=request.POST.dict(), question=question)
        return render_thread(request, question, reroute_form=form)
    form = RerouteForm(request.POST, question=question)
    if not form.is_valid():
        return render_thread(request, question, reroute_form=form)
    data = form.cleaned_data
    profile = data["expert"]
    try:
        actions.reroute_question(
            question=question,
            asker=request.user,
            category=data["category"],
            expert=profile.user if profile else None,
            make_public=data.get("make_public", False),
        )
    except Refused as refused:
        form.add_error(None, str(refused))
        return render_thread(request, question, reroute_form=form)
    if profile:
        messages.success(request, f"Your question was sent to {profile.user.display_name}.")
    else:
        messages.success(
            request, f"Your question is open to every expert of {data['category'].name}."
        )
    return redirect(question)


@drafts.post_only(on_question("#resolve"))
@posting_required
def resolve(request, pk):
    """Mark the question resolved; with a follow-up still waiting for a reply, ask first."""
    question = visible_question(request, pk)
    if question.status == QuestionStatus.RESOLVED and question.asker_id == request.user.pk:
        return redirect(question)  # A double click: already resolved.
    check(
        permissions.can_resolve(request.user, question),
        request.user,
        question,
        "Only the asker resolves an answered question.",
    )
    try:
        actions.resolve_question(
            question=question, asker=request.user, confirmed=request.POST.get("confirm") == "1"
        )
    except actions.ResolveWithPendingReply as pending:
        return render(
            request, "forum/resolve_confirm.html", {"question": question, "notice": str(pending)}
        )
    messages.success(request, "The question is marked resolved. Thank you!")
    return redirect(question)


@drafts.post_only(on_question("#reopen"))
@posting_required
def reopen(request, pk):
    question = visible_question(request, pk)
    check(
        permissions.can_reopen(request.user, question),
        request.user,
        question,
        "Only the asker reopens a resolved question.",
    )
    actions.reopen_question(question=question, asker=request.user)
    messages.success(request, "The question is open again: you can follow up under each answer.")
    return redirect(question)


@drafts.post_only(on_answer("#follow-up-form-{pk}"))
@posting_required
def follow_up(request, pk):
    answer = visible_answer(request, pk)
    question = answer.question
    check(
        permissions.can_follow_up(request.user, answer, question),
        request.user,
        question,
        "Only the asker and this answer's expert follow up here.",
    )
    form = FollowUpForm(request.POST, auto_id=f"id_followup_{answer.pk}_%s")
    if not form.is_valid():
        return render_thread(request, question, follow_up_form=form, for_answer=answer.pk)
    follow_up, _ = actions.post_follow_up(
        answer=answer,
        author=request.user,
        body=form.cleaned_data["body"],
        submission_key=form.cleaned_data["submission_key"],
    )
    return redirect(follow_up)


RATED = {
    "created": "Thank you for rating the answer.",
    "updated": "Your rating was updated.",
    "unchanged": "Your rating is unchanged.",
}


@drafts.post_only(on_answer("#rate-{pk}"))
@posting_required
def rate(request, pk):
    answer = visible_answer(request, pk)
    question = answer.question
    check(
        permissions.can_rate(request.user, answer, question),
        request.user,
        question,
        "Only the asker rates the answers to their question.",
    )
    form = RatingForm(request.POST, auto_id=f"id_rating_{answer.pk}_%s")
    if not form.is_valid():
        return render_thread(request, question, rating_form=form, for_answer=answer.pk)
    _, outcome = actions.rate_answer(answer=answer, rater=request.user, **form.cleaned_data)
    messages.success(request, RATED[outcome])
    return redirect(answer)


OUTCOME_SAID = {
    "created": "Thank you: the expert is told whether following their advice helped.",
    "updated": "You changed what you said about following the advice.",
    "unchanged": "That is what you had said already.",
}


@drafts.post_only(on_answer("#outcome-{pk}"))
@posting_required
def record_outcome(request, pk):
    """The asker, a week or more after an answer: "I followed the advice: it helped / not"."""
    answer = visible_answer(request, pk)
    question = answer.question
    if not permissions.can_record_outcome(request.user, answer, question):
        raise Refused(permissions.why_no_outcome(request.user, answer, question))
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose “It helped” or “It did not help”.")
        return redirect(answer)
    _, said = actions.record_outcome(
        answer=answer, asker=request.user, outcome=form.cleaned_data["outcome"]
    )
    messages.success(request, OUTCOME_SAID[said])
    return redirect(answer)


def render_edit_answer(request, answer, form, *, current=None, notice="", status=HTTPStatus.OK):
    """The edit page; with `current`, the conflict page: their text kept, the new one shown."""
    return render(
        request,
        "forum/edit_answer.html",
        {"form": form, "answer": answer, "current": current, "notice": notice},
        status=status,
    )


@drafts.keeps_draft
@posting_required
def edit_answer(request, pk):
    answer = visible_answer(request, pk)
    check(
        permissions.can_edit_answer(request.user, answer),
        request.user,
        answer.question,
        "Only its author edits an answer, while the thread is not locked.",
    )
    initial = {
        "body": answer.body,
        "base_version": answer.version,
        **{name: getattr(answer, name) for name in actions.ANSWER_DETAILS},
    }
    if request.method != "POST":
        # Text sent when the session had expired, with the version it was based on:
        # an edit made since is still a conflict when it is sent again.
        initial.update(drafts.take(request, request.path) or {})
    form = AnswerEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_answer(
                answer=answer,
                editor=request.user,
                body=form.cleaned_data["body"],
                base_version=form.cleaned_data["base_version"],
                **form.details(),
            )
        except Conflict as conflict:
            return render_edit_answer(
                request,
                answer,
                AnswerEditForm(
                    initial={**form.cleaned_data, "base_version": conflict.current.version}
                ),
                current=conflict.current,
                status=HTTPStatus.CONFLICT,
            )
        messages.success(request, "Your answer was updated.")
        return redirect(answer)
    return render_edit_answer(request, answer, form)


FLAG_TARGETS = {
    "question": lambda user: Question.objects.visible_to(user),
    "answer": lambda user: Answer.objects.visible_to(user),
    "follow-up": lambda user: FollowUp.objects.visible_to(user),
}


@drafts.keeps_draft
@posting_required
def flag(request, kind, pk):
    """A member reports a post they can see: a short form; once per post, rate-limited."""
    visible = FLAG_TARGETS.get(kind)
    if visible is None:
        raise Http404
    item = get_object_or_404(visible(request.user), pk=pk)
    if not permissions.can_flag(request.user, item):
        raise Refused("You cannot flag your own post.")
    field = actions.flag_target_field(item)
    if Flag.objects.filter(flagger=request.user, **{field: item}).exists():
        messages.info(request, "You have already flagged this. Thank you, moderators will look.")
        return redirect(item.get_absolute_url())
    kept = drafts.take(request, request.path) if request.method != "POST" else None
    form = FlagForm(request.POST or None, initial=kept)
    if request.method != "POST" or not form.is_valid():
        return render(request, "forum/flag.html", {"form": form, "item": item, "kind": kind})
    rate = Rate.parse(settings.FLAG_RATE)
    if not hit("flag", request.user.pk, rate):
        return render(
            request,
            "forum/flag_limited.html",
            {"rate": rate, "item": item},
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
    actions.flag(
        item=item,
        flagger=request.user,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"].strip(),
    )
    messages.success(request, "Thank you for the flag. A moderator will review it.")
    return redirect(item.get_absolute_url())


def _review_target(request, kind, pk):
    """The author's own hidden question or answer (404 for anything else they cannot see)."""
    visible = FLAG_TARGETS.get(kind) if kind in ("question", "answer") else None
    if visible is None:
        raise Http404
    return get_object_or_404(visible(request.user), pk=pk)


@posting_required
@post_only(lambda request, kind, pk: _review_target(request, kind, pk).get_absolute_url())
def request_review(request, kind, pk):
    """The author of a hidden post, edited since, asks the moderators to look again: once."""
    item = _review_target(request, kind, pk)
    if not permissions.can_request_review(request.user, item):
        raise Refused(permissions.why_no_review(request.user, item))
    actions.request_review(item=item, author=request.user)
    messages.success(
        request, "Asked. A moderator will review it again and you will hear the outcome."
    )
    return redirect(item.get_absolute_url())
