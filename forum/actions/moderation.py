"""Moderation of content, and flags: every action one transaction with its audit row.

Nothing here deletes: content is hidden and restored, edits keep revisions,
flags are resolved. Moderator powers need accounts.roles.is_moderator, and
nobody moderates their own posts (forum.permissions.can_moderate_post).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.actions import Conflict, NotFound, action, require
from accounts.audit import AuditAction, record
from accounts.notifications import NotificationKind, notify
from accounts.roles import moderators

from .. import permissions
from ..models import (
    Answer,
    AnswerRevision,
    Flag,
    FlagStatus,
    FollowUp,
    Question,
    QuestionRevision,
)
from . import notices
from .hooks import lock_answer, lock_question, thread_changed, thread_of
from .threads import replace_answer_text

NOT_YOURS = "Moderators act on other people's posts, not on their own."


def author_of(item):
    return item.asker if isinstance(item, Question) else item.author


def flag_target_field(item) -> str:
    return {Question: "question", Answer: "answer", FollowUp: "follow_up"}[type(item)]


def _lock(item, user=None):
    """Lock the item's thread (the question first), then the item; read both fresh."""
    question = lock_question(thread_of(item), visible_to=user)
    if isinstance(item, Question):
        return question, question
    model = type(item)
    found = model.objects.all() if user is None else model.objects.visible_to(user)
    fresh = (
        found.select_for_update(of=("self",), no_key=True)
        .select_related("author")
        .filter(pk=item.pk)
    )
    fresh = fresh.first()
    if fresh is None:
        raise NotFound
    return question, fresh


def _check(moderator, item):
    require(permissions.can_moderate_post(moderator, item), NOT_YOURS)


def _resolve_flags(item, moderator, status):
    return (
        Flag.objects.open()
        .filter(**{flag_target_field(item): item})
        .update(status=status, resolved_by=moderator, resolved_at=timezone.now())
    )


def _hide(item, question, *, moderator, reason, audit_action, flaggers=0):
    """Hide `item`: by `moderator`, or (None) automatically, after `flaggers` members flagged it."""
    item.is_hidden = True
    item.hidden_reason = reason
    item.hidden_at = timezone.now()
    item.hidden_by = moderator
    item.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "hidden_by"])
    if audit_action == AuditAction.HIDE:
        _resolve_flags(item, moderator, FlagStatus.ACTIONED)
    kind = item._meta.verbose_name
    if moderator is None:
        title = (
            f"Your {kind} was hidden automatically after {flaggers} "
            f"member{'s' if flaggers != 1 else ''} flagged it"
        )
        body = (
            "It stays hidden until a moderator reviews it; no moderator has looked at it "
            "yet. Only you and the moderators can see it meanwhile."
        )
    else:
        title = f"Your {kind} was hidden by the moderators"
        body = f"Reason: {reason} Only you and the moderators can see it now."
    notify(
        author_of(item),
        NotificationKind.ACCOUNT,
        title=title,
        body=body,
        url=item.get_absolute_url(),
        about=item,
        thread_id=question.pk,
    )
    record(
        actor=moderator,
        action=audit_action,
        target=item,
        reason=reason,
        before={"hidden": False},
        after={"hidden": True},
        subject=author_of(item),
    )


@action
def hide(*, item, moderator, reason):
    """Hide a question, answer or follow-up from everyone but its author and moderators."""
    _check(moderator, item)
    question, item = _lock(item)
    # Hidden by a moderator already (a double click): nothing more. An automatic
    # hide is confirmed, with this reason.
    if not (item.is_hidden and item.hidden_by_id is not None):
        _hide(item, question, moderator=moderator, reason=reason, audit_action=AuditAction.HIDE)
        thread_changed(question)
    return item


def _unhide(item, moderator, reason):
    item.is_hidden = False
    item.hidden_reason = ""
    item.hidden_at = None
    item.hidden_by = None
    item.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "hidden_by"])
    record(
        actor=moderator,
        action=AuditAction.RESTORE,
        target=item,
        reason=reason,
        before={"hidden": True},
        after={"hidden": False},
        subject=author_of(item),
    )


