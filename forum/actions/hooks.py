"""How every thread write starts and ends.

A thread write first takes the question row (lock_question) and ends with
thread_changed(), the one post-write hook that refreshes everything derived
from a thread. No write path reaches derived data any other way.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, F, FloatField, Max, Min
from django.db.models.functions import Cast

from accounts.actions import NotFound
from accounts.models import Notification
from accounts.roles import with_roles
from config.pagecache import EXPERTS, LISTS, content_changed, thread_key
from experts import scorecard

from .. import lifecycle, search
from ..models import Answer, Decline, FollowUp, Question, QuestionStatus
from . import notices


def lock_question(pk, *, visible_to=None) -> Question:
    """Lock the question row, first of all a thread write touches, and read it fresh.

    Every thread write takes this lock before any other row, so writes on one
    thread run one after the other and never deadlock. With `visible_to`, a
    question that user may not see is NotFound (a 404).
    """
    questions = Question.objects.all()
    if visible_to is not None:
        questions = Question.objects.visible_to(visible_to)
    question = (
        questions.select_for_update(of=("self",), no_key=True)
        .select_related("category", "asker", "expert")
        .filter(pk=pk)
        .first()
    )
    if question is None:
        raise NotFound
    return question


def lock_answer(question, pk, user) -> Answer:
    """An answer of a locked thread that `user` may see, locked in turn; else NotFound."""
    answer = (
        Answer.objects.visible_to(user)
        .select_for_update(of=("self",), no_key=True)
        .select_related("author")
        .filter(pk=pk, question=question)
        .first()
    )
    if answer is None:
        raise NotFound
    answer.question = question
    return answer


def thread_of(item) -> int:
    """The question id of a question, answer or follow-up."""
    if isinstance(item, Question):
        return item.pk
    if isinstance(item, Answer):
        return item.question_id
    return FollowUp.objects.filter(pk=item.pk).values_list("answer__question_id", flat=True)[0]


def thread_changed(question, *, also=()):
    """The post-write hook of a thread: call it last in every action that wrote to one.

    Inside the transaction, with the question row locked, it recounts the
    shown answers (answer count, first answer time) and takes the lifecycle
    step they lead to (the last answer hidden, or one shown again), rebuilds
    the thread's search entries, refreshes the scorecards of every expert
    involved (and of `also`: experts the thread just left), and redacts the
    notifications whose reader may no longer see what they are about. Then
    the pages that show the thread move on, now and on commit: its own and
    every list (config.pagecache), and the expert cards while a question is
    addressed and unanswered (their questions of the day; scorecards say so
    themselves).
    """
    recount(question)
    search.index_thread(question)
    scorecard.refresh(*experts_involved(question), *also)
    redact_notifications(question)
    # Asked, withdrawn, declined or sent elsewhere before an answer: the expert's count
    # of questions today may have moved.
    waiting = question.expert_id and not question.answer_count
    content_changed(LISTS, thread_key(question.pk), *([EXPERTS] if waiting else []))


# The mean of an answer's three scores, out of 10 (NULL when it is not rated).
RATING_MEAN = (
    Cast(
        F("rating__knowledgeability") + F("rating__clarity") + F("rating__politeness"),
        FloatField(),
    )
    / 3
)


def recount(question):
    """Answer count and first answer time from the shown answers, and the step they lead to."""
    figures = Answer.objects.filter(question=question, is_hidden=False).aggregate(
        count=Count("id"), first=Min("created_at"), best=Max(RATING_MEAN)
    )
    question.answer_count = figures["count"]
    question.answered_at = figures["first"]
    # The archive's "Best rated" order: the best rated answer shown.
    question.best_rating = round(figures["best"] or 0, 2)
    Question.objects.filter(pk=question.pk).update(
        answer_count=question.answer_count,
        answered_at=question.answered_at,
        best_rating=question.best_rating,
    )
    step = lifecycle.settle(question, figures["count"])
    if step == "answer_hidden" and question.status == QuestionStatus.RETURNED:
        notices.returned(question)


def experts_involved(question) -> set:
    """Whose figures a thread counts in: the addressed expert, who answered, who declined."""
    ids = set(Answer.objects.filter(question=question).values_list("author_id", flat=True))
    ids |= set(Decline.objects.filter(question=question).values_list("expert_id", flat=True))
    if question.expert_id:
        ids.add(question.expert_id)
    return ids


QUESTION = Question._meta.label_lower
POSTS = {Answer._meta.label_lower: Answer, FollowUp._meta.label_lower: FollowUp}


def redact_notifications(question):
    """Each notification about this thread is shown only while its reader may see its post.

    The visibility rules are the querysets' own (visible_to), asked once per
    reader of the thread's notifications: a handful of people per thread.
    """
    notifications = list(
        Notification.objects.filter(thread_id=question.pk).only(
            "pk", "recipient_id", "target_type", "target_id", "redacted"
        )
    )
    if not notifications:
        return
    readers = with_roles(
        get_user_model().objects.filter(pk__in={n.recipient_id for n in notifications})
    ).in_bulk()
    changed = []
    for reader_id, reader in readers.items():
        mine = [n for n in notifications if n.recipient_id == reader_id]
        sees = _visible_targets(reader, question, mine)
        for notification in mine:
            redacted = (notification.target_type, notification.target_id) not in sees
            note = _what_happened(question, notification, sees) if redacted else ""
            if (notification.redacted, notification.redacted_note) != (redacted, note):
                notification.redacted, notification.redacted_note = redacted, note
                changed.append(notification)
    Notification.objects.bulk_update(changed, ["redacted", "redacted_note"])


def _what_happened(question, notification, sees) -> str:
    """Why a reader no longer sees what a notification is about, in words for them."""
    if question.is_hidden:
        return _hidden_note("question", question.hidden_by_id)
    if question.status == QuestionStatus.WITHDRAWN:
        return "The asker withdrew this question."
    if (QUESTION, question.pk) not in sees:
        # Nothing else makes a question private to someone it was shown to.
        return "The asker sent this question to another expert."
    if notification.target_type == FollowUp._meta.label_lower:
        follow_up = FollowUp.objects.filter(pk=notification.target_id).first()
        if follow_up is not None and not follow_up.is_hidden:
            answer = Answer.objects.filter(pk=follow_up.answer_id).first()
            if answer is not None and answer.hidden_by_id is None:
                return (
                    "The answer this follow-up belongs to is hidden until a moderator reviews it."
                )
            return "The moderators hid the answer this follow-up belongs to."
        return _hidden_note("follow-up", follow_up.hidden_by_id if follow_up else True)
    answer = Answer.objects.filter(pk=notification.target_id).first()
    return _hidden_note("answer", answer.hidden_by_id if answer else True)


def _hidden_note(kind, hidden_by_id) -> str:
    """Hidden by a moderator, or automatically after flags (no moderator yet)."""
    if hidden_by_id is None:
        return f"This {kind} is hidden until a moderator reviews the flags on it."
    return f"The moderators hid this {kind}."


def _visible_targets(reader, question, notifications) -> set:
    """{(target type, id)} of these notifications' targets that `reader` may see."""
    if not Question.objects.visible_to(reader).filter(pk=question.pk).exists():
        return set()
    # A notification about the question, or about the thread as a whole, follows the question.
    seen = {(QUESTION, question.pk), ("", None)}
    for label, model in POSTS.items():
        ids = {n.target_id for n in notifications if n.target_type == label}
        if ids:
            visible = model.objects.visible_to(reader).filter(pk__in=ids)
            seen |= {(label, pk) for pk in visible.values_list("pk", flat=True)}
    return seen
