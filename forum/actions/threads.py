"""Writes on a thread once asked: answering, editing an answer, declining, following up,
resolving and reopening, rating. Each is one action (see accounts.actions); asking and
re-routing are in forum.actions.routing."""

from typing import Literal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.actions import Conflict, Refused, action, require
from accounts.notifications import NotificationKind
from experts.models import Rating

from .. import lifecycle, permissions, referrals
from ..models import Answer, AnswerRevision, Decline, FollowUp, Question, QuestionStatus
from . import notices
from .hooks import lock_answer, lock_question, thread_changed


class AlreadyAnswered(Refused):
    """An expert answers a question once: a second, different answer is refused, not lost."""

    def __init__(self, answer):
        super().__init__("You have already answered this question: edit your answer instead.")
        self.answer = answer


def _save_once(post, **owner):
    """Save a post unless its owner already sent one with the same submission key.

    A double submit finds the first row, before saving or, when two submits
    race, after the unique constraint refuses the second. Returns (row, created).
    """
    model = type(post)
    key = {**owner, "submission_key": post.submission_key}
    if post.submission_key is not None:
        existing = model.objects.filter(**key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        if post.submission_key is None:
            raise
        return model.objects.get(**key), False
    return post, True


# What an answer carries besides its text, as the answer form gives it: "this needs
# a professional" (whom, how soon, a note) and the expert's conflict of interest.
ANSWER_DETAILS = ("referral", "referral_urgency", "referral_note", "disclosure")


@action
def post_answer(*, question, author, body, **details) -> tuple[Answer, bool]:
    """Answer a question once. The same text sent again returns the first answer;
    a different one is refused (AlreadyAnswered), so nothing typed is dropped silently.

    `details`: any of ANSWER_DETAILS."""
    _check_details(details)
    question = lock_question(question.pk, visible_to=author)
    existing = Answer.objects.filter(question=question, author=author).first()
    if existing is not None:
        if existing.body == body:
            return existing, False
        raise AlreadyAnswered(existing)
    require(
        permissions.can_answer(author, question),
        permissions.why_not(author, question, "You cannot answer this question."),
    )
    now = timezone.now()
    answer = Answer.objects.create(
        question=question, author=author, body=body, created_at=now, **details
    )
    lifecycle.move(question, "answer", QuestionStatus.ANSWERED)
    notices.tell(
        question.asker,
        NotificationKind.ANSWER,
        question,
        # "This needs a professional" comes first in the body and ends the title.
        title=referrals.titled(
            f"{author.display_name} answered your question ",
            question.title,
            f" and {referrals.phrase(answer)}" if answer.referral else "",
        ),
        body="\n\n".join(
            filter(None, [referrals.sentence(answer, author.display_name), notices.excerpt(answer)])
        ),
        about=answer,
    )
    thread_changed(question)
    return answer, True


def replace_answer_text(answer, editor, body, base_version, reason="") -> bool:
    """The edit itself, on a locked answer: the text it replaces becomes a revision.

    `base_version` is the version the editor started from: if the answer has
    changed since, nothing is saved and Conflict carries the current text.
    Returns whether the text changed. The caller runs the thread's hook.
    `reason`: a moderator's, kept with the revision for the history.
    """
    if body == answer.body:
        return False
    if answer.version != base_version:
        raise Conflict(answer)
    AnswerRevision.objects.create(answer=answer, body=answer.body, edited_by=editor, reason=reason)
    answer.body = body
    answer.edited_at = timezone.now()
    answer.version += 1
    answer.save(update_fields=["body", "body_html", "edited_at", "version"])
    return True


def _check_details(details):
    unknown = set(details) - set(ANSWER_DETAILS)
    if unknown:
        raise TypeError(f"Not an answer detail: {', '.join(sorted(unknown))}")


def replace_answer_details(answer, details) -> bool:
    """Set the answer's details (ANSWER_DETAILS) that changed; returns whether any did."""
    _check_details(details)
    changed = [name for name, value in details.items() if getattr(answer, name) != value]
    for name in changed:
        setattr(answer, name, details[name])
    if changed:
        answer.save(update_fields=changed)
    return bool(changed)


@action
def edit_answer(*, answer, editor, body, base_version, **details) -> Answer:
    """The author changes their answer; the previous text is kept as a revision.

    `details`: any of ANSWER_DETAILS to change with it (not kept as revisions:
    they are about the answer, not its words)."""
    question = lock_question(answer.question_id, visible_to=editor)
    answer = lock_answer(question, answer.pk, editor)
    require(
        permissions.can_edit_answer(editor, answer, question),
        "Only its author edits an answer, while the thread is not locked.",
    )
    disclosed_before = answer.disclosure
    text_changed = replace_answer_text(answer, editor, body, base_version)
    if replace_answer_details(answer, details) or text_changed:
        # Imported here: forum.actions.disclosures builds on moderation, which imports this.
        from .disclosures import disclosure_given

        # Hidden until a disclosure is added (a moderator's requirement): shown again now.
        disclosure_given(answer, question, disclosed_before)
        thread_changed(question)
    return answer


@action
def decline_question(
    *, question, expert, reason, note="", referral="", referral_urgency="", referral_note=""
) -> tuple[Decline, bool]:
    """The addressed expert declines; the asker may then pick another expert."""
    question = lock_question(question.pk, visible_to=expert)
    existing = Decline.objects.filter(question=question, expert=expert).first()
    if existing is not None:
        return existing, False
    require(
        permissions.can_decline(expert, question),
        permissions.why_not(
            expert, question, "Only the expert asked declines, while the question waits."
        ),
    )
    decline = Decline.objects.create(
        question=question,
        expert=expert,
        reason=reason,
        note=note,
        referral=referral,
        referral_urgency=referral_urgency,
        referral_note=referral_note,
    )
    lifecycle.move(question, "decline", QuestionStatus.DECLINED)
    notices.tell(
        question.asker,
        NotificationKind.DECLINE,
        question,
        title=referrals.titled(
            f"{expert.display_name} declined your question ",
            question.title,
            f" and {referrals.phrase(decline)}" if decline.referral else "",
        ),
        body="\n\n".join(
            filter(
                None,
                [
                    f"{decline.get_reason_display()}. {decline.note}".strip(),
                    referrals.sentence(decline, expert.display_name),
                ],
            )
        ),
        about=question,
    )
    thread_changed(question)
    return decline, True


@action
def post_follow_up(*, answer, author, body, submission_key=None) -> tuple[FollowUp, bool]:
    """The asker or the answer's expert adds to their conversation under the answer."""
    question = lock_question(answer.question_id, visible_to=author)
    if submission_key is not None:
        existing = FollowUp.objects.filter(author=author, submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    answer = lock_answer(question, answer.pk, author)
    require(
        permissions.can_follow_up(author, answer, question),
        permissions.why_not(
            author, question, "Only the asker and this answer's expert follow up here."
        ),
    )
    follow_up, created = _save_once(
        FollowUp(answer=answer, author=author, body=body, submission_key=submission_key),
        author=author,
    )
    if not created:
        return follow_up, False
    Question.objects.filter(pk=question.pk).update(last_activity_at=follow_up.created_at)
    # The other party of this conversation: the expert, or the asker.
    other = answer.author if author.pk == question.asker_id else question.asker
    notices.tell(
        other,
        NotificationKind.FOLLOW_UP,
        question,
        title=f"{author.display_name} followed up on “{question.title}”",
        body=notices.excerpt(follow_up),
        about=follow_up,
    )
    thread_changed(question)
    return follow_up, True


class ResolveWithPendingReply(Refused):
    """Resolving while a follow-up of the asker waits for its reply needs the asker's yes."""

    def __init__(self, experts):
        names = " and ".join(sorted({expert.display_name for expert in experts}))
        super().__init__(
            f"Your follow-up to {names} is still waiting for a reply. Resolve anyway? "
            f"{names} can still reply to it."
        )
        self.experts = experts


@action
def resolve_question(*, question, asker, confirmed=False) -> Question:
    """The asker marks the thread resolved; experts owing a reply may still give it."""
    question = lock_question(question.pk, visible_to=asker)
    if question.status == QuestionStatus.RESOLVED and question.asker_id == asker.pk:
        return question  # A double click.
    require(
        permissions.can_resolve(asker, question),
        permissions.why_not(asker, question, "Only the asker resolves an answered question."),
    )
    answers = list(
        Answer.objects.filter(question=question, is_hidden=False)
        .select_related("author")
        .prefetch_related("follow_ups")
    )
    owing = [a.author for a in answers if permissions.awaits_reply(a, question)]
    if owing and not confirmed:
        raise ResolveWithPendingReply(owing)
    lifecycle.move(question, "resolve", QuestionStatus.RESOLVED)
    for answer in answers:
        owes = answer.author in owing
        notices.thread_update(
            question,
            [answer.author],
            title=f"{asker.display_name} marked “{question.title}” resolved",
            body="You can still reply to their open follow-up." if owes else "",
        )
    thread_changed(question)
    return question


@action
def reopen_question(*, question, asker) -> Question:
    """The asker opens a resolved thread again, to follow up."""
    question = lock_question(question.pk, visible_to=asker)
    require(
        permissions.can_reopen(asker, question),
        permissions.why_not(asker, question, "Only the asker reopens a resolved question."),
    )
    lifecycle.move(question, "reopen", QuestionStatus.ANSWERED)
    authors = [a.author for a in Answer.objects.filter(question=question, is_hidden=False)]
    notices.thread_update(
        question, authors, title=f"{asker.display_name} reopened “{question.title}”"
    )
    thread_changed(question)
    return question


SCORES = ("knowledgeability", "clarity", "politeness", "thank_you_note")


@action
def rate_answer(
    *, answer, rater, knowledgeability, clarity, politeness, thank_you_note=""
) -> tuple[Rating, Literal["created", "updated", "unchanged"]]:
    """Rate an answer, or change the rating; a rating sent again unchanged tells no one."""
    question = lock_question(answer.question_id, visible_to=rater)
    answer = lock_answer(question, answer.pk, rater)
    require(
        permissions.can_rate(rater, answer, question),
        permissions.why_not(rater, question, "Only the asker rates the answers to their question."),
    )
    values = dict(
        knowledgeability=knowledgeability,
        clarity=clarity,
        politeness=politeness,
        thank_you_note=thank_you_note,
    )
    rating = Rating.objects.filter(answer=answer).first()
    if rating is not None and all(getattr(rating, k) == v for k, v in values.items()):
        return rating, "unchanged"
    outcome = "created" if rating is None else "updated"
    if rating is None:
        rating = Rating(answer=answer, expert_id=answer.author_id, rater=rater)
    for name, value in values.items():
        setattr(rating, name, value)
    rating.save()
    notices.tell(
        answer.author,
        NotificationKind.RATING,
        question,
        title=f"{rater.display_name} rated your answer to “{question.title}”",
        body=thank_you_note,
        about=answer,
    )
    thread_changed(question)
    return rating, outcome