@action
def restore(*, item, moderator, reason=""):
    """Bring hidden content back; open flags on it are dismissed by the review."""
    _check(moderator, item)
    question, item = _lock(item)
    if not item.is_hidden:
        return item
    _unhide(item, moderator, reason)
    _resolve_flags(item, moderator, FlagStatus.DISMISSED)
    thread_changed(question)
    return item


@action
def dismiss_flags(*, item, moderator, reason=""):
    """The flags were wrong: resolve them. A post they hid automatically comes back.

    Returns how many flags were dismissed.
    """
    _check(moderator, item)
    question, item = _lock(item)
    count = _resolve_flags(item, moderator, FlagStatus.DISMISSED)
    record(
        actor=moderator,
        action=AuditAction.DISMISS_FLAGS,
        target=item,
        reason=reason,
        after={"dismissed": count},
        subject=author_of(item),
    )
    if item.is_hidden and item.hidden_by_id is None:
        # Hidden by the flags alone, until a moderator reviewed them: reviewed now.
        _unhide(item, moderator, reason or "The flags were dismissed.")
    thread_changed(question)
    return count


@action
def set_featured(*, answer, moderator, featured):
    """Make an answer an editor's pick, or stop."""
    _check(moderator, answer)
    question, answer = _lock(answer)
    if answer.is_featured == featured:
        return answer
    answer.is_featured = featured
    answer.featured_at = timezone.now() if featured else None
    answer.save(update_fields=["is_featured", "featured_at"])
    record(
        actor=moderator,
        action=AuditAction.FEATURE if featured else AuditAction.UNFEATURE,
        target=answer,
        before={"featured": not featured},
        after={"featured": featured},
        subject=answer.author,
    )
    thread_changed(question)
    return answer


@action
def set_locked(*, question, moderator, locked, reason=""):
    """Lock a thread (no new answers or follow-ups), or unlock it."""
    _check(moderator, question)
    question = lock_question(question.pk)
    if question.locked == locked:
        return question
    question.locked = locked
    question.save(update_fields=["locked", "updated_at"])
    # Everyone the thread concerns hears why it stopped, or started again.
    people = [question.asker, question.expert]
    people += [a.author for a in Answer.objects.filter(question=question).select_related("author")]
    notices.thread_update(
        question,
        [person for person in people if person is not None and person.pk != moderator.pk],
        title=f"The moderators {'locked' if locked else 'unlocked'} “{question.title}”",
        body=(
            f"{reason + ' ' if reason else ''}No new answers or follow-ups until it is unlocked."
            if locked
            else "Answers and follow-ups are open again."
        ),
    )
    record(
        actor=moderator,
        action=AuditAction.LOCK if locked else AuditAction.UNLOCK,
        target=question,
        reason=reason,
        before={"locked": not locked},
        after={"locked": locked},
        subject=question.asker,
    )
    thread_changed(question)
    return question


def _replace_question_text(question, editor, title, body, base_version) -> bool:
    """Like replace_answer_text, for a locked question's title and text."""
    if title == question.title and body == question.body:
        return False
    if question.version != base_version:
        raise Conflict(question)
    QuestionRevision.objects.create(
        question=question, title=question.title, body=question.body, edited_by=editor
    )
    question.title = title
    question.body = body
    question.edited_at = timezone.now()
    question.version += 1
    question.save()
    return True


@action
def edit_question(*, question, moderator, title, body, category, base_version, reason=""):
    """Change a question's title, text or category; the old title and text are kept."""
    _check(moderator, question)
    question = lock_question(question.pk)
    before = {"title": question.title, "category": question.category.name}
    changed_text = _replace_question_text(question, moderator, title, body, base_version)
    moved = category.pk != question.category_id
    if moved:
        question.category = category
        question.save(update_fields=["category", "updated_at"])
    if changed_text or moved:
        record(
            actor=moderator,
            action=AuditAction.MOVE if moved and not changed_text else AuditAction.EDIT,
            target=question,
            reason=reason,
            before=before,
            after={"title": question.title, "category": category.name},
            subject=question.asker,
        )
        thread_changed(question)
    return question


