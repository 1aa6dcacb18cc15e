"""The action layer's shared parts, and the actions on accounts.

Every write to what people see goes through a named action (Zulip's do_*
functions): views, the admin, management commands and tests call them, and
nothing else writes those models. An action is one transaction that

- checks its own permission, so every caller gets the rule: it refuses with
  a reason the page can show (Refused), or answers NotFound (a 404) for an
  object the actor may not see at all;
- locks rows in one fixed order: a thread write takes its question row
  first (forum.actions.hooks.lock_question), then posts, then expert
  profiles by id, so writes on one thread serialize and never deadlock;
- writes, notifies (e-mail leaves only after commit) and audits;
- ends with the post-write hook of what it changed: forum's
  thread_changed(), experts' expert_changed() or account_changed() here.
  Hooks refresh all derived data (search entries, counts, status,
  scorecards, redacted notifications) inside the transaction and move the
  page-cache generation, now and again on commit.

forum.actions and experts.actions hold the other apps' actions.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from config.pagecache import content_changed

from .audit import AuditAction, record
from .models import (
    ApiToken,
    AuditEntry,
    CannedReason,
    Channel,
    ContactMessage,
    ModeratorNote,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from .models.notifications import ALWAYS_ON
from .models.tokens import hash_token
from .notifications import DIGEST, notify, preferences
from .reasons import MAX_REASON_LENGTH
from .roles import MODERATORS_GROUP, can_suspend, is_moderator, moderators
from .signals import stopped_taking_questions


class Refused(PermissionDenied):
    """The actor may not do this now; str() says why, in words for them."""


class NotFound(Http404):
    """The object does not exist for this actor: a private thread is never admitted to exist."""


class Conflict(Exception):
    """An edit based on an older version: nothing was saved; `current` is what is there now."""

    def __init__(self, current):
        super().__init__("Someone else changed this while you were editing.")
        self.current = current


@dataclass(frozen=True)
class Registered:
    name: str
    func: Callable
    # The action changes what pages show: its hook moves the page-cache generation.
    shown: bool


# Every action by "app.function" name; tests run each one (tests/test_actions.py).
REGISTRY: dict[str, Registered] = {}


def action(func=None, *, shown=True):
    """Make `func` an action: registered, and one transaction."""

    def register(func):
        atomic = transaction.atomic(func)
        name = f"{func.__module__.split('.')[0]}.{func.__name__}"
        REGISTRY[name] = Registered(name, atomic, shown)
        return atomic

    return register(func) if func is not None else register


def require(allowed, reason):
    """Refuse with `reason` unless `allowed`."""
    if not allowed:
        raise Refused(reason)


def account_changed(user):
    """The post-write hook of an account: names and standing show on pages."""
    content_changed()


def _lock_user(user):
    return get_user_model().objects.select_for_update(no_key=True).get(pk=user.pk)


# -- Standing: suspensions and moderator rights ----------------------------------------------


@action
def suspend_user(*, user, moderator, reason, until=None):
    """The member can read but not post; their expert profile is hidden meanwhile."""
    require(can_suspend(moderator, user), "You cannot suspend this account.")
    user = _lock_user(user)
    before = {"suspended_until": user.suspended_until.isoformat() if user.suspended_until else None}
    user.suspended_at = timezone.now()
    user.suspended_until = until
    user.suspension_reason = reason
    user.save(update_fields=["suspended_at", "suspended_until", "suspension_reason"])
    until_text = (
        f"until {timezone.localtime(until):%-d %B %Y}" if until else "until a moderator lifts it"
    )
    notify(
        user,
        NotificationKind.ACCOUNT,
        title=f"Your account is suspended {until_text}",
        body=(
            f"Reason: {reason} You can still read the site. Your account page says more, "
            "and how to reach the moderators."
        ),
        url=_suspension_url(),
    )
    stopped_taking_questions.send(sender=__name__, user=user)
    record(
        actor=moderator,
        action=AuditAction.SUSPEND_USER,
        target=user,
        reason=reason,
        before=before,
        after={"suspended_until": until.isoformat() if until else "indefinitely"},
        subject=user,
    )
    account_changed(user)
    return user


@action
def lift_suspension(*, user, moderator, reason=""):
    require(can_suspend(moderator, user), "You cannot lift the suspension of this account.")
    user = _lock_user(user)
    if user.suspended_at is None:
        return user
    how = "A moderator lifted it."
    if reason:
        how = f"A moderator lifted it. Note from the moderators: {reason}"
    _end_suspension(user, how)
    record(
        actor=moderator,
        action=AuditAction.LIFT_SUSPENSION,
        target=user,
        reason=reason,
        subject=user,
    )
    account_changed(user)
    return user


@action
def expire_suspension(*, user) -> bool:
    """A suspension whose end date has passed ends (manage.py run_lifecycle).

    Pages already let the member post again from that date; this clears the
    suspension and tells them, once: a suspension ended here no longer
    matches, so a second run sends nothing. Returns whether it ended one.
    """
    user = _lock_user(user)
    if user.suspended_at is None or user.suspended_until is None:
        return False
    if user.suspended_until > timezone.now():
        return False
    ended = user.suspended_until
    _end_suspension(user, f"It ran until {timezone.localtime(ended):%-d %B %Y}.")
    record(
        actor=None,
        action=AuditAction.LIFT_SUSPENSION,
        target=user,
        reason="The suspension reached its end date.",
        before={"suspended_until": ended.isoformat()},
        subject=user,
    )
    account_changed(user)
    return True


def _end_suspension(user, how):
    """Clear a suspension (`user` locked) and tell the member: the last notice said "suspended"."""
    user.suspended_at = None
    user.suspended_until = None
    user.suspension_reason = ""
    user.save(update_fields=["suspended_at", "suspended_until", "suspension_reason"])
    notify(
        user,
        NotificationKind.ACCOUNT,
        title="Your suspension has ended",
        body=f"{how} You can ask, answer and take part again.",
        url=reverse("accounts:account"),
    )


def _suspension_url():
    """The account page's account of the suspension: until when, why, whom to ask."""
    return reverse("accounts:account") + "#suspension"


