"""Conflicts of interest: a moderator requires a disclosure on an answer; its author gives one.

An answer whose expert has an interest in what it recommends ("I sell the
insoles I recommend") carries a disclosure, shown with it everywhere. When a
moderator finds one missing, require_disclosure() hides the answer as hide()
does and tells its author what to add; the author's edit that adds the
disclosure (forum.actions.threads.edit_answer) shows it again by itself
(disclosure_given). Only moderators require; only the author discloses.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.actions import action, require
from accounts.audit import AuditAction
from accounts.notifications import NotificationKind, notify

from .. import permissions
from ..models import Answer, Flag, FlagReason, FlagStatus
from .hooks import thread_changed
from .moderation import _check, _hide, _lock, _unhide

HIDDEN_FOR_ANOTHER_REASON = (
    "The moderators hid this answer for another reason: restore it first, or leave it hidden."
)
THREAD_CLOSED = (
    "This thread is locked or hidden, so its expert could not add a disclosure: "
    "hide the answer instead."
)


def is_waiting_for_disclosure(answer) -> bool:
    """Hidden until its author adds the disclosure a moderator asked for."""
    return bool(answer.is_hidden and answer.disclosure_required_at)


@action
def require_disclosure(*, moderator, answer, reason) -> Answer:
    """Hide an answer until its author discloses their conflict of interest.

    Hidden as hide() hides (the author and moderators still see it), with the
    requirement and its reason on the answer; the author is told what to add
    and how, and the open "undisclosed conflict of interest" flags on it are
    resolved as helpful. Flags for other reasons stay open for their own review.
    """
    _check(moderator, answer)
    question, answer = _lock(answer)
    if is_waiting_for_disclosure(answer):
        return answer  # A double click.
    require(not (answer.is_hidden and answer.hidden_by_id is not None), HIDDEN_FOR_ANOTHER_REASON)
    require(permissions.is_open(question), THREAD_CLOSED)
    answer.disclosure_required_at = timezone.now()
    answer.disclosure_required_reason = reason
    answer.save(update_fields=["disclosure_required_at", "disclosure_required_reason"])
    title = f"Add a conflict-of-interest disclosure to your answer to “{question.title}”"
    body = (
        f"A moderator asks you to say what interest you have in what your answer recommends. "
        f"Reason: {reason} Your answer is hidden until you add one: edit it "
        f"({settings.SITE_URL}{reverse('forum:edit_answer', args=[answer.pk])}) and fill in "
        f"“Conflict of interest”, e.g. “I sell the insoles I recommend”. It is shown again as "
        f"soon as you save it. Only you and the moderators can see it meanwhile."
    )
    _hide(
        answer,
        question,
        moderator=moderator,
        reason=reason,
        audit_action=AuditAction.REQUIRE_DISCLOSURE,
        notice=(title, body),
    )
    _resolve_conflict_flags(answer, moderator, question)
    thread_changed(question)
    return answer


def _resolve_conflict_flags(answer, moderator, question):
    """The open conflict-of-interest flags on the answer were right: each flagger hears so."""
    flags = list(
        Flag.objects.open()
        .filter(answer=answer, reason=FlagReason.CONFLICT)
        .select_related("flagger")
    )
    Flag.objects.filter(pk__in=[f.pk for f in flags]).update(
        status=FlagStatus.ACTIONED, resolved_by=moderator, resolved_at=timezone.now()
    )
    for flag in flags:
        notify(
            flag.flagger,
            NotificationKind.FLAG_OUTCOME,
            title=f"Your flag was helpful: the moderators asked {answer.author.display_name} "
            "to disclose their interest",
            body=f"You flagged it as “{flag.get_reason_display()}” on "
            f"{timezone.localtime(flag.created_at):%-d %B %Y}. The answer is hidden until its "
            "expert adds a disclosure, then shown with it.",
            url=question.get_absolute_url(),
            about=question,
            thread_id=question.pk,
        )


def disclosure_given(answer, question, before):
    """After the author's edit of a locked answer (`before`: its disclosure until then).

    An answer waiting for a disclosure, now carrying a new one, is shown again:
    recorded as a restore by its author (the audit log's timeline of the answer
    reads hidden, then restored, and by whom), and the moderator who asked hears
    it. The caller, edit_answer, runs the thread's hook.
    """
    text = answer.disclosure.strip()
    if not is_waiting_for_disclosure(answer) or not text or text == before.strip():
        return False
    asked_by = answer.hidden_by
    _unhide(
        answer,
        question,
        answer.author,
        f"Its author added the disclosure asked for: “{text}”",
        why="",
        tell=False,
        after={"disclosure": text},
    )
    if asked_by is not None and asked_by.pk != answer.author_id:
        notify(
            asked_by,
            NotificationKind.NEW_FLAG,
            title=f"{answer.author.display_name} added a disclosure to their answer to "
            f"“{question.title}”",
            body=f"Conflict of interest: {text}\nThe answer is shown again, with it.",
            url=answer.get_absolute_url(),
            about=answer,
            thread_id=question.pk,
        )
    return True
