"""Moderation of content and members: every action one transaction with its audit row.

Nothing here deletes: content is hidden and restored, edits keep revisions,
flags are resolved, suspensions are lifted.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts.audit import AuditAction, record
from accounts.notifications import NotificationKind, notify
from accounts.roles import MODERATORS_GROUP
from experts import scorecard

from . import search
from .models import (
    Answer,
    AnswerRevision,
    Flag,
    FlagStatus,
    FollowUp,
    Question,
    QuestionRevision,
    QuestionStatus,
)
from .services import edit_answer


def author_of(item):
    return item.asker if isinstance(item, Question) else item.author


def flag_target_field(item) -> str:
    return {Question: "question", Answer: "answer", FollowUp: "follow_up"}[type(item)]


def _refresh_question_counts(question_id):
    """Keep answer_count, status and answered_at true to the visible answers."""
    question = Question.objects.select_for_update().get(pk=question_id)
    visible = question.answers.filter(is_hidden=False)
    question.answer_count = visible.count()
    first = visible.order_by("created_at").values_list("created_at", flat=True).first()
    question.answered_at = first
    if question.answer_count and question.status == QuestionStatus.AWAITING:
        question.status = QuestionStatus.ANSWERED
    elif not question.answer_count and question.status == QuestionStatus.ANSWERED:
        question.status = QuestionStatus.AWAITING
    question.save(update_fields=["answer_count", "answered_at", "status"])


def thread_id(item):
    if isinstance(item, Question):
        return item.pk
    if isinstance(item, Answer):
        return item.question_id
    return item.answer.question_id


def _after_visibility_change(item):
    search.index_thread(thread_id(item))
    if isinstance(item, Answer):
        _refresh_question_counts(item.question_id)
        scorecard.refresh(item.author_id)
    elif isinstance(item, Question):
        for author_id in set(item.answers.values_list("author_id", flat=True)):
            scorecard.refresh(author_id)
        if item.expert_id:
            scorecard.refresh(item.expert_id)


def _resolve_flags(item, moderator, status):
    return (
        Flag.objects.open()
        .filter(**{flag_target_field(item): item})
        .update(status=status, resolved_by=moderator, resolved_at=timezone.now())
    )


@transaction.atomic
def hide(*, item, moderator, reason, action=AuditAction.HIDE):
    """Hide a question, answer or follow-up from everyone but its author and moderators."""
    item.is_hidden = True
    item.hidden_reason = reason
    item.hidden_at = timezone.now()
    item.hidden_by = moderator
    item.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "hidden_by"])
    _after_visibility_change(item)
    if action == AuditAction.HIDE:
        _resolve_flags(item, moderator, FlagStatus.ACTIONED)
    kind = item._meta.verbose_name
    notify(
        author_of(item),
        NotificationKind.ACCOUNT,
        title=f"Your {kind} was hidden by the moderators",
        body=f"Reason: {reason} Only you and the moderators can see it now.",
        url=item.get_absolute_url(),
    )
    record(
        actor=moderator,
        action=action,
        target=item,
        reason=reason,
        before={"hidden": False},
        after={"hidden": True},
        subject=author_of(item),
    )
    return item


@transaction.atomic
def restore(*, item, moderator, reason=""):
    """Bring hidden content back; open flags on it are dismissed by the review."""
    item.is_hidden = False
    item.hidden_reason = ""
    item.hidden_at = None
    item.hidden_by = None
    item.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "hidden_by"])
    _after_visibility_change(item)
    _resolve_flags(item, moderator, FlagStatus.DISMISSED)
    record(
        actor=moderator,
        action=AuditAction.RESTORE,
        target=item,
        reason=reason,
        before={"hidden": True},
        after={"hidden": False},
        subject=author_of(item),
    )
    return item


@transaction.atomic
def dismiss_flags(*, item, moderator, reason=""):
    count = _resolve_flags(item, moderator, FlagStatus.DISMISSED)
    record(
        actor=moderator,
        action=AuditAction.DISMISS_FLAGS,
        target=item,
        reason=reason,
        after={"dismissed": count},
        subject=author_of(item),
    )
    return count


@transaction.atomic
def set_featured(*, answer, moderator, featured):
    answer.is_featured = featured
    answer.featured_at = timezone.now() if featured else None
    answer.save(update_fields=["is_featured", "featured_at"])
    search.index_thread(answer.question_id)
    record(
        actor=moderator,
        action=AuditAction.FEATURE if featured else AuditAction.UNFEATURE,
        target=answer,
        before={"featured": not featured},
        after={"featured": featured},
        subject=answer.author,
    )
    return answer


@transaction.atomic
def set_locked(*, question, moderator, locked, reason=""):
    question.locked = locked
    question.save(update_fields=["locked", "updated_at"])
    record(
        actor=moderator,
        action=AuditAction.LOCK if locked else AuditAction.UNLOCK,
        target=question,
        reason=reason,
        before={"locked": not locked},
        after={"locked": locked},
        subject=question.asker,
    )
    return question


@transaction.atomic
def edit_question(*, question, editor, title, body, category, reason="", moderator=False):
    """Change a question's title, text or category; the old title and text are kept."""
    before = {"title": question.title, "category": question.category.name}
    changed_text = title != question.title or body != question.body
    if changed_text:
        QuestionRevision.objects.create(
            question=question, title=question.title, body=question.body, edited_by=editor
        )
        question.title = title
        question.body = body
        question.edited_at = timezone.now()
    moved = category.pk != question.category_id
    question.category = category
    question.save()
    search.index_thread(question.pk)
    if moderator and (changed_text or moved):
        record(
            actor=editor,
            action=AuditAction.MOVE if moved and not changed_text else AuditAction.EDIT,
            target=question,
            reason=reason,
            before=before,
            after={"title": question.title, "category": category.name},
            subject=question.asker,
        )
    return question


