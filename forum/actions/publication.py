"""Private to public, with consent: the steps of a PublicationRequest.

Either party (the asker or the addressed expert) asks; the other agrees;
the asker may list passages to remove and sends the thread for review; a
moderator publishes it or sends it back with a note. Either party may
withdraw until it is published. Every step locks the question row first,
then the request row, writes one audit row (never the passages themselves,
only how many) and ends with thread_changed().

publish() applies the passages to every copy of the thread's text in one
transaction: the posts and every free-text field of the thread's rows
(answers' disclosures and referral notes, follow-ups, ratings and replies,
declines, flags, moderators' reasons), the notifications about the thread
(sent or not: an e-mail not yet sent is built from the row when it goes),
the audit rows about the thread's objects. Revisions of the question and
answers are deleted rather than redacted: an earlier version may hold a
variant of a passage the asker never saw, so it cannot be trusted to be
clean. The search index and the page cache are rebuilt by thread_changed().
"""

from django.utils import timezone

from accounts.actions import NotFound, Refused, action, require
from accounts.audit import AuditAction, record
from accounts.notifications import NotificationKind
from config import pagecache

from .. import publication as rules
from ..models import (
    PublicationRequest,
    PublicationStatus,
    Visibility,
)
from . import notices
from .hooks import lock_question, thread_changed
from .redaction import apply_passages, forget_fragments, rewrite_links, thread_texts

__all__ = [
    "InvalidPassages",
    "agree_publication",
    "publish",
    "request_publication",
    "return_publication",
    "set_redactions",
    "submit_for_review",
    "withdraw_publication",
]

MAX_NOTE = 500


class InvalidPassages(Refused):
    """The passages cannot be used as they are; `errors` says why, one message each."""

    def __init__(self, errors):
        super().__init__(" ".join(errors))
        self.errors = errors


def _lock(request, user):
    """The thread's question row (visible to `user`, else NotFound), then the request row."""
    question = lock_question(request.question_id, visible_to=user)
    fresh = (
        PublicationRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("requested_by", "expert")
        .filter(pk=request.pk, question=question)
        .first()
    )
    if fresh is None:
        raise NotFound
    fresh.question = question
    return question, fresh


def _other_party(question, user):
    return question.expert if user.pk == question.asker_id else question.asker


def _tell(people, question, *, title, body=""):
    seen = set()
    for person in people:
        if person is not None and person.pk not in seen:
            seen.add(person.pk)
            notices.tell(
                person,
                NotificationKind.PUBLICATION,
                question,
                title=title,
                body=body,
                about=question,
            )


def _audit(user, action_, question, request, *, reason="", **after):
    record(
        actor=user,
        action=action_,
        target=question,
        reason=reason,
        after={"request": request.pk, "status": request.status, **after},
        subject=question.asker,
    )


@action
def request_publication(*, question, user) -> PublicationRequest:
    """Either party asks to make the private thread public; their own consent goes with it."""
    question = lock_question(question.pk, visible_to=user)
    existing = rules.active_request(question)
    if existing is not None and existing.requested_by_id == user.pk:
        return existing  # A double click.
    require(
        rules.can_request_publication(user, question),
        "Only the asker and the answering expert of a private, answered thread can ask "
        "to make it public, and only one request at a time.",
    )
    now = timezone.now()
    is_asker = user.pk == question.asker_id
    request = PublicationRequest.objects.create(
        question=question,
        expert=question.expert,
        requested_by=user,
        asker_agreed_at=now if is_asker else None,
        expert_agreed_at=None if is_asker else now,
    )
    _tell(
        [_other_party(question, user)],
        question,
        title=f"{user.display_name} asks to make “{question.title}” public",
        body="It stays private unless you agree. Open the thread to agree or to say no.",
    )
    _audit(user, AuditAction.PUBLICATION_REQUESTED, question, request)
    thread_changed(question)
    return request


@action
def agree_publication(*, request, user) -> PublicationRequest:
    """The other party agrees: both consent, and the asker may choose passages to remove."""
    question, request = _lock(request, user)
    if request.status != PublicationStatus.PROPOSED and rules.has_agreed(user, request):
        return request  # A double click.
    require(rules.can_agree(user, request), "This request no longer waits for your consent.")
    now = timezone.now()
    if user.pk == question.asker_id:
        request.asker_agreed_at = now
    else:
        request.expert_agreed_at = now
    request.status = PublicationStatus.AGREED
    request.save(update_fields=["asker_agreed_at", "expert_agreed_at", "status"])
    _tell(
        [request.requested_by],
        question,
        title=f"{user.display_name} agreed to make “{question.title}” public",
        body="The asker may now remove passages, then sends the thread to the moderators.",
    )
    _audit(user, AuditAction.PUBLICATION_AGREED, question, request)
    thread_changed(question)
    return request


