"""The asker's own powers over a question nobody has answered yet: editing it (title, text,
category, visibility), withdrawing it, and asking it again (see forum.lifecycle, the
"edit", "withdraw" and "ask_again" steps).

Each is one action: the question row is locked first, then the expert profiles the
post-write hook will refresh, in that order; the permission is a named rule of
forum.permissions; thread_changed() refreshes search, counts, the inbox (it lists by
state) and the notifications' redaction.
"""

from django.urls import reverse
from django.utils import timezone

from accounts.actions import Conflict, Refused, action, require
from accounts.notifications import NotificationKind, notify
from experts.models import ExpertProfile

from .. import lifecycle, permissions
from ..models import QuestionRevision, QuestionStatus, ReturnReason, Visibility
from . import notices
from .hooks import experts_involved, lock_question, thread_changed
from .routing import check_addressable, check_category_served

S = QuestionStatus


@action
def edit_own_question(
    *, question, asker, title, body, category, visibility, base_version
) -> tuple[object, str]:
    """The asker changes a question nobody has answered yet.

    `base_version` is the version the asker's form started from: any change since
    (the asker's other tab, a moderator's edit) is a Conflict and nothing is saved.
    The state is kept, except that a public question addressed to an expert who does
    not answer in the new category opens to that category's experts; a private one
    cannot move there (it goes to one expert), and the asker is told how to proceed.
    Returns (question, what happened): "unchanged", "edited" or "opened".
    """
    question = lock_question(question.pk, visible_to=asker)
    require(
        permissions.can_edit_question(asker, question),
        permissions.why_not(
            asker, question, "The asker edits a question only until it is answered."
        ),
    )
    moved = category.pk != question.category_id
    new_text = (title, body) != (question.title, question.body)
    if not (moved or new_text or visibility != question.visibility):
        return question, "unchanged"
    if question.version != base_version:
        raise Conflict(question)
    expert = question.expert
    ExpertProfile.objects.locked(experts_involved(question))
    target = question.status
    if visibility == Visibility.PRIVATE:
        require(
            expert is not None and question.status != S.OPEN,
            "A question open to every expert of a category is public. To make it private, "
            "send it to one expert first.",
        )
    if moved and question.status in lifecycle.WAITING:
        stays = question.status != S.ADDRESSED or ExpertProfile.objects.answers_in(expert, category)
        if not stays:
            require(
                visibility == Visibility.PUBLIC,
                f"{expert.display_name} does not answer questions in {category.name}, and a "
                "private question goes to one expert. Keep the category, or make the question "
                f"public to send it to every expert of {category.name}.",
            )
            target = S.OPEN
        if target == S.OPEN:
            check_category_served(category)
    if new_text:
        QuestionRevision.objects.create(
            question=question, title=question.title, body=question.body, edited_by=asker
        )
    question.title, question.body = title, body
    question.category, question.visibility = category, visibility
    question.edited_at = timezone.now()
    question.version += 1
    if target != question.status:
        question.expert = None
    question.save(
        update_fields=[
            "title",
            "body",
            "body_html",
            "category",
            "visibility",
            "expert",
            "edited_at",
            "version",
            "updated_at",
        ]
    )
    if target != question.status:
        lifecycle.move(question, "edit", target)
        notices.thread_update(
            question,
            [expert],
            title=f"{asker.display_name} moved “{question.title}” to {category.name}",
            body=f"You do not answer in {category.name}, so it is now open to its experts "
            "and has left your inbox.",
        )
        notices.asked(question)
    else:
        if question.status == S.ADDRESSED:
            notices.thread_update(
                question,
                [expert],
                title=f"{asker.display_name} edited their question “{question.title}”",
            )
        elif question.status == S.OPEN and moved:
            notices.open_question(question)
    thread_changed(question, also=[expert.pk] if expert else [])
    return question, "opened" if target == S.OPEN and expert is not None else "edited"


@action
def withdraw_question(*, question, asker) -> object:
    """The asker takes back a question nobody has answered: it leaves the expert's inbox
    (who is told), every list and search; the asker still sees it and may ask it again."""
    question = lock_question(question.pk, visible_to=asker)
    if question.status == S.WITHDRAWN and question.asker_id == asker.pk:
        return question  # A double click.
    require(
        permissions.can_withdraw(asker, question),
        permissions.why_not(
            asker, question, "The asker withdraws a question only until it is answered."
        ),
    )
    ExpertProfile.objects.locked(experts_involved(question))
    waited_for_expert = question.status == S.ADDRESSED
    lifecycle.move(question, "withdraw", S.WITHDRAWN, reason=question.returned_reason)
    if waited_for_expert:
        # Not tied to the thread: the expert may no longer open it, and a notification
        # about a thread its reader cannot see would be redacted (and its e-mail withheld).
        notify(
            question.expert,
            NotificationKind.QUESTION_ADDRESSED,
            title=f"The asker withdrew the question “{question.title}”",
            body=f"{question.asker.display_name} withdrew it before it was answered. "
            "It has left your inbox; there is nothing to do.",
            url=reverse("forum:inbox"),
        )
    thread_changed(question)
    return question


@action
def ask_again(*, question, asker) -> object:
    """The asker undoes a withdrawal: the question goes back where it was.

    Addressed to an expert who can still be asked, it waits for them again, with a
    new deadline; one who cannot (away, at today's limit, no longer in the category)
    leaves it with the asker, returned, to send on. Open, it opens again when the
    category has experts taking questions, else it too is returned. Declined and
    returned questions come back as they were.
    """
    question = lock_question(question.pk, visible_to=asker)
    if question.status in lifecycle.UNANSWERED and question.asker_id == asker.pk:
        return question  # A double click: asked again already.
    require(
        permissions.can_ask_again(asker, question),
        permissions.why_not(asker, question, "Only the asker asks a withdrawn question again."),
    )
    ExpertProfile.objects.locked(experts_involved(question))
    target, reason = question.withdrawn_from or S.RETURNED, question.returned_reason
    if target == S.ADDRESSED:
        try:
            check_addressable(asker, question.expert, question.category)
        except Refused:
            target, reason = S.RETURNED, ReturnReason.EXPERT_AWAY
    elif target == S.OPEN:
        try:
            check_category_served(question.category)
        except Refused:
            target, reason = S.RETURNED, ""
    lifecycle.move(question, "ask_again", target, reason=reason)
    if target in lifecycle.WAITING:
        notices.asked(question)
    thread_changed(question)
    return question
