"""Private to public, with consent: who may take each step, and what the text becomes.

A private thread becomes public only when its asker and its addressed expert
both agree (forum.models.publication.PublicationRequest), the asker has had
the chance to list passages to remove, and a moderator has reviewed the
result. The steps themselves are actions (forum.actions.publication); the
rules here are used by those actions, the views and the templates alike.
Each answers yes or no and never raises.
"""

import re
from dataclasses import dataclass

from accounts.roles import can_post, is_moderator

from .models import (
    ACTIVE_PUBLICATION,
    Answer,
    PublicationRequest,
    PublicationStatus,
    QuestionStatus,
    Visibility,
)

# What a removed passage becomes in the published thread.
REMOVED = "[removed]"
MIN_PASSAGE = 3
MAX_PASSAGE = 300
MAX_PASSAGES = 50
# How often the replacement runs again, should removing one passage make another appear.
MAX_ROUNDS = 5


# -- Which threads, and whose consent ----------------------------------------------------------


def is_party(user, question) -> bool:
    """The asker or the addressed expert: the two people whose consent is needed."""
    return user.is_authenticated and user.pk in (question.asker_id, question.expert_id)


def qualifies(question) -> bool:
    """A private thread, neither hidden nor withdrawn, that its addressed expert answered.

    The shown answer is asked of the database once per question object.
    """
    if (
        question.visibility != Visibility.PRIVATE
        or question.is_hidden
        or question.status == QuestionStatus.WITHDRAWN
        or not question.expert_id
    ):
        return False
    if "_expert_answered" not in question.__dict__:
        question._expert_answered = Answer.objects.filter(
            question=question, author_id=question.expert_id, is_hidden=False
        ).exists()
    return question._expert_answered


def active_request(question):
    """The request still in progress on this thread, or None (one query, remembered)."""
    if "_active_publication" not in question.__dict__:
        question._active_publication = (
            PublicationRequest.objects.filter(question=question, status__in=ACTIVE_PUBLICATION)
            .select_related("requested_by", "reviewed_by")
            .first()
        )
    return question._active_publication


def _acting_party(user, request) -> bool:
    question = request.question
    return (
        can_post(user)
        and is_party(user, question)
        and request.expert_id == question.expert_id
        and qualifies(question)
    )


def can_request_publication(user, question) -> bool:
    """Either party, on a thread that qualifies and has no request in progress."""
    return (
        can_post(user)
        and is_party(user, question)
        and qualifies(question)
        and active_request(question) is None
    )


def has_agreed(user, request) -> bool:
    if user.pk == request.question.asker_id:
        return request.asker_agreed_at is not None
    if user.pk == request.expert_id:
        return request.expert_agreed_at is not None
    return False


def can_agree(user, request) -> bool:
    """The party who has not agreed yet, while the request waits for them."""
    return (
        request.status == PublicationStatus.PROPOSED
        and _acting_party(user, request)
        and not has_agreed(user, request)
    )


def can_withdraw(user, request) -> bool:
    """Either party until it is published; a moderator may end one sent for review."""
    if request.status not in (
        PublicationStatus.PROPOSED,
        PublicationStatus.AGREED,
        PublicationStatus.IN_REVIEW,
    ):
        return False
    if user.is_authenticated and is_party(user, request.question):
        return can_post(user)
    return request.status == PublicationStatus.IN_REVIEW and can_review(user, request)


def can_redact(user, request) -> bool:
    """The asker chooses the passages to remove, once both agreed and before the review."""
    return (
        request.status == PublicationStatus.AGREED
        and user.pk == request.question.asker_id
        and _acting_party(user, request)
    )


def can_submit(user, request) -> bool:
    """The asker sends the thread, passages marked, to the moderators."""
    return can_redact(user, request)


def can_review(user, request) -> bool:
    """Moderators review what is sent to them, never a thread of their own."""
    return (
        request.status == PublicationStatus.IN_REVIEW
        and is_moderator(user)
        and not is_party(user, request.question)
    )


# -- Describing where a request stands, for each reader ----------------------------------------