@transaction.atomic
def moderator_edit_answer(*, answer, moderator, body, reason=""):
    edit_answer(answer=answer, editor=moderator, body=body)
    record(
        actor=moderator,
        action=AuditAction.EDIT,
        target=answer,
        reason=reason,
        subject=answer.author,
    )
    return answer


@transaction.atomic
def roll_back(*, revision, moderator):
    """Put an earlier text back; the text it replaces becomes a revision in turn."""
    if isinstance(revision, AnswerRevision):
        answer = revision.answer
        edit_answer(answer=answer, editor=moderator, body=revision.body)
        target, subject = answer, answer.author
    else:
        question = revision.question
        edit_question(
            question=question,
            editor=moderator,
            title=revision.title,
            body=revision.body,
            category=question.category,
        )
        target, subject = question, question.asker
    record(
        actor=moderator,
        action=AuditAction.ROLLBACK,
        target=target,
        after={"revision": revision.pk},
        subject=subject,
    )
    return target


@transaction.atomic
def suspend_user(*, user, moderator, reason, until=None):
    """The member can read but not post; their expert profile is hidden meanwhile."""
    before = {"suspended_until": user.suspended_until.isoformat() if user.suspended_until else None}
    user.suspended_at = timezone.now()
    user.suspended_until = until
    user.suspension_reason = reason
    user.save(update_fields=["suspended_at", "suspended_until", "suspension_reason"])
    until_text = f"until {until:%-d %B %Y}" if until else "until a moderator lifts it"
    notify(
        user,
        NotificationKind.ACCOUNT,
        title=f"Your account is suspended {until_text}",
        body=f"Reason: {reason} You can still read the site.",
        url=reverse("accounts:account"),
    )
    record(
        actor=moderator,
        action=AuditAction.SUSPEND_USER,
        target=user,
        reason=reason,
        before=before,
        after={"suspended_until": until.isoformat() if until else "indefinitely"},
        subject=user,
    )
    return user


@transaction.atomic
def lift_suspension(*, user, moderator, reason=""):
    user.suspended_at = None
    user.suspended_until = None
    user.suspension_reason = ""
    user.save(update_fields=["suspended_at", "suspended_until", "suspension_reason"])
    record(
        actor=moderator,
        action=AuditAction.LIFT_SUSPENSION,
        target=user,
        reason=reason,
        subject=user,
    )
    return user


@transaction.atomic
def flag(*, item, flagger, reason, note=""):
    """Record a member's flag; returns (flag, created). Auto-hides at the threshold.

    Content that reaches FLAGS_TO_AUTO_HIDE open flags from distinct members is
    hidden until a moderator reviews it (restoring it dismisses the flags).
    """
    field = flag_target_field(item)
    existing = Flag.objects.filter(flagger=flagger, **{field: item}).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            new = Flag.objects.create(flagger=flagger, reason=reason, note=note, **{field: item})
    except IntegrityError:
        return Flag.objects.get(flagger=flagger, **{field: item}), False
    notify_moderators(new, item)
    open_flags = Flag.objects.open().filter(**{field: item})
    distinct = open_flags.exclude(flagger=author_of(item)).values("flagger").distinct().count()
    if not item.is_hidden and distinct >= settings.FLAGS_TO_AUTO_HIDE:
        hide(
            item=item,
            moderator=None,
            reason=f"Hidden automatically after {distinct} flags, until a moderator reviews it.",
            action=AuditAction.AUTO_HIDE,
        )
    return new, True


def open_flag_groups():
    """Open flags grouped by item: [(field, id, count, latest)], most flagged and newest first."""
    rows = (
        Flag.objects.open()
        .values("question_id", "answer_id", "follow_up_id")
        .annotate(count=Count("id"), latest=Max("created_at"))
        .order_by("-count", "-latest")
    )
    return rows


def notify_moderators(flag, item):
    """Moderators who opted in to hear about new flags (the default is off)."""
    moderators = (
        get_user_model()
        .objects.filter(Q(groups__name=MODERATORS_GROUP) | Q(is_superuser=True), is_active=True)
        .distinct()
    )
    for moderator in moderators:
        notify(
            moderator,
            NotificationKind.NEW_FLAG,
            title=f"New flag: {flag.get_reason_display()}",
            body=flag.note,
            url=reverse("moderation:queue"),
        )
