"""Named permission rules for every write in the forum, used by views and templates alike.

Seeing a question is decided by Question.objects.visible_to(); these functions
decide what a user may do with a question or answer they can already see.
Each answers yes or no and never raises.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.roles import can_post, is_moderator, why_cannot_post

from . import lifecycle
from .models import QuestionStatus


def expert_profile(user):
    """The user's approved expert profile, or None."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "expert_profile", None)
    if profile is None or not profile.is_approved:
        return None
    return profile


def is_expert(user) -> bool:
    return expert_profile(user) is not None


def is_expert_for(user, category) -> bool:
    """An approved expert of the category or of one of its ancestors."""
    profile = expert_profile(user)
    if profile is None:
        return False
    if not hasattr(profile, "_category_paths"):
        profile._category_paths = set(profile.categories.values_list("path", flat=True))
    return bool(profile._category_paths & {category.path, *category.ancestor_paths()})


def is_open(question) -> bool:
    """The thread takes steps from its members: neither locked nor hidden by a moderator."""
    return not question.locked and not question.is_hidden


def has_answered(user, question) -> bool:
    """The user wrote an answer to the question (shown or hidden)."""
    if not user.is_authenticated:
        return False
    # Views that already hold the answers set `answer_author_ids` to save a query;
    # otherwise the answer is remembered on the question for the rest of the request.
    ids = getattr(question, "answer_author_ids", None)
    if ids is not None:
        return user.pk in ids
    asked = question.__dict__.setdefault("_answered_by", {})
    if user.pk not in asked:
        asked[user.pk] = question.answers.filter(author=user).exists()
    return asked[user.pk]


def can_ask(user) -> bool:
    return can_post(user)


def can_answer(user, question) -> bool:
    """An expert answers a question addressed to them, or an open one in their categories."""
    if not can_post(user) or not is_open(question) or user.pk == question.asker_id:
        return False
    if not lifecycle.allows(question, "answer"):
        return False
    if question.expert_id is not None:
        allowed = question.expert_id == user.pk and is_expert(user)
    else:
        allowed = is_expert_for(user, question.category)
    return allowed and not has_answered(user, question)


def can_decline(user, question) -> bool:
    """Only the addressed expert, before answering, while the question waits for them."""
    return (
        can_post(user)
        and is_expert(user)
        and question.expert_id == user.pk
        and question.asker_id != user.pk
        and lifecycle.allows(question, "decline")
        and is_open(question)
        and not has_answered(user, question)
    )


def can_reroute(user, question) -> bool:
    """The asker sends a declined, returned or still open question to someone else."""
    return (
        can_post(user)
        and user.pk == question.asker_id
        and lifecycle.allows(question, "reroute")
        and is_open(question)
    )


def can_resolve(user, question) -> bool:
    """The asker marks an answered thread resolved."""
    return (
        can_post(user)
        and user.pk == question.asker_id
        and lifecycle.allows(question, "resolve")
        and is_open(question)
    )


def can_reopen(user, question) -> bool:
    """The asker reopens a resolved thread to follow up again."""
    return (
        can_post(user)
        and user.pk == question.asker_id
        and lifecycle.allows(question, "reopen")
        and is_open(question)
    )


def _askers_step(user, question, step) -> bool:
    return (
        can_post(user)
        and user.pk == question.asker_id
        and lifecycle.allows(question, step)
        and is_open(question)
    )


def can_edit_question(user, question) -> bool:
    """The asker changes title, text, category or visibility until the question is answered."""
    return _askers_step(user, question, "edit")


def can_withdraw(user, question) -> bool:
    """The asker takes a question back until it is answered."""
    return _askers_step(user, question, "withdraw")


def can_ask_again(user, question) -> bool:
    """The asker undoes their withdrawal."""
    return _askers_step(user, question, "ask_again")


def awaits_reply(answer, question) -> bool:
    """The last follow-up under the answer is the asker's, shown: the expert owes a reply.

    Uses the answer's prefetched follow-ups when the view loaded them.
    """
    follow_ups = [f for f in answer.follow_ups.all() if not f.is_hidden]
    return bool(follow_ups) and follow_ups[-1].author_id == question.asker_id


