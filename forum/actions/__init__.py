"""The forum's actions: every write to threads, posts, flags and categories (see accounts.actions).

Views, the admin, management commands and tests call these; nothing else
writes those models.
"""

from .asker import ask_again, edit_own_question, withdraw_question
from .categories import save_category
from .flags import flag, keep_hidden, request_review
from .hooks import lock_question, thread_changed
from .maintenance import refresh_thread, rerender_thread
from .moderation import (
    dismiss_flags,
    edit_question,
    flag_target_field,
    hide,
    moderator_edit_answer,
    restore,
    roll_back,
    set_featured,
    set_locked,
)
from .routing import ask_question, expire_question, reroute_question, return_to_asker
from .threads import (
    AlreadyAnswered,
    ResolveWithPendingReply,
    decline_question,
    edit_answer,
    post_answer,
    post_follow_up,
    rate_answer,
    reopen_question,
    resolve_question,
)

__all__ = [
    "AlreadyAnswered",
    "ResolveWithPendingReply",
    "ask_again",
    "ask_question",
    "decline_question",
    "dismiss_flags",
    "edit_answer",
    "edit_own_question",
    "edit_question",
    "expire_question",
    "flag",
    "flag_target_field",
    "hide",
    "keep_hidden",
    "lock_question",
    "moderator_edit_answer",
    "post_answer",
    "post_follow_up",
    "rate_answer",
    "refresh_thread",
    "reopen_question",
    "request_review",
    "rerender_thread",
    "reroute_question",
    "resolve_question",
    "restore",
    "return_to_asker",
    "roll_back",
    "save_category",
    "set_featured",
    "set_locked",
    "thread_changed",
    "withdraw_question",
]
