"""The question lifecycle: asking, answering, declining, re-addressing, following up,
closing, rating, and editing an answer. Each is one action (see accounts.actions)."""

from typing import Literal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.actions import Conflict, NotFound, Refused, action, require
from accounts.notifications import NotificationKind, notify
from accounts.roles import can_post, why_cannot_post
from experts.models import ExpertProfile, Rating, start_of_today

from .. import permissions
from ..markdown import render_markdown
from ..models import (
    Answer,
    AnswerRevision,
    Decline,
    FollowUp,
    Question,
    QuestionStatus,
    Visibility,
)
from .hooks import experts_involved, lock_question, thread_changed


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


def excerpt(post, length=300):
    text = " ".join(strip_tags(post.body_html).split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"


def _tell(recipient, kind, question, *, title, about, body=""):
    """A notification about a post of this thread, redacted by the hook when it may not be seen."""
    notify(
        recipient,
        kind,
        title=title,
        body=body,
        url=about.get_absolute_url(),
        about=about,
        thread_id=question.pk,
    )


def _check_addressable(asker, expert, category):
    """The expert may be asked in this category today; their profile stays locked till commit.

    The lock makes concurrent asks count one after the other, so the daily
    limit holds however many people ask at once.
    """
    name = expert.display_name
    profile = next(iter(ExpertProfile.objects.locked([expert.pk])), None)
    require(expert.pk != asker.pk, "You cannot ask yourself a question.")
    covering = profile is not None and (
        ExpertProfile.objects.covering(category).filter(pk=profile.pk).exists()
    )
    require(covering, f"{name} does not answer questions in {category.name}.")
    require(profile.accepting_questions, f"{name} is not taking questions right now (on vacation).")
    today = Question.objects.filter(expert=expert, created_at__gte=start_of_today()).count()
    require(
        today < profile.daily_question_limit,
        f"{name} has reached their daily limit of questions. "
        "Pick another expert, or leave the question open to the category.",
    )


def notify_addressed(question):
    _tell(
        question.expert,
        NotificationKind.QUESTION_ADDRESSED,
        question,
        title=f"{question.asker.display_name} asked you: {question.title}",
        body=excerpt(question),
        about=question,
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
        _tell(
            profile.user,
            NotificationKind.OPEN_QUESTION,
            question,
            title=f"Open question in {category.name}: {question.title}",
            body=excerpt(question),
            about=question,
        )


@action
def ask_question(
    *, asker, category, title, body, visibility, expert=None, submission_key=None
) -> tuple[Question, bool]:
    """Ask a question, open to the category's experts or addressed to one.

    Returns (question, created): a second submit of the same form (same key)
    returns the first question. A private question needs an expert.
    """
    if submission_key is not None:
        existing = Question.objects.filter(asker=asker, submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    require(can_post(asker), why_cannot_post(asker))
    if expert is not None:
        _check_addressable(asker, expert, category)
    else:
        visibility = Visibility.PUBLIC
    question, created = _save_once(
        Question(
            asker=asker,
            category=category,
            expert=expert,
            title=title,
            body=body,
            visibility=visibility,
            submission_key=submission_key,
        ),
        asker=asker,
    )
    if not created:
        return question, False
    question = lock_question(question.pk)
    if expert is not None:
        notify_addressed(question)
    else:
        notify_open_question(question)
    thread_changed(question)
    return question, True


@action
def post_answer(*, question, author, body) -> tuple[Answer, bool]:
    """Answer a question once. The same text sent again returns the first answer;
    a different one is refused (AlreadyAnswered), so nothing typed is dropped silently."""
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
    answer = Answer.objects.create(question=question, author=author, body=body, created_at=now)
    Question.objects.filter(pk=question.pk).update(last_activity_at=now)
    _tell(
        question.asker,
        NotificationKind.ANSWER,
        question,
        title=f"{author.display_name} answered your question “{question.title}”",
        body=excerpt(answer),
        about=answer,
    )
    thread_changed(question)
    return answer, True


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


def replace_answer_text(answer, editor, body, base_version) -> bool:
    """The edit itself, on a locked answer: the text it replaces becomes a revision.

    `base_version` is the version the editor started from: if the answer has
    changed since, nothing is saved and Conflict carries the current text.
    Returns whether the text changed. The caller runs the thread's hook.
    """
    if body == answer.body:
        return False
    if answer.version != base_version:
        raise Conflict(answer)
    AnswerRevision.objects.create(answer=answer, body=answer.body, edited_by=editor)
    answer.body = body
    answer.edited_at = timezone.now()
    answer.version += 1
    answer.save(update_fields=["body", "body_html", "edited_at", "version"])
    return True


@action
def edit_answer(*, answer, editor, body, base_version) -> Answer:
    """The author changes their answer; the previous text is kept as a revision."""
    question = lock_question(answer.question_id, visible_to=editor)
    answer = lock_answer(question, answer.pk, editor)
    require(
        permissions.can_edit_answer(editor, answer, question),
        "Only its author edits an answer, while the thread is not locked.",
    )
    if replace_answer_text(answer, editor, body, base_version):
        thread_changed(question)
    return answer


@action
def decline_question(*, question, expert, reason, note="") -> tuple[Decline, bool]:
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
    decline = Decline.objects.create(question=question, expert=expert, reason=reason, note=note)
    question.status = QuestionStatus.DECLINED
    Question.objects.filter(pk=question.pk).update(
        status=question.status, last_activity_at=timezone.now()
    )
    _tell(
        question.asker,
        NotificationKind.DECLINE,
        question,
        title=f"{expert.display_name} declined your question “{question.title}”",
        body=f"{decline.get_reason_display()}. {decline.note}".strip(),
        about=question,
    )
    thread_changed(question)
    return decline, True


@action
def readdress_question(*, question, asker, expert) -> Question:
    """Send a declined question, text unchanged, to another expert."""
    question = lock_question(question.pk, visible_to=asker)
    require(
        permissions.can_readdress(asker, question),
        permissions.why_not(
            asker, question, "A question goes to another expert once the one asked declines it."
        ),
    )
    require(
        not Decline.objects.filter(question=question, expert=expert).exists(),
        f"{expert.display_name} has declined this question already.",
    )
    # Every expert the hook will refresh, locked now in the one order, before the check.
    ExpertProfile.objects.locked(experts_involved(question) | {expert.pk})
    _check_addressable(asker, expert, question.category)
    question.expert = expert
    question.status = QuestionStatus.AWAITING
    question.last_activity_at = timezone.now()
    question.save(update_fields=["expert", "status", "last_activity_at", "updated_at"])
    notify_addressed(question)
    thread_changed(question)
    return question


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
    _tell(
        other,
        NotificationKind.FOLLOW_UP,
        question,
        title=f"{author.display_name} followed up on “{question.title}”",
        body=excerpt(follow_up),
        about=follow_up,
    )
    thread_changed(question)
    return follow_up, True


@action
def close_question(*, question, asker) -> Question:
    """The asker marks the thread resolved: no more answers or follow-ups."""
    question = lock_question(question.pk, visible_to=asker)
    if question.status == QuestionStatus.CLOSED and question.asker_id == asker.pk:
        return question  # A double click.
    require(
        permissions.can_close(asker, question),
        permissions.why_not(asker, question, "Only the asker closes an answered thread."),
    )
    question.status = QuestionStatus.CLOSED
    Question.objects.filter(pk=question.pk).update(
        status=question.status, last_activity_at=timezone.now()
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
    _tell(
        answer.author,
        NotificationKind.RATING,
        question,
        title=f"{rater.display_name} rated your answer to “{question.title}”",
        body=thank_you_note,
        about=answer,
    )
    thread_changed(question)
    return rating, outcome


@action
def refresh_thread(*, question) -> Question:
    """Run the post-write hook on a thread that was written another way (a fixture,
    a bulk load, an upgrade that added derived data): manage.py refresh_threads."""
    question = lock_question(question.pk)
    thread_changed(question)
    return question


@action
def rerender_thread(*, question) -> bool:
    """Render a thread's posts again after the markdown policy changed; returns whether
    any stored HTML changed (manage.py rerender_markdown)."""
    question = lock_question(question.pk)
    posts = [
        question,
        *Answer.objects.filter(question=question).only("pk", "body", "body_html"),
        *FollowUp.objects.filter(answer__question=question).only("pk", "body", "body_html"),
    ]
    changed = False
    for post in posts:
        html = render_markdown(post.body)
        if html != post.body_html:
            type(post).objects.filter(pk=post.pk).update(body_html=html)
            changed = True
    if changed:
        thread_changed(question)
    return changed
