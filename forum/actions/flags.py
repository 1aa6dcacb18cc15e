"""Flags, and the second look an author may ask for once their hidden post is put right.

A flag is a member's report for the moderators; enough of them hide a post
until a moderator reviews it. Resolving flags (forum.actions.moderation)
tells each flagger the outcome.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.actions import action, require
from accounts.audit import AuditAction, record
from accounts.notifications import NotificationKind, notify
from accounts.roles import moderators

from .. import permissions
from ..models import Flag
from .hooks import thread_changed
from .moderation import _check, _hide, _lock, author_of, flag_target_field, tell_author


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


@action
def request_review(*, item, author):
    """The author of a hidden post, having edited it, asks the moderators to look again: once."""
    question, item = _lock(item, author)
    require(
        permissions.can_request_review(author, item),
        permissions.why_no_review(author, item),
    )
    item.review_requested_at = timezone.now()
    item.save(update_fields=["review_requested_at"])
    kind = item._meta.verbose_name
    for moderator in moderators(get_user_model().objects.all()):
        notify(
            moderator,
            NotificationKind.NEW_FLAG,
            title=f"{author.display_name} asks for their hidden {kind} to be reviewed again",
            body=f"In “{question.title}”. They edited it after it was hidden "
            f"(reason given: {item.hidden_reason}).\n"
            f"Waiting for review: {settings.SITE_URL}{reverse('moderation:queue')}#reviews",
            url=item.get_absolute_url(),
            about=item,
            thread_id=question.pk,
        )
    thread_changed(question)
    return item


@action
def keep_hidden(*, item, moderator, reason):
    """Answer a review request with no: the post stays hidden, for this reason."""
    _check(moderator, item)
    question, item = _lock(item)
    if not item.is_hidden:
        return item
    before = {"reason": item.hidden_reason}
    item.hidden_reason = reason
    item.hidden_at = timezone.now()
    item.hidden_by = moderator
    item.save(update_fields=["hidden_reason", "hidden_at", "hidden_by"])
    tell_author(
        item,
        question,
        title=f"Your {item._meta.verbose_name} stays hidden",
        body=f"A moderator reviewed it again. Reason: {reason}",
    )
    record(
        actor=moderator,
        action=AuditAction.KEEP_HIDDEN,
        target=item,
        reason=reason,
        before=before,
        after={"reason": reason},
        subject=author_of(item),
    )
    thread_changed(question)
    return item