def describe(user, request) -> str:
    """Where the request stands, in words for `user` (a party or a moderator)."""
    question = request.question
    asker, expert = question.asker.display_name, request.expert.display_name
    mine = user.pk == request.requested_by_id
    if request.status == PublicationStatus.PROPOSED:
        if mine:
            other = expert if user.pk == question.asker_id else asker
            return f"You asked to make this thread public. It waits for {other}'s consent."
        who = request.requested_by.display_name
        return f"{who} asked to make this thread public. It stays private unless you agree."
    if request.status == PublicationStatus.AGREED:
        if request.review_note:
            lead = f"A moderator sent it back: “{request.review_note}”. "
        else:
            lead = "You both agreed to make this thread public. "
        if user.pk == question.asker_id:
            return lead + "Choose any passages to remove, then send it for review."
        return lead + f"{asker} may remove passages, then sends it to the moderators."
    if request.status == PublicationStatus.IN_REVIEW:
        return "Sent for review: a moderator checks it before it becomes public."
    return request.get_status_display()


# -- Passages: parsing, checking, applying -----------------------------------------------------


def parse_passages(text) -> list[str]:
    """One passage a line, trimmed; blank lines and repeats (in any case) dropped."""
    seen, passages = set(), []
    for line in (text or "").splitlines():
        passage = " ".join(line.split())
        key = passage.casefold()
        if passage and key not in seen:
            seen.add(key)
            passages.append(passage)
    return passages


@dataclass
class PassageCheck:
    passages: list[str]
    errors: list[str]


def check_passages(text, thread_texts) -> PassageCheck:
    """The passages of `text` and what is wrong with them, in words for the asker.

    Each must be MIN_PASSAGE to MAX_PASSAGE characters, found (any case) in one
    of `thread_texts` (the thread's texts, each searched on its own), and not a
    part of the REMOVED marker itself; at most MAX_PASSAGES of them.
    """
    passages = parse_passages(text)
    errors = []
    if len(passages) > MAX_PASSAGES:
        errors.append(f"List at most {MAX_PASSAGES} passages; there are {len(passages)}.")
        return PassageCheck(passages[:MAX_PASSAGES], errors)
    for passage in passages:
        shown = passage if len(passage) <= 60 else passage[:57] + "…"
        if len(passage) < MIN_PASSAGE:
            errors.append(f"“{shown}” is too short: a passage needs {MIN_PASSAGE} characters.")
        elif len(passage) > MAX_PASSAGE:
            errors.append(
                f"“{shown}” is too long: mark at most {MAX_PASSAGE} characters a line "
                "(split a long passage over several lines)."
            )
        elif _folded(passage) in _folded(REMOVED):
            errors.append(f"“{shown}” is part of the word that replaces removed text.")
        elif not any(_matcher(passage).search(part) for part in thread_texts if part):
            errors.append(f"“{shown}” is not in the thread. Copy it exactly as it appears.")
    return PassageCheck(passages, errors)


def _folded(text) -> str:
    """Whitespace runs as one space, lower case: how passages are compared with the text."""
    return " ".join(text.split()).lower()


def _pattern(passage) -> str:
    """A passage as a regular expression: its words literally, any whitespace between them."""
    return r"\s+".join(re.escape(word) for word in passage.split())


def _matcher(passage):
    return re.compile(_pattern(passage), re.IGNORECASE)


def redact(text, passages, marker=REMOVED) -> str:
    """`text` with every occurrence of each passage (any case) replaced by `marker`.

    Overlapping occurrences, of one passage or several, become one marker.
    Words of a passage match across any whitespace (a passage copied from the
    page may have lost a line break). Pure: no database, no side effects.
    """
    if not text or not passages:
        return text
    patterns = [_matcher(p) for p in passages if p.strip()]
    for _ in range(MAX_ROUNDS):
        spans = []
        for pattern in patterns:
            # Every occurrence, overlapping ones included: try a match at each start.
            position = 0
            while (found := pattern.search(text, position)) is not None:
                spans.append((found.start(), found.end()))
                position = found.start() + 1
        if not spans:
            return text
        spans.sort()
        merged = [list(spans[0])]
        for start, end in spans[1:]:
            if start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        pieces, last = [], 0
        for start, end in merged:
            pieces.append(text[last:start])
            pieces.append(marker)
            last = end
        pieces.append(text[last:])
        text = "".join(pieces)
    return text


def redact_json(value, passages):
    """A JSON value (dict, list, string, ...) with the passages removed from every string in it."""
    if isinstance(value, str):
        return redact(value, passages)
    if isinstance(value, list):
        return [redact_json(item, passages) for item in value]
    if isinstance(value, dict):
        return {redact(k, passages): redact_json(v, passages) for k, v in value.items()}
    return value
