from .categories import Category
from .lifecycle import (
    AnswerRevision,
    Decline,
    DeclineReason,
    Flag,
    FlagReason,
    FlagStatus,
    QuestionRevision,
)
from .posts import (
    MAX_FOLLOW_UP_LENGTH,
    RESERVED_SLUGS,
    Answer,
    AnswerQuerySet,
    FollowUp,
    FollowUpQuerySet,
    Question,
    QuestionQuerySet,
    QuestionStatus,
    ReturnReason,
    Visibility,
)
from .search import SearchEntry

__all__ = [
    "MAX_FOLLOW_UP_LENGTH",
    "RESERVED_SLUGS",
    "Answer",
    "AnswerQuerySet",
    "AnswerRevision",
    "Category",
    "Decline",
    "DeclineReason",
    "Flag",
    "FlagReason",
    "FlagStatus",
    "FollowUp",
    "FollowUpQuerySet",
    "Question",
    "QuestionQuerySet",
    "QuestionRevision",
    "QuestionStatus",
    "ReturnReason",
    "SearchEntry",
    "Visibility",
]
