"""Moderation pages: the queue, the hidden posts, actions on content, and history."""

import difflib
from collections import defaultdict
from functools import partial
from http import HTTPStatus

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.actions import Conflict
from accounts.decorators import moderator_required
from accounts.models import ReasonUse
from accounts.reasons import canned_reasons
from config.http import post_only
from experts.views.moderation import pending_work

from .. import actions
from ..forms_moderation import (
    AnswerModerationEditForm,
    HideForm,
    KeepHiddenForm,
    LockForm,
    OptionalReasonForm,
    QuestionEditForm,
)
from ..models import (
    FLAG_FIELDS,
    Answer,
    AnswerRevision,
    Flag,
    FlagReason,
    FollowUp,
    Question,
    QuestionRevision,
    flagged_post,
)
from ..pending import review_requests_q

PAGE_SIZE = 20
QUEUE_LIMIT = 20

# URL kinds of the three moderated models.
KINDS = {"question": Question, "answer": Answer, "follow-up": FollowUp}
RELATED = {
    Question: ["category", "asker"],
    Answer: ["question__category", "author"],
    FollowUp: ["answer__question__category", "answer__author", "author"],
}


def open_flag_groups():
    """Open flags grouped by post: rows of the three post ids, count and latest, most first."""
    return (
        Flag.objects.open()
        .values("question_id", "answer_id", "follow_up_id")
        .annotate(count=Count("id"), latest=Max("created_at"))
        .order_by("-count", "-latest")
    )


def get_item(kind, pk):
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(model.objects.select_related(*RELATED[model]), pk=pk)


def on_item(kind=None):
    """Where a GET on an action about a post goes (a reload after it): the post."""

    def back(request, pk, **kwargs):
        return get_item(kwargs.get("kind", kind), pk).get_absolute_url()

    return back


def on_history(request, kind, pk):
    model = {"question": QuestionRevision, "answer": AnswerRevision}.get(kind)
    if model is None:
        raise Http404
    revision = get_object_or_404(model, pk=pk)
    item_pk = revision.answer_id if kind == "answer" else revision.question_id
    return reverse("moderation:history", kwargs={"kind": kind, "pk": item_pk})


def back_to(request, item):
    """Where to go after an action: the list it came from, else the thread."""
    if request.POST.get("next") == "queue":
        return redirect("moderation:queue")
    if request.POST.get("next") == "hidden":
        return redirect(reverse("moderation:hidden") + f"?kind={request.POST.get('kind', '')}")
    return redirect(item.get_absolute_url())


@moderator_required
def queue(request):
    """Open flags grouped by item, most flagged and newest first, then expert work."""
    page = Paginator(open_flag_groups(), PAGE_SIZE).get_page(request.GET.get("page"))
    groups = list(page)
    ids = {field: [g[f"{field}_id"] for g in groups if g[f"{field}_id"]] for field in FLAG_FIELDS}
    items = {
        field: model.objects.select_related(*RELATED[model]).in_bulk(ids[field])
        for field, model in zip(FLAG_FIELDS, (Question, Answer, FollowUp), strict=True)
    }
    flags = defaultdict(list)
    for flag in (
        Flag.objects.open()
        .filter(
            Q(question_id__in=ids["question"])
            | Q(answer_id__in=ids["answer"])
            | Q(follow_up_id__in=ids["follow_up"])
        )
        .select_related("flagger")
        .order_by("-created_at")
    ):
        flags[flagged_post(partial(getattr, flag))].append(flag)
    entries = []
    for group in groups:
        field, pk = flagged_post(group.get)
        item = items[field].get(pk)
        if item is not None:
            entries.append(
                {
                    "kind": field.replace("_", "-"),
                    "item": item,
                    "count": group["count"],
                    "flags": flags[(field, pk)],
                    # Flagged as an undisclosed conflict of interest: a disclosure is offered.
                    "conflict": any(f.reason == FlagReason.CONFLICT for f in flags[(field, pk)]),
                }
            )
    work = pending_work()
    reviews = review_requests()
    return render(
        request,
        "moderation/queue.html",
        {
            "page_obj": page,
            "entries": entries,
            "hide_reasons": canned_reasons(ReasonUse.HIDE),
            "reviews": reviews[:QUEUE_LIMIT],
            "review_count": len(reviews),
            "applications": work["applications"][:QUEUE_LIMIT],
            "application_count": work["applications"].count(),
            "credentials": work["credentials"][:QUEUE_LIMIT],
            "credential_count": work["credentials"].count(),
            "category_requests": work["category_requests"][:QUEUE_LIMIT],
            "category_request_count": work["category_requests"].count(),
        },
    )