def can_follow_up(user, answer, question=None) -> bool:
    """The asker and the answer's expert talk under that answer, while the thread is open.

    Once resolved, the expert may still answer a follow-up the asker left waiting.
    """
    question = question or answer.question
    if not (
        can_post(user)
        and is_open(question)
        and not answer.is_hidden
        and user.pk in (question.asker_id, answer.author_id)
    ):
        return False
    if question.status == QuestionStatus.RESOLVED:
        return user.pk == answer.author_id and awaits_reply(answer, question)
    return True


def can_rate(user, answer, question=None) -> bool:
    """The asker rates each answer to their question (and may change the rating)."""
    question = question or answer.question
    return (
        can_post(user)
        and user.pk == question.asker_id
        and user.pk != answer.author_id
        and not answer.is_hidden
        and not question.locked
        and not question.is_hidden
    )


# The asker says whether following an answer helped once they could have tried it.
OUTCOME_WAIT = timedelta(days=7)


def outcome_opens_at(answer):
    """From when the asker may say whether following the answer helped."""
    return answer.created_at + OUTCOME_WAIT


def may_tell_outcome(user, answer, question=None) -> bool:
    """can_record_outcome but for the wait: whoever may rate the answer (its asker, on a
    shown answer of an open thread)."""
    return can_rate(user, answer, question)


def can_record_outcome(user, answer, question=None) -> bool:
    """The asker says "I followed the advice: it helped / it did not", a week or more after
    the answer (and may change their mind)."""
    return may_tell_outcome(user, answer, question) and timezone.now() >= outcome_opens_at(answer)


def why_no_outcome(user, answer, question=None) -> str:
    """Why can_record_outcome says no, in words for the user."""
    question = question or answer.question
    if not can_post(user):
        return why_cannot_post(user)
    if user.pk != question.asker_id or user.pk == answer.author_id:
        return "Only the asker says whether following an answer helped."
    if may_tell_outcome(user, answer, question):
        opens = timezone.localtime(outcome_opens_at(answer))
        return f"Give the advice a week: you can say whether it helped from {opens:%-d %B %Y}."
    return why_not(user, question, "This answer takes no outcome now.")


def can_edit_answer(user, answer, question=None) -> bool:
    question = question or answer.question
    return can_post(user) and user.pk == answer.author_id and not question.locked


def can_flag(user, item) -> bool:
    """Members flag what they can see, except their own posts."""
    author_id = item.asker_id if hasattr(item, "asker_id") else item.author_id
    return can_post(user) and user.pk != author_id


def _edited_since_hidden(item) -> bool:
    edited = getattr(item, "edited_at", None)
    return bool(edited and item.hidden_at and edited > item.hidden_at)


def can_request_review(user, item) -> bool:
    """The author of a hidden question or answer asks for a second look, once, after editing it."""
    author_id = item.asker_id if hasattr(item, "asker_id") else item.author_id
    return (
        can_post(user)
        and user.pk == author_id
        and item.is_hidden
        and item.review_requested_at is None
        and _edited_since_hidden(item)
    )


def why_no_review(user, item) -> str:
    """Why can_request_review says no, in words for the author."""
    if not can_post(user):
        return why_cannot_post(user)
    if not item.is_hidden:
        return "It is not hidden: there is nothing to review."
    if item.review_requested_at is not None:
        return "You already asked for this post to be reviewed again: a moderator has it."
    if not _edited_since_hidden(item):
        return "Edit it first to put right what the moderators' reason says, then ask."
    return "Only its author asks for a post to be reviewed again."


def can_moderate(user) -> bool:
    return is_moderator(user)


def can_moderate_post(user, item) -> bool:
    """Moderators act on questions, answers and follow-ups, never on their own."""
    author_id = item.asker_id if hasattr(item, "asker_id") else item.author_id
    return is_moderator(user) and user.pk != author_id


def why_not(user, question, default) -> str:
    """Why a write on this thread is refused, in words for the user; else `default`."""
    if not can_post(user):
        return why_cannot_post(user)
    if question.is_hidden:
        return "The moderators hid this question: it takes no new posts."
    if question.locked:
        return "A moderator locked this thread: it takes no new posts."
    if question.status == QuestionStatus.RESOLVED:
        return "The asker marked this thread resolved."
    return default
