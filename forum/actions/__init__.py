"""The forum's actions: every write to threads, posts, flags and categories (see accounts.actions).

Views, the admin, management commands and tests call these; nothing else
writes those models.
"""

from .categories import save_category
from .hooks import lock_question, thread_changed
from .moderation import (
    dismiss_flags,
    edit_question,
    flag,
    flag_target_field,
    hide,
    moderator_edit_answer,
    restore,
    roll_back,
    set_featured,
    set_locked,
)
from .threads import (
    AlreadyAnswered,
    ask_question,
    close_question,
    decline_question,
    edit_answer,
    post_answer,
    post_follow_up,
    rate_answer,
    readdress_question,
    refresh_thread,
    rerender_thread,
)

__all__ = [
    "AlreadyAnswered",
    "ask_question",
    "close_question",
    "decline_question",
    "dismiss_flags",
    "edit_answer",
    "edit_question",
    "flag",
    "flag_target_field",
    "hide",
    "lock_question",
    "moderator_edit_answer",
    "post_answer",
    "post_follow_up",
    "rate_answer",
    "readdress_question",
    "refresh_thread",
    "rerender_thread",
    "restore",
    "roll_back",
    "save_category",
    "set_featured",
    "set_locked",
    "thread_changed",
]