def review_requests():
    """Hidden posts whose authors edited them and asked for a second look, oldest request first.

    A request counts until a moderator restores the post or keeps it hidden
    (which moves its hidden_at past the request).
    """
    found = []
    for kind in ("question", "answer"):
        model = KINDS[kind]
        waiting = (
            model.objects.filter(**review_requests_q())
            .select_related("hidden_by", *RELATED[model])
            .order_by("review_requested_at", "pk")
        )
        found += [{"kind": kind, "item": item} for item in waiting[: QUEUE_LIMIT * 5]]
    return sorted(found, key=lambda entry: entry["item"].review_requested_at)


@moderator_required
def hidden(request):
    """Everything hidden now, one kind of post at a time, most recently hidden first:
    by whom (or automatically, by flags), when and why, with a way to restore it."""
    kind = request.GET.get("kind")
    kind = kind if kind in KINDS else "answer"
    model = KINDS[kind]
    posts = (
        model.objects.filter(is_hidden=True)
        .select_related("hidden_by", *RELATED[model])
        .order_by("-hidden_at", "-pk")
    )
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {name: m.objects.filter(is_hidden=True).count() for name, m in KINDS.items()}
    return render(
        request,
        "moderation/hidden.html",
        {"kind": kind, "kinds": KINDS, "page_obj": page, "counts": counts},
    )


@moderator_required
@post_only(on_item())
def hide(request, kind, pk):
    item = get_item(kind, pk)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", ["Give a reason for hiding."])))
        return back_to(request, item)
    actions.hide(item=item, moderator=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, "Hidden. Its author sees your reason; visitors no longer see it.")
    return back_to(request, item)


@moderator_required
@post_only(on_item())
def keep_hidden(request, kind, pk):
    """The answer to an author's review request: no, with a reason."""
    item = get_item(kind, pk)
    form = KeepHiddenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", ["Give a reason."])))
        return back_to(request, item)
    actions.keep_hidden(item=item, moderator=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, "It stays hidden; its author is told why.")
    return back_to(request, item)


@moderator_required
@post_only(on_item())
def restore(request, kind, pk):
    item = get_item(kind, pk)
    form = OptionalReasonForm(request.POST)
    form.is_valid()
    actions.restore(item=item, moderator=request.user, reason=form.cleaned_data.get("reason", ""))
    messages.success(request, "Restored: everyone who may see the thread sees it again.")
    return back_to(request, item)


@moderator_required
@post_only(on_item())
def dismiss(request, kind, pk):
    item = get_item(kind, pk)
    count = actions.dismiss_flags(item=item, moderator=request.user)
    messages.success(request, f"Dismissed {count} flag{'s' if count != 1 else ''}.")
    return back_to(request, item)


@moderator_required
@post_only(on_item("answer"))
def feature(request, pk):
    answer = get_item("answer", pk)
    featured = request.POST.get("featured") == "1"
    actions.set_featured(answer=answer, moderator=request.user, featured=featured)
    messages.success(
        request, "Featured as an editor's pick." if featured else "No longer featured."
    )
    return back_to(request, answer)


@moderator_required
@post_only(on_item("question"))
def lock(request, pk):
    question = get_item("question", pk)
    locked = request.POST.get("locked") == "1"
    form = LockForm(request.POST)
    form.required_reason = locked
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", ["Give a reason."])))
        return back_to(request, question)
    reason = form.cleaned_data["reason"]
    actions.set_locked(question=question, moderator=request.user, locked=locked, reason=reason)
    messages.success(
        request,
        "The thread is locked; its asker and experts are told."
        if locked
        else "The thread is unlocked; its asker and experts are told.",
    )
    return back_to(request, question)


