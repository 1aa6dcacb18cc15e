"""The asker's own question before it is answered: edit it, withdraw it, ask it again.

As in forum.views.actions: the question must be visible to the user (else 404),
the named permission must allow the step (else 403 with the reason, nothing
written), then one action, which checks both again under the thread's lock.
"""

from http import HTTPStatus

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts.actions import Conflict, Refused
from accounts.decorators import posting_required

from .. import actions, drafts, lifecycle, permissions
from ..forms import QuestionAskerEditForm
from ..models import QuestionStatus
from .actions import check, on_question
from .threads import visible_question


def _render_edit(request, question, form, *, current=None, status=HTTPStatus.OK):
    return render(
        request,
        "forum/edit_question.html",
        {"question": question, "form": form, "current": current},
        status=status,
    )


@drafts.keeps_draft
@posting_required
def edit_question(request, pk):
    question = visible_question(request, pk)
    check(
        permissions.can_edit_question(request.user, question),
        request.user,
        question,
        "You can edit your question until it is answered.",
    )
    if request.method != "POST":
        form = QuestionAskerEditForm.for_question(question)
        kept = drafts.take(request, request.path)
        if kept:
            form = QuestionAskerEditForm(initial={**form.initial, **kept}, question=question)
        return _render_edit(request, question, form)
    form = QuestionAskerEditForm(request.POST, question=question)
    if not form.is_valid():
        return _render_edit(request, question, form)
    data = form.cleaned_data
    try:
        question, outcome = actions.edit_own_question(
            question=question,
            asker=request.user,
            title=data["title"],
            body=data["body"],
            category=data["category"],
            visibility=data["visibility"],
            base_version=data["base_version"],
        )
    except Conflict as conflict:
        # Nothing saved: their text stays in the form, based now on the current version.
        form = QuestionAskerEditForm(
            initial={**data, "base_version": conflict.current.version}, question=question
        )
        return _render_edit(
            request, question, form, current=conflict.current, status=HTTPStatus.CONFLICT
        )
    except Refused as refused:
        form.add_error(None, str(refused))
        return _render_edit(request, question, form)
    if outcome == "opened":
        messages.success(
            request,
            f"Your question was updated. It is now open to every expert of "
            f"{question.category.name}.",
        )
    elif outcome == "edited":
        messages.success(request, "Your question was updated; the earlier version is kept.")
    return redirect(question)


@drafts.keeps_draft
@posting_required
def withdraw(request, pk):
    """GET asks for confirmation; POST withdraws."""
    question = visible_question(request, pk)
    mine = question.asker_id == request.user.pk
    if request.method == "POST" and mine and question.status == QuestionStatus.WITHDRAWN:
        return redirect(question)  # A double click.
    check(
        permissions.can_withdraw(request.user, question),
        request.user,
        question,
        "You can withdraw your question until it is answered.",
    )
    if request.method != "POST":
        return render(request, "forum/withdraw_confirm.html", {"question": question})
    actions.withdraw_question(question=question, asker=request.user)
    messages.success(
        request,
        "Your question was withdrawn. Only you and the moderators can see it now; "
        "you can ask it again from this page.",
    )
    return redirect(question)


@drafts.post_only(on_question(""))
@posting_required
def ask_again(request, pk):
    question = visible_question(request, pk)
    if question.asker_id == request.user.pk and question.status in lifecycle.UNANSWERED:
        return redirect(question)  # A double click: asked again already.
    check(
        permissions.can_ask_again(request.user, question),
        request.user,
        question,
        "Only the asker asks a withdrawn question again.",
    )
    question = actions.ask_again(question=question, asker=request.user)
    if question.status == QuestionStatus.RETURNED:
        messages.warning(
            request,
            "Your question is back, but it cannot go where it was waiting before. "
            "Choose who should answer it below.",
        )
    else:
        messages.success(request, "Your question is asked again.")
    return redirect(question)
