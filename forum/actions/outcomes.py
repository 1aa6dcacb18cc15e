"""Followed-advice outcomes: the asker says, a week or more after an answer, whether
following it helped. Shown on the thread and, apart from the ratings, on the expert's
scorecard (experts.scorecard counts them)."""

from typing import Literal

from django.utils import timezone

from accounts.actions import action, require
from accounts.notifications import NotificationKind

from .. import permissions, referrals
from ..models import Answer, Outcome
from . import notices
from .hooks import lock_answer, lock_question, thread_changed

# What the expert is told, after "… says following your advice on “…”".
TOLD = {Outcome.HELPED: "it helped", Outcome.DID_NOT_HELP: "it did not help"}


@action
def record_outcome(
    *, answer, asker, outcome
) -> tuple[Answer, Literal["created", "updated", "unchanged"]]:
    """The asker records (or changes) whether following the answer helped.

    Only the thread's asker, on a shown answer of an open thread, from
    permissions.OUTCOME_WAIT after the answer. The same outcome sent again
    changes nothing and tells no one."""
    if outcome not in Outcome.values:
        raise ValueError(f"Not an outcome: {outcome!r}")
    question = lock_question(answer.question_id, visible_to=asker)
    answer = lock_answer(question, answer.pk, asker)
    require(
        permissions.can_record_outcome(asker, answer, question),
        permissions.why_no_outcome(asker, answer, question),
    )
    if answer.outcome == outcome:
        return answer, "unchanged"
    result = "updated" if answer.outcome else "created"
    answer.outcome = outcome
    answer.outcome_at = timezone.now()
    answer.save(update_fields=["outcome", "outcome_at"])
    notices.tell(
        answer.author,
        NotificationKind.RATING,
        question,
        title=referrals.titled(
            f"{asker.display_name} followed your advice on ", question.title, f": {TOLD[outcome]}"
        ),
        body="It shows under your answer and, for a public question, on your scorecard, "
        "apart from the ratings.",
        about=answer,
    )
    thread_changed(question)
    return answer, result