@moderator_required
def edit_question(request, pk):
    question = get_item("question", pk)
    form = QuestionEditForm(
        request.POST or None,
        initial={
            "title": question.title,
            "category": question.category,
            "body": question.body,
            "base_version": question.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.edit_question(
                question=question,
                moderator=request.user,
                title=data["title"],
                body=data["body"],
                category=data["category"],
                reason=data["reason"],
                base_version=data["base_version"],
            )
        except Conflict as conflict:
            form = QuestionEditForm(initial={**data, "base_version": conflict.current.version})
            return render(
                request,
                "moderation/edit_question.html",
                {"form": form, "question": question, "current": conflict.current},
                status=HTTPStatus.CONFLICT,
            )
        messages.success(request, "The question was updated; the earlier version is kept.")
        return redirect(question.get_absolute_url())
    return render(request, "moderation/edit_question.html", {"form": form, "question": question})


@moderator_required
def edit_answer(request, pk):
    answer = get_item("answer", pk)
    form = AnswerModerationEditForm(
        request.POST or None, initial={"body": answer.body, "base_version": answer.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.moderator_edit_answer(
                answer=answer,
                moderator=request.user,
                body=data["body"],
                reason=data["reason"],
                base_version=data["base_version"],
            )
        except Conflict as conflict:
            form = AnswerModerationEditForm(
                initial={**data, "base_version": conflict.current.version}
            )
            return render(
                request,
                "moderation/edit_answer.html",
                {"form": form, "answer": answer, "current": conflict.current},
                status=HTTPStatus.CONFLICT,
            )
        messages.success(request, "The answer was updated; the earlier version is kept.")
        return redirect(answer.get_absolute_url())
    return render(request, "moderation/edit_answer.html", {"form": form, "answer": answer})


def _diff(old, new):
    """Line-by-line differences as (kind, text) pairs: kind is "+", "-" or " "."""
    lines = difflib.ndiff(old.splitlines(), new.splitlines())
    return [(line[0], line[2:]) for line in lines if not line.startswith("?")]


@moderator_required
def history(request, kind, pk):
    """Every earlier version of a question or answer, each against the one after it."""
    item = get_item(kind, pk)
    if isinstance(item, Question):
        revisions = list(item.revisions.select_related("edited_by"))
        current = f"{item.title}\n\n{item.body}"
        texts = [f"{r.title}\n\n{r.body}" for r in revisions]
    elif isinstance(item, Answer):
        revisions = list(item.revisions.select_related("edited_by"))
        current = item.body
        texts = [r.body for r in revisions]
    else:
        raise Http404
    # Each revision is shown against the version that replaced it.
    newer = [current, *texts][: len(texts)]
    versions = [
        {"revision": revision, "diff": _diff(text, after)}
        for revision, text, after in zip(revisions, texts, newer, strict=True)
    ]
    return render(
        request,
        "moderation/history.html",
        {"item": item, "kind": kind, "versions": versions},
    )


@moderator_required
@post_only(on_history)
def rollback(request, kind, pk):
    model = {"question": QuestionRevision, "answer": AnswerRevision}.get(kind)
    if model is None:
        raise Http404
    revision = get_object_or_404(model, pk=pk)
    item = revision.answer if kind == "answer" else revision.question
    base = request.POST.get("base_version", "")
    try:
        target = actions.roll_back(
            revision=revision,
            moderator=request.user,
            base_version=int(base) if base.isdigit() else None,
        )
    except Conflict:
        messages.error(
            request,
            "Nothing was rolled back: the text changed since you opened this page. "
            "Here is the history as it is now.",
        )
        return redirect("moderation:history", kind=kind, pk=item.pk)
    messages.success(request, "The earlier version is back; the replaced text is kept too.")
    return redirect(target.get_absolute_url())