@action
def set_moderator(*, user, granted, actor=None):
    """Grant or withdraw moderator rights (manage.py moderator, or a staff member)."""
    group = Group.objects.get(name=MODERATORS_GROUP)
    user = _lock_user(user)
    if granted:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    record(
        actor=actor,
        action=AuditAction.GRANT_MODERATOR if granted else AuditAction.REVOKE_MODERATOR,
        target=user,
        subject=user,
    )
    account_changed(user)
    return user


# -- The member's own account ------------------------------------------------------------------


@action
def update_account(*, user, form):
    """Save the member's public name and handle (`form`: a valid ProfileForm of theirs)."""
    require(form.instance.pk == user.pk, "You can only change your own account.")
    _lock_user(user)
    form.save()
    account_changed(user)
    return form.instance


@action
def staff_save_user(*, staff, user, form, change):
    """A staff member's change in the admin: saved with an audit row of the fields changed."""
    require(staff.is_active and staff.is_staff, "Only staff change accounts in the admin.")
    if change:
        _lock_user(user)
    user.save()
    record(
        actor=staff,
        action=AuditAction.STAFF_EDIT_USER,
        target=user,
        after={"changed": ", ".join(form.changed_data) or "nothing"},
        subject=user,
    )
    account_changed(user)
    return user


@action(shown=False)
def set_notification_preferences(*, user, channels, daily_digest):
    """`channels`: {kind: channel}. Account notices cannot be switched off."""
    for kind, channel in channels.items():
        if kind in ALWAYS_ON and channel == Channel.OFF:
            channel = Channel.ONSITE
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"channel": channel}
        )
    user.daily_digest = daily_digest
    user.save(update_fields=["daily_digest"])