@action
def withdraw_publication(*, request, user, reason="") -> PublicationRequest:
    """Either party calls it off before publication; a moderator may end one in review."""
    question, request = _lock(request, user)
    if request.status == PublicationStatus.WITHDRAWN and request.withdrawn_by_id == user.pk:
        return request  # A double click.
    require(rules.can_withdraw(user, request), "This request can no longer be withdrawn.")
    request.status = PublicationStatus.WITHDRAWN
    request.redactions = ""
    request.withdrawn_by = user
    request.withdrawn_at = timezone.now()
    request.save(update_fields=["status", "redactions", "withdrawn_by", "withdrawn_at"])
    if rules.is_party(user, question):
        told = [_other_party(question, user)]
    else:
        told = [question.asker, question.expert]
    _tell(
        told,
        question,
        title=f"{user.display_name} withdrew the request to make “{question.title}” public",
        body="The thread stays private." + (f" {reason}" if reason else ""),
    )
    _audit(user, AuditAction.PUBLICATION_WITHDRAWN, question, request, reason=reason)
    thread_changed(question)
    return request


def _set_passages(question, request, text):
    found = rules.check_passages(text, thread_texts(question))
    if found.errors:
        raise InvalidPassages(found.errors)
    request.redactions = "\n".join(found.passages)
    request.save(update_fields=["redactions"])
    return found.passages


@action
def set_redactions(*, request, user, text) -> PublicationRequest:
    """The asker lists the passages to remove, one a line: each must be in the thread."""
    question, request = _lock(request, user)
    require(rules.can_redact(user, request), "Only the asker removes passages, once both agreed.")
    _set_passages(question, request, text)
    thread_changed(question)
    return request


@action
def submit_for_review(*, request, user, text=None) -> PublicationRequest:
    """The asker sends the thread, with its passages (`text`, when given), to the moderators."""
    question, request = _lock(request, user)
    if request.status == PublicationStatus.IN_REVIEW and user.pk == question.asker_id:
        return request  # A double click.
    require(
        rules.can_submit(user, request), "Only the asker sends it for review, once both agreed."
    )
    passages = (
        _set_passages(question, request, text)
        if text is not None
        else rules.parse_passages(request.redactions)
    )
    request.status = PublicationStatus.IN_REVIEW
    request.submitted_at = timezone.now()
    request.save(update_fields=["status", "submitted_at"])
    _tell(
        [question.expert],
        question,
        title=f"“{question.title}” was sent to the moderators to be made public",
        body=f"{question.asker.display_name} marked {len(passages)} passage"
        f"{'s' if len(passages) != 1 else ''} to remove. You can still withdraw your consent.",
    )
    # How many passages, never which: the log must not keep what is being removed.
    _audit(user, AuditAction.PUBLICATION_SUBMITTED, question, request, passages=len(passages))
    thread_changed(question)
    return request


@action
def return_publication(*, request, moderator, note) -> PublicationRequest:
    """A moderator sends it back to the asker with a note; both parties hear why."""
    question, request = _lock(request, moderator)
    note = " ".join((note or "").split())
    require(rules.can_review(moderator, request), "Only moderators review it, while in review.")
    require(bool(note), "Say what should change before it can be published.")
    require(len(note) <= MAX_NOTE, f"Keep the note under {MAX_NOTE} characters.")
    request.status = PublicationStatus.AGREED
    request.review_note = note
    request.reviewed_by = moderator
    request.reviewed_at = timezone.now()
    request.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    _tell(
        [question.asker, question.expert],
        question,
        title=f"A moderator sent back “{question.title}” before publishing it",
        body=f"The moderator's note: {note}",
    )
    _audit(moderator, AuditAction.PUBLICATION_RETURNED, question, request, reason=note)
    thread_changed(question)
    return request


@action
def publish(*, request, moderator) -> PublicationRequest:
    """A moderator publishes: the passages leave every copy of the text; the thread is public."""
    question, request = _lock(request, moderator)
    if request.status == PublicationStatus.PUBLISHED:
        return request  # A double click.
    require(rules.can_review(moderator, request), "Only moderators publish it, while in review.")
    require(
        rules.qualifies(question) and request.expert_id == question.expert_id,
        "The thread no longer qualifies: its expert's answer is hidden, or it was withdrawn.",
    )
    passages = rules.parse_passages(request.redactions)
    old_path = question.get_absolute_url()
    generation = pagecache.token(pagecache.thread_keys(question.pk))
    counts = apply_passages(question, passages)
    question.visibility = Visibility.PUBLIC
    question.save(update_fields=["visibility", "body_html"])
    rewrite_links(question, old_path)
    now = timezone.now()
    request.refresh_from_db()
    request.question = question
    request.status = PublicationStatus.PUBLISHED
    request.redactions = ""
    request.reviewed_by = moderator
    request.reviewed_at = now
    request.published_at = now
    request.save(
        update_fields=["status", "redactions", "reviewed_by", "reviewed_at", "published_at"]
    )
    forget_fragments(question, generation)
    _tell(
        [question.asker, question.expert],
        question,
        title=f"“{question.title}” is public now",
        body="Both of you agreed and a moderator published it"
        + (", without the passages the asker removed." if passages else "."),
    )
    _audit(
        moderator,
        AuditAction.PUBLICATION_PUBLISHED,
        question,
        request,
        passages=len(passages),
        **counts,
    )
    thread_changed(question)
    return request


def review_queue():
    """Requests waiting for a moderator, oldest first."""
    return (
        PublicationRequest.objects.filter(status=PublicationStatus.IN_REVIEW)
        .select_related("question__category", "question__asker", "expert", "requested_by")
        .order_by("submitted_at", "pk")
    )