@action
def moderator_edit_answer(*, answer, moderator, body, base_version, reason=""):
    _check(moderator, answer)
    question = lock_question(answer.question_id)
    answer = lock_answer(question, answer.pk, moderator)
    if replace_answer_text(answer, moderator, body, base_version):
        record(
            actor=moderator,
            action=AuditAction.EDIT,
            target=answer,
            reason=reason,
            subject=answer.author,
        )
        thread_changed(question)
    return answer


@action
def roll_back(*, revision, moderator, base_version):
    """Put an earlier text back; the text it replaces becomes a revision in turn.

    `base_version` is the version the moderator compared against: a newer
    edit since is a Conflict, not overwritten unseen.
    """
    if isinstance(revision, AnswerRevision):
        _check(moderator, revision.answer)
        question = lock_question(revision.answer.question_id)
        target = lock_answer(question, revision.answer_id, moderator)
        changed = replace_answer_text(target, moderator, revision.body, base_version)
        subject = target.author
    else:
        _check(moderator, revision.question)
        question = target = lock_question(revision.question_id)
        changed = _replace_question_text(
            question, moderator, revision.title, revision.body, base_version
        )
        subject = question.asker
    if changed:
        record(
            actor=moderator,
            action=AuditAction.ROLLBACK,
            target=target,
            after={"revision": revision.pk},
            subject=subject,
        )
        thread_changed(question)
    return target


@action
def flag(*, item, flagger, reason, note=""):
    """Record a member's flag; returns (flag, created). Auto-hides at the threshold.

    Content that reaches FLAGS_TO_AUTO_HIDE open flags from distinct members is
    hidden until a moderator reviews it (restoring it dismisses the flags).
    """
    question, item = _lock(item, flagger)
    require(
        permissions.can_flag(flagger, item),
        permissions.why_not(flagger, question, "You cannot flag your own post."),
    )
    field = flag_target_field(item)
    existing = Flag.objects.filter(flagger=flagger, **{field: item}).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            new = Flag.objects.create(flagger=flagger, reason=reason, note=note, **{field: item})
    except IntegrityError:
        return Flag.objects.get(flagger=flagger, **{field: item}), False
    notify_moderators(new, item, question)
    open_flags = Flag.objects.open().filter(**{field: item})
    distinct = open_flags.exclude(flagger=author_of(item)).values("flagger").distinct().count()
    if not item.is_hidden and distinct >= settings.FLAGS_TO_AUTO_HIDE:
        _hide(
            item,
            question,
            moderator=None,
            reason=f"Hidden automatically after {distinct} flags, until a moderator reviews it.",
            audit_action=AuditAction.AUTO_HIDE,
            flaggers=distinct,
        )
    thread_changed(question)
    return new, True


def notify_moderators(flag, item, question):
    """Moderators who opted in to hear about new flags (the default is off)."""
    kind = item._meta.verbose_name
    author = author_of(item).display_name
    title = f"New flag on {author}'s {kind} in “{question.title}”"
    lines = [f"Reason: {flag.get_reason_display()}."]
    if flag.note:
        lines.append(f"Note from {flag.flagger.display_name}: {flag.note}")
    else:
        lines.append(f"Flagged by {flag.flagger.display_name}.")
    lines.append(f"Every open flag: {settings.SITE_URL}{reverse('moderation:queue')}")
    for moderator in moderators(get_user_model().objects.all()):
        notify(
            moderator,
            NotificationKind.NEW_FLAG,
            title=title,
            body="\n".join(lines),
            url=item.get_absolute_url(),
            about=item,
            thread_id=question.pk,
        )
