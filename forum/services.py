"""Every multi-step write of the question lifecycle: one transaction each.

Views check permissions (forum.permissions) before calling these; the services
keep the data consistent (counters, status, revisions) and make double
submits harmless.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.notifications import NotificationKind, notify
from config.pagecache import content_changed
from experts import scorecard
from experts.models import ExpertProfile

from . import search
from .models import (
    Answer,
    AnswerRevision,
    Decline,
    FollowUp,
    Question,
    QuestionStatus,
    Visibility,
)


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


@transaction.atomic
def ask_question(
    *, asker, category, title, body, visibility, expert=None, submission_key=None
) -> tuple[Question, bool]:
    """Create a question; with a key already used by this asker, return that one instead.

    Returns (question, created).
    """
    question, created = _save_once(
        Question(
            asker=asker,
            category=category,
            expert=expert,
            title=title,
            body=body,
            visibility=visibility if expert is not None else Visibility.PUBLIC,
            submission_key=submission_key,
        ),
        asker=asker,
    )
    if not created:
        return question, False
    if expert is not None:
        scorecard.refresh(expert.pk)  # Its share of declined questions changed.
        notify_addressed(question)
    else:
        notify_open_question(question)
    search.index_thread(question.pk)
    return question, True


def excerpt(post, length=300):
    text = " ".join(strip_tags(post.body_html).split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"


def notify_addressed(question):
    notify(
        question.expert,
        NotificationKind.QUESTION_ADDRESSED,
        title=f"{question.asker.display_name} asked you: {question.title}",
        body=excerpt(question),
        url=question.get_absolute_url(),
    )


def notify_open_question(question):
    """Experts who asked to hear about open questions in this category (or a parent)."""
    category = question.category
    paths = [category.path, *category.ancestor_paths()]
    experts = (
        ExpertProfile.objects.approved()
        .filter(alert_categories__path__in=paths)
        .exclude(user=question.asker)
        .select_related("user")
        .distinct()
    )
    for profile in experts:
        notify(
            profile.user,
            NotificationKind.OPEN_QUESTION,
            title=f"Open question in {category.name}: {question.title}",
            body=excerpt(question),
            url=question.get_absolute_url(),
        )


@transaction.atomic
def post_answer(*, question, author, body) -> tuple[Answer, bool]:
    """Answer a question once; a second submit returns the first answer."""
    # Lock the question so concurrent answers count correctly.
    question = Question.objects.select_for_update().get(pk=question.pk)
    existing = question.answers.filter(author=author).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    answer = Answer.objects.create(question=question, author=author, body=body, created_at=now)
    Question.objects.filter(pk=question.pk).update(
        answer_count=F("answer_count") + 1,
        status=QuestionStatus.ANSWERED,
        answered_at=question.answered_at or now,
        last_activity_at=now,
    )
    scorecard.refresh(author.pk)
    search.index_thread(question.pk)
    notify(
        question.asker,
        NotificationKind.ANSWER,
        title=f"{author.display_name} answered your question “{question.title}”",
        body=excerpt(answer),
        url=answer.get_absolute_url(),
    )
    return answer, True


@transaction.atomic
def edit_answer(*, answer, editor, body) -> Answer:
    """Change an answer's text, keeping the previous text as a revision."""
    if body == answer.body:
        return answer
    AnswerRevision.objects.create(answer=answer, body=answer.body, edited_by=editor)
    answer.body = body
    answer.edited_at = timezone.now()
    answer.save(update_fields=["body", "body_html", "edited_at"])
    search.index_thread(answer.question_id)
    return answer


@transaction.atomic
def decline_question(*, question, expert, reason, note="") -> Decline:
    """The addressed expert declines; the asker may then pick another expert."""
    decline, _ = Decline.objects.get_or_create(
        question=question, expert=expert, defaults={"reason": reason, "note": note}
    )
    Question.objects.filter(pk=question.pk).update(
        status=QuestionStatus.DECLINED, last_activity_at=timezone.now()
    )
    scorecard.refresh(expert.pk)
    notify(
        question.asker,
        NotificationKind.DECLINE,
        title=f"{expert.display_name} declined your question “{question.title}”",
        body=f"{decline.get_reason_display()}. {decline.note}".strip(),
        url=question.get_absolute_url(),
    )
    return decline


@transaction.atomic
def readdress_question(*, question, expert) -> Question:
    """Send a declined question, text unchanged, to another expert."""
    question.expert = expert
    question.status = QuestionStatus.AWAITING
    question.last_activity_at = timezone.now()
    question.save(update_fields=["expert", "status", "last_activity_at", "updated_at"])
    scorecard.refresh(expert.pk)
    notify_addressed(question)
    return question


@transaction.atomic
def post_follow_up(*, answer, author, body, submission_key=None) -> tuple[FollowUp, bool]:
    follow_up, created = _save_once(
        FollowUp(answer=answer, author=author, body=body, submission_key=submission_key),
        author=author,
    )
    if not created:
        return follow_up, False
    Question.objects.filter(pk=answer.question_id).update(last_activity_at=follow_up.created_at)
    search.index_thread(answer.question_id)
    question = answer.question
    # The other party of this conversation: the expert, or the asker.
    other = answer.author if author.pk == question.asker_id else question.asker
    notify(
        other,
        NotificationKind.FOLLOW_UP,
        title=f"{author.display_name} followed up on “{question.title}”",
        body=excerpt(follow_up),
        url=follow_up.get_absolute_url(),
    )
    return follow_up, True


@transaction.atomic
def close_question(*, question) -> Question:
    """The asker marks the thread resolved: no more answers or follow-ups."""
    Question.objects.filter(pk=question.pk).update(
        status=QuestionStatus.CLOSED, last_activity_at=timezone.now()
    )
    content_changed()  # update() sends no signal for the page cache.
    question.refresh_from_db()
    return question
