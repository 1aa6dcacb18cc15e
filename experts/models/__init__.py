from .credentials import CREDENTIAL_GROUP_TITLES, Credential, CredentialKind
from .decisions import CategoryRequest, RequestStatus
from .profiles import (
    DEFAULT_EXPERT_ORDER,
    EXPERT_ORDERS,
    ExpertProfile,
    ExpertProfileQuerySet,
    ExpertStatus,
    start_of_today,
)
from .ratings import Rating, RatingQuerySet

__all__ = [
    "CREDENTIAL_GROUP_TITLES",
    "DEFAULT_EXPERT_ORDER",
    "EXPERT_ORDERS",
    "CategoryRequest",
    "Credential",
    "CredentialKind",
    "ExpertProfile",
    "ExpertProfileQuerySet",
    "ExpertStatus",
    "Rating",
    "RatingQuerySet",
    "RequestStatus",
    "start_of_today",
]
