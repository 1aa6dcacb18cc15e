"""The forum's actions: every write to threads, posts, flags and categories (see accounts.actions).

Views, the admin, management commands and tests call these; nothing else
writes those models.
"""

from .asker import ask_again, edit_own_question, withdraw_question
from .categories import save_category, set_guidance
from .disclosures import require_disclosure
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
from .outcomes import record_outcome
from .publication import (
    InvalidPassages,
    agree_publication,
    publish,
    request_publication,
    return_publication,
    set_redactions,
    submit_for_review,
    withdraw_publication,
)
from .routing import ask_question, expire_question, reroute_question, return_to_asker
from .threads import (
    ANSWER_DETAILS,
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
    "ANSWER_DETAILS",
    "AlreadyAnswered",
    "InvalidPassages",
    "ResolveWithPendingReply",
    "agree_publication",
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
    "publish",
    "rate_answer",
    "record_outcome",
    "refresh_thread",
    "reopen_question",
    "request_publication",
    "request_review",
    "require_disclosure",
    "rerender_thread",
    "reroute_question",
    "resolve_question",
    "restore",
    "return_publication",
    "return_to_asker",
    "roll_back",
    "save_category",
    "set_featured",
    "set_guidance",
    "set_locked",
    "set_redactions",
    "submit_for_review",
    "thread_changed",
    "withdraw_publication",
    "withdraw_question",
]