@action(shown=False)
def unsubscribe(*, user, kind):
    """Stop e-mails from the link in one (signed for that member and kind), nothing more.

    A kind sent by e-mail becomes "on the site only": the member still sees it on the
    site. DIGEST stops the daily digest: every kind it carried becomes on-site only and
    the digest is switched off. E-mails of those kinds not sent yet are not sent.
    """
    user = _lock_user(user)
    current = preferences(user)
    kinds = [k for k, channel in current.items() if channel == Channel.EMAIL]
    if kind != DIGEST:
        kinds = [k for k in kinds if k == kind]
    for each in kinds:
        NotificationPreference.objects.update_or_create(
            user=user, kind=each, defaults={"channel": Channel.ONSITE}
        )
    pending = Notification.objects.filter(recipient=user, email_wanted=True, emailed_at=None)
    if kind != DIGEST:
        pending = pending.filter(kind=kind)
    pending.update(email_wanted=False)
    if kind == DIGEST and user.daily_digest:
        user.daily_digest = False
        user.save(update_fields=["daily_digest"])


@action(shown=False)
def mark_read(*, user, notification=None, thread_id=None):
    """Mark the member's notifications read: one, those about one thread (they are reading
    it), or all of them; returns how many. One UPDATE, whatever their number."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    if thread_id is not None:
        unread = unread.filter(thread_id=thread_id)
    return unread.update(read_at=timezone.now())


# -- The contact form ---------------------------------------------------------------------------


@action(shown=False)
def send_contact_message(
    *, sender, email, topic, subject, body, name="", submission_key=None
) -> tuple[ContactMessage, bool]:
    """Store a message for the moderators and tell every one of them; returns (message, new).

    Anyone may write, a suspended member too (the contact form is how they reach
    the moderators); the view rate-limits it. A member's own address and name are
    used. The same form sent twice (same key) is the first message, told once.
    """
    if sender is not None and sender.is_authenticated:
        email, name = sender.email, sender.display_name or name
    else:
        sender = None
    values = dict(sender=sender, name=name, topic=topic, subject=subject, body=body)
    if submission_key is None:
        message, created = ContactMessage.objects.create(email=email, **values), True
    else:
        message, created = ContactMessage.objects.get_or_create(
            email=email, submission_key=submission_key, defaults=values
        )
    if not created:
        return message, False
    text = " ".join(body.split())
    who = f"{name} <{email}>" if name else email
    for moderator in moderators(get_user_model().objects.all()):
        notify(
            moderator,
            NotificationKind.CONTACT,
            title=f"Contact form: {subject}",
            body=f"From {who}, about {message.get_topic_display().lower()}: "
            f"{text[:300]}{'…' if len(text) > 300 else ''}",
            url=message.get_absolute_url(),
        )
    return message, True


@action(shown=False)
def update_contact_message(*, message, moderator, handled=None) -> ContactMessage:
    """A moderator reads a contact message (handled=None), marks it handled, or reopens it."""
    require(is_moderator(moderator), "Only moderators read the contact messages.")
    message = ContactMessage.objects.select_for_update().get(pk=message.pk)
    now = timezone.now()
    changed = []
    if message.read_at is None:
        message.read_at = now
        changed.append("read_at")
    if handled is not None and handled != (message.handled_at is not None):
        message.handled_at = now if handled else None
        message.handled_by = moderator if handled else None
        changed += ["handled_at", "handled_by"]
    if changed:
        message.save(update_fields=changed)
    return message


# -- The moderators' canned reasons ----------------------------------------------------------


@action(shown=False)
def save_canned_reason(*, moderator, form) -> CannedReason:
    """Add a canned reason, or change one (a valid CannedReasonForm)."""
    require(is_moderator(moderator), "Only moderators edit the canned reasons.")
    return form.save()


@action(shown=False)
def delete_canned_reason(*, moderator, reason) -> None:
    """Take a reason off the list; reasons already given keep their words."""
    require(is_moderator(moderator), "Only moderators edit the canned reasons.")
    CannedReason.objects.filter(pk=reason.pk).delete()


# -- Moderators' warnings and private notes about members ------------------------------------

# A second identical submit within this window is the first one (a double click).
_RESUBMIT_WINDOW = timedelta(minutes=1)
MAX_NOTE_LENGTH = ModeratorNote._meta.get_field("body").max_length


@action(shown=False)
def warn_user(*, user, moderator, message):
    """A moderator's warning, before any suspension: the member is told, the log keeps it.

    Nothing on public pages changes, so no page-cache move. The same warning sent
    twice in a row by the same moderator (a double submit) is sent once.
    """
    require(can_suspend(moderator, user), "You cannot warn this account.")
    message = message.strip()
    require(message, "Write the warning: the member will read it.")
    require(
        len(message) <= MAX_REASON_LENGTH,
        f"Keep the warning to {MAX_REASON_LENGTH} characters (it has {len(message)}).",
    )
    user = _lock_user(user)
    recent = AuditEntry.objects.filter(
        action=AuditAction.WARN_USER,
        actor=moderator,
        subject=user,
        reason=message,
        created_at__gte=timezone.now() - _RESUBMIT_WINDOW,
    ).first()
    if recent is not None:
        return recent
    notify(
        user,
        NotificationKind.ACCOUNT,
        title="A warning from the moderators",
        body=message,
        url=reverse("terms"),
    )
    return record(
        actor=moderator,
        action=AuditAction.WARN_USER,
        target=user,
        reason=message,
        subject=user,
    )


@action(shown=False)
def add_moderator_note(*, member, moderator, body) -> ModeratorNote:
    """A private note for the other moderators: the member is never told, nor shown it.

    Not audited either: the audit log is read by every moderator like the notes,
    but it records decisions, and a note decides nothing.
    """
    require(
        is_moderator(moderator) and member.pk != moderator.pk,
        "Moderators keep notes about other members, not about themselves.",
    )
    body = body.strip()
    require(body, "Write the note.")
    require(
        len(body) <= MAX_NOTE_LENGTH,
        f"Keep the note to {MAX_NOTE_LENGTH} characters (it has {len(body)}).",
    )
    # Serializes two submits of the same note, so the check below sees the first.
    member = _lock_user(member)
    recent = ModeratorNote.objects.filter(
        member=member,
        author=moderator,
        body=body,
        created_at__gte=timezone.now() - _RESUBMIT_WINDOW,
    ).first()
    if recent is not None:
        return recent
    return ModeratorNote.objects.create(member=member, author=moderator, body=body)


# -- Personal API tokens (the read-only API, forum.api) -------------------------------------------

MAX_API_TOKENS = 10
# A token's last use is written at most this often: one UPDATE a minute, not one a request.
TOKEN_USE_PRECISION = timedelta(minutes=1)


@action(shown=False)
def create_api_token(*, user, name) -> tuple[ApiToken, str | None]:
    """A new personal token; returns (token, raw key). Only the key's hash is kept, so the
    caller shows the raw key once, now.

    Suspended members may create tokens: a token only reads, and reads what the member
    reads on the site. The same name sent twice within a minute (a double submit) is the
    first token, and the raw key (already shown for it) is None.
    """
    require(user.is_authenticated and user.is_active, "Sign in to create an API token.")
    name = " ".join((name or "").split())
    require(name, "Name the token, to tell it apart from your others.")
    limit = ApiToken._meta.get_field("name").max_length
    require(len(name) <= limit, f"Keep the name to {limit} characters (it has {len(name)}).")
    # Serializes two submits, so the checks below see the first one's token.
    user = _lock_user(user)
    tokens = ApiToken.objects.active().filter(user=user)
    recent = tokens.filter(name=name, created_at__gte=timezone.now() - _RESUBMIT_WINDOW).first()
    if recent is not None:
        return recent, None
    require(
        tokens.count() < MAX_API_TOKENS,
        f"You have {MAX_API_TOKENS} tokens, the most a member may hold: "
        "revoke one you no longer use first.",
    )
    raw = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), hint=raw[:8])
    return token, raw


@action(shown=False)
def revoke_api_token(*, user, token) -> ApiToken:
    """Stop a token working at once. Another member's token does not exist (404)."""
    if token.user_id != user.pk:
        raise NotFound("No such token.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@action(shown=False)
def note_api_token_use(*, token_id) -> bool:
    """Record that a token was used, at most once a minute (callers skip it when the time
    they read is fresh). The update's condition keeps simultaneous requests to one write."""
    now = timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOKEN_USE_PRECISION)
    return bool(ApiToken.objects.filter(stale, pk=token_id).update(last_used_at=now))
