"""Moderation of content, and flags: every action one transaction with its audit row.

Nothing here deletes: content is hidden and restored, edits keep revisions,
flags are resolved. Moderator powers need accounts.roles.is_moderator, and
nobody moderates their own posts (forum.permissions.can_moderate_post).
"""

from django.utils import timezone

from accounts.actions import Conflict, NotFound, action, require
from accounts.audit import AuditAction, record
from accounts.notifications import NotificationKind, notify

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


def _resolve_flags(item, moderator, status, question):
    """Close the open flags on `item` with `status`; each flagger hears the outcome.

    Returns how many were closed.
    """
    flags = list(
        Flag.objects.open().filter(**{flag_target_field(item): item}).select_related("flagger")
    )
    Flag.objects.filter(pk__in=[f.pk for f in flags]).update(
        status=status, resolved_by=moderator, resolved_at=timezone.now()
    )
    kind = item._meta.verbose_name
    whose = f"{author_of(item).display_name}'s {kind}"
    for flag in flags:
        if status == FlagStatus.ACTIONED:
            title = f"Your flag was helpful: the moderators hid {whose}"
            body = "Thank you. Visitors no longer see it."
        else:
            title = f"Your flag on {whose} was declined"
            body = f"A moderator reviewed it and left the {kind} as it is."
        notify(
            flag.flagger,
            NotificationKind.FLAG_OUTCOME,
            title=title,
            body=f"You flagged it as “{flag.get_reason_display()}” on "
            f"{timezone.localtime(flag.created_at):%-d %B %Y}. {body}",
            # About the thread: a hidden post is gone from the flagger's sight, and a
            # notice about it would be redacted before they read the outcome.
            url=question.get_absolute_url(),
            about=question,
            thread_id=question.pk,
        )
    return len(flags)


def tell_author(item, question, *, title, body=""):
    """The author hears what a moderator did to their post, and why."""
    notify(
        author_of(item),
        NotificationKind.ACCOUNT,
        title=title,
        body=body,
        url=item.get_absolute_url(),
        about=item,
        thread_id=question.pk,
    )


def _because(reason):
    return f"Reason: {reason}" if reason else ""


def _hide(item, question, *, moderator, reason, audit_action, flaggers=0, notice=None):
    """Hide `item`: by `moderator`, or (None) automatically, after `flaggers` members flagged it.

    `notice`: (title, body) for the author instead of the usual words.
    """
    item.is_hidden = True
    item.hidden_reason = reason
    item.hidden_at = timezone.now()
    item.hidden_by = moderator
    item.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "hidden_by"])
    if audit_action == AuditAction.HIDE:
        _resolve_flags(item, moderator, FlagStatus.ACTIONED, question)
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
        if isinstance(item, Question | Answer):
            body += " Edit it to put things right, then ask for it to be reviewed again."
    if notice is not None:
        title, body = notice
    tell_author(item, question, title=title, body=body)
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


def _unhide(item, question, moderator, reason, *, why, tell=True, after=None):
    """Show `item` again; its author hears it (unless `tell` is false), `why` saying how.

    `moderator` is whoever shows it: the author, when adding a required disclosure.
    """
    item.is_hidden = False
    item.hidden_reason = ""
    item.hidden_at = None
    item.hidden_by = None
    fields = ["is_hidden", "hidden_reason", "hidden_at", "hidden_by"]
    if getattr(item, "disclosure_required_at", None):
        # Shown again, by a moderator or by the disclosure asked for: nothing is required now.
        item.disclosure_required_at = None
        item.disclosure_required_reason = ""
        fields += ["disclosure_required_at", "disclosure_required_reason"]
    item.save(update_fields=fields)
    record(
        actor=moderator,
        action=AuditAction.RESTORE,
        target=item,
        reason=reason,
        before={"hidden": True},
        after={"hidden": False, **(after or {})},
        subject=author_of(item),
    )
    kind = item._meta.verbose_name
    if tell:
        tell_author(
            item,
            question,
            title=f"Your {kind} is visible again",
            body=" ".join(filter(None, [why, _because(reason)])),
        )


@action
def restore(*, item, moderator, reason=""):
    """Bring hidden content back; open flags on it are dismissed by the review."""
    _check(moderator, item)
    question, item = _lock(item)
    if not item.is_hidden:
        return item
    why = (
        "A moderator reviewed it again, as you asked, and restored it."
        if item.review_requested_at and item.review_requested_at > item.hidden_at
        else "A moderator restored it."
    )
    _unhide(item, question, moderator, reason, why=why)
    _resolve_flags(item, moderator, FlagStatus.DISMISSED, question)
    thread_changed(question)
    return item


@action
def dismiss_flags(*, item, moderator, reason=""):
    """The flags were wrong: resolve them. A post they hid automatically comes back.

    Returns how many flags were dismissed.
    """
    _check(moderator, item)
    question, item = _lock(item)
    count = _resolve_flags(item, moderator, FlagStatus.DISMISSED, question)
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
        _unhide(
            item,
            question,
            moderator,
            reason,
            why="A moderator reviewed the flags that hid it and dismissed them.",
        )
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
    tell_author(
        answer,
        question,
        title=f"Your answer to “{question.title}” is an editor's pick"
        if featured
        else f"Your answer to “{question.title}” is no longer an editor's pick",
        body="The moderators feature it on the home page and in the archive." if featured else "",
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


def _replace_question_text(question, editor, title, body, base_version, reason="") -> bool:
    """Like replace_answer_text, for a locked question's title and text."""
    if title == question.title and body == question.body:
        return False
    if question.version != base_version:
        raise Conflict(question)
    QuestionRevision.objects.create(
        question=question,
        title=question.title,
        body=question.body,
        edited_by=editor,
        reason=reason,
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
    changed_text = _replace_question_text(question, moderator, title, body, base_version, reason)
    moved = category.pk != question.category_id
    if changed_text:
        question.moderator_edited_at = question.edited_at
        question.save(update_fields=["moderator_edited_at"])
    if moved:
        question.category = category
        question.save(update_fields=["category", "updated_at"])
    if changed_text or moved:
        done = []
        if changed_text:
            done.append("edited it")
        if moved:
            done.append(f"moved it to {category.name}")
        tell_author(
            question,
            question,
            title=f"A moderator {' and '.join(done)}: “{question.title}”",
            body=" ".join(
                filter(None, [_because(reason), "The earlier text is kept." * changed_text])
            ),
        )
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
    if replace_answer_text(answer, moderator, body, base_version, reason):
        answer.moderator_edited_at = answer.edited_at
        answer.save(update_fields=["moderator_edited_at"])
        tell_author(
            answer,
            question,
            title=f"A moderator edited your answer to “{question.title}”",
            body=" ".join(filter(None, [_because(reason), "The earlier text is kept."])),
        )
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
        target.moderator_edited_at = target.edited_at
        target.save(update_fields=["moderator_edited_at"])
        tell_author(
            target,
            question,
            title=f"A moderator put back an earlier version of your {target._meta.verbose_name}",
            body="The text it replaced is kept too.",
        )
        record(
            actor=moderator,
            action=AuditAction.ROLLBACK,
            target=target,
            after={"revision": revision.pk},
            subject=subject,
        )
        thread_changed(question)
    return target
