"""The life of a question, as one explicit state machine.

A question is in one state (Question.status):

    addressed  waiting for the expert the asker chose
    open       waiting for any expert of its category
    answered   at least one answer is shown
    declined   the expert asked said no; the asker picks someone else
    returned   back with the asker: the expert did not answer in time, stopped
               taking questions, or their only answer was hidden
    resolved   the asker marked it resolved
    withdrawn  the asker took it back before any answer; only they and the
               moderators see it, and they may ask it again

Locked and hidden are flags on top: a locked or hidden question keeps its
state but takes no step a member could take until a moderator lifts the flag.

STEPS is the table of every move: its name, the states it leaves from, the
states it leads to, and who takes it. Until a question is answered (UNANSWERED)
its asker may edit it (the "edit" step keeps the state, except that a public
question moved to a category its expert does not answer in opens to that
category's experts) or withdraw it; "ask_again" puts a withdrawn question
back where it was, fresh: addressed to the same expert (with a new deadline)
when they can still be asked, else back with the asker ("returned").

Actions move a question only through move(), which refuses a step the table
does not allow from where the question is; the permission rules
(forum.permissions) ask allows(); and every text a page shows about where a
question stands comes from describe(). No state is without a way out: returned
and declined lead back to addressed or open, resolved can be reopened,
withdrawn can be asked again, and the moderators lift locks and hides.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.actions import Refused

from .models import Question, ReturnReason
from .models import QuestionStatus as S

WAITING = frozenset({S.ADDRESSED, S.OPEN})
# No answer yet: the asker may still edit or withdraw the question.
UNANSWERED = frozenset({S.ADDRESSED, S.OPEN, S.DECLINED, S.RETURNED})


@dataclass(frozen=True)
class Step:
    name: str
    sources: frozenset
    targets: frozenset
    who: str


STEPS = [
    Step("ask", frozenset({None}), WAITING, "a member, asking an expert or a category"),
    Step(
        "answer",
        frozenset({S.ADDRESSED, S.OPEN, S.ANSWERED}),
        frozenset({S.ANSWERED}),
        "the expert asked; when open, any expert of the category",
    ),
    Step("decline", frozenset({S.ADDRESSED}), frozenset({S.DECLINED}), "the expert asked"),
    Step(
        "reroute",
        frozenset({S.DECLINED, S.RETURNED, S.OPEN}),
        WAITING,
        "the asker: to another expert, every expert of a category, or another category",
    ),
    Step(
        "expire",
        frozenset({S.ADDRESSED}),
        frozenset({S.RETURNED}),
        "the system, QUESTION_EXPIRY_DAYS after the expert was asked (manage.py run_lifecycle)",
    ),
    Step(
        "expert_away",
        frozenset({S.ADDRESSED}),
        frozenset({S.RETURNED}),
        "the system, when the expert asked is suspended or goes away",
    ),
    Step(
        "answer_hidden",
        frozenset({S.ANSWERED}),
        frozenset({S.RETURNED, S.OPEN}),
        "the moderators, hiding the last answer shown",
    ),
    Step(
        "answer_shown",
        frozenset({S.ADDRESSED, S.OPEN, S.DECLINED, S.RETURNED}),
        frozenset({S.ANSWERED}),
        "the moderators, restoring an answer",
    ),
    Step("resolve", frozenset({S.ANSWERED}), frozenset({S.RESOLVED}), "the asker"),
    Step("reopen", frozenset({S.RESOLVED}), frozenset({S.ANSWERED}), "the asker"),
    Step(
        "edit",
        UNANSWERED,
        UNANSWERED,
        "the asker, before an answer: title, text, category, visibility; the state is kept, "
        "but a public question moved to a category its expert does not answer in opens to "
        "that category's experts",
    ),
    Step("withdraw", UNANSWERED, frozenset({S.WITHDRAWN}), "the asker, before an answer"),
    Step(
        "ask_again",
        frozenset({S.WITHDRAWN}),
        UNANSWERED,
        "the asker: back where it was before withdrawing; an expert who can no longer be "
        "asked sends it back to the asker (returned)",
    ),
]
TRANSITIONS = {step.name: step for step in STEPS}


def allows(question, name) -> bool:
    """The table lets `name` start from where the question is."""
    return question.status in TRANSITIONS[name].sources


def move(question, name, to, *, reason=""):
    """Take step `name` to state `to`, saving the state; refused if the table says no.

    Call it with the question row locked (forum.actions.hooks.lock_question).
    """
    step = TRANSITIONS[name]
    if question.status not in step.sources or to not in step.targets:
        raise Refused(f"This question is {question.get_status_display().lower()}: that step "
                      "is not open to it now.")  # fmt: skip
    now = timezone.now()
    # A withdrawn question remembers where it was (and why it was returned) for asking again.
    question.withdrawn_from = question.status if to == S.WITHDRAWN else ""
    question.status = to
    question.returned_reason = reason if to in (S.RETURNED, S.WITHDRAWN) else ""
    if to in WAITING:
        question.addressed_at = now
    question.last_activity_at = now
    Question.objects.filter(pk=question.pk).update(
        status=to,
        returned_reason=question.returned_reason,
        withdrawn_from=question.withdrawn_from,
        addressed_at=question.addressed_at,
        last_activity_at=now,
    )


def settle(question, shown_answers) -> str | None:
    """The step that hiding or restoring answers leads to, taken; returns its name or None.

    The post-write hook calls it: a question whose last shown answer was
    hidden goes back to its asker (or, when open, to its category), and one
    whose answer is shown again is answered.
    """
    if shown_answers and allows(question, "answer_shown"):
        move(question, "answer_shown", S.ANSWERED)
        return "answer_shown"
    if not shown_answers and question.status == S.ANSWERED:
        if question.expert_id:
            move(question, "answer_hidden", S.RETURNED, reason=ReturnReason.ANSWER_HIDDEN)
        else:
            move(question, "answer_hidden", S.OPEN)
        return "answer_hidden"
    return None


def expiry_days():
    return settings.QUESTION_EXPIRY_DAYS


def deadline(question):
    """When a question waiting for its expert goes back to the asker."""
    if question.status != S.ADDRESSED or question.addressed_at is None:
        return None
    return question.addressed_at + timedelta(days=expiry_days())


def overdue():
    """Questions whose expert has not answered in time (the "expire" step), oldest first."""
    cutoff = timezone.now() - timedelta(days=expiry_days())
    return Question.objects.filter(
        status=S.ADDRESSED, addressed_at__lt=cutoff, locked=False, is_hidden=False
    ).order_by("addressed_at", "pk")


def waiting_on(user_ids):
    """Questions waiting for one of these experts (the "expert_away" step's candidates).

    Locked and hidden ones stay as they are, as with expiry: their asker could
    not act on them; run_lifecycle takes them once a moderator lifts the flag.
    """
    return Question.objects.filter(
        Q(expert_id__in=user_ids), status=S.ADDRESSED, locked=False, is_hidden=False
    ).order_by("pk")


# -- What pages say ----------------------------------------------------------------------------


def why_returned(question) -> str:
    """Why a returned question came back to its asker, as a sentence without its full stop."""
    expert = question.expert.display_name if question.expert_id else "The expert"
    return {
        ReturnReason.NO_ANSWER: f"{expert} did not answer within {expiry_days()} days",
        ReturnReason.EXPERT_AWAY: f"{expert} is not taking questions now",
        ReturnReason.ANSWER_HIDDEN: "The answer was hidden by the moderators",
    }.get(question.returned_reason, "The question needs another expert")


@dataclass(frozen=True)
class Standing:
    """Where a question stands, for one reader: a badge, and what happens next."""

    label: str
    tone: str  # "", "success", "warning" or "danger": the badge's colour
    sentence: str


TONES = {
    S.ADDRESSED: "",
    S.OPEN: "",
    S.ANSWERED: "success",
    S.DECLINED: "warning",
    S.RETURNED: "warning",
    S.RESOLVED: "success",
    S.WITHDRAWN: "",
}


def badge(question) -> Standing:
    """The state alone, as lists show it."""
    label = question.get_status_display()
    if question.status == S.ADDRESSED and question.expert_id:
        label = f"Waiting for {question.expert.display_name}"
    return Standing(label, TONES[question.status], "")


def describe(question, user=None, *, reply_pending=False) -> Standing:
    """The badge and the sentence a thread shows `user` about where the question stands.

    `reply_pending`: the user is an expert of the thread with a follow-up
    from the asker still waiting for their reply.
    """
    plain = badge(question)
    label, tone = plain.label, plain.tone
    asker = question.asker.display_name
    expert = question.expert.display_name if question.expert_id else "The expert"
    category = question.category.name
    is_asker = user is not None and user.pk == question.asker_id
    is_expert = (
        user is not None and question.expert_id is not None and user.pk == question.expert_id
    )
    others = "You can ask another expert, every expert of the category, or another category below."
    status = question.status
    if question.is_hidden:
        return Standing("Hidden", "danger", "The moderators hid this question.")
    if question.locked:
        return Standing(
            "Locked", "warning", "A moderator locked this thread: it takes no new answers or "
            "follow-ups until it is unlocked."
        )  # fmt: skip
    if status == S.ADDRESSED:
        due = deadline(question)
        due_text = f"{timezone.localtime(due):%-d %B}" if due else ""
        if is_asker:
            sentence = f"{expert} has been asked and will answer here."
            if due:
                sentence += f" If there is no answer by {due_text}, you can ask someone else."
        elif is_expert:
            sentence = (
                f"{asker} asked you. Answer, or decline with a reason so they can ask someone else."
            )
            if due:
                sentence += f" Without an answer it goes back to them on {due_text}."
        else:
            sentence = f"{expert} has been asked and will answer here."
    elif status == S.OPEN:
        sentence = f"The experts of {category} have been asked; the first answer will appear here."
    elif status == S.DECLINED:
        sentence = (
            f"{expert} declined this question. {others}"
            if is_asker
            else f"{expert} declined this question; {asker} can ask someone else."
        )
    elif status == S.RETURNED:
        why = why_returned(question)
        sentence = f"{why}. {others}" if is_asker else f"{why}; {asker} can ask someone else."
    elif status == S.RESOLVED:
        sentence = "You marked this question resolved." if is_asker else (
            f"{asker} marked this question resolved."
        )  # fmt: skip
        if reply_pending:
            sentence += " You can still reply to their open follow-up."
        elif is_asker:
            sentence += " You can reopen it to follow up again."
    elif status == S.WITHDRAWN:
        sentence = (
            "You withdrew this question: only you and the moderators can see it. "
            "You can ask it again below."
            if is_asker
            else f"{asker} withdrew this question; only they and the moderators can see it."
        )
    else:
        sentence = ""
    return Standing(label, tone, sentence)
