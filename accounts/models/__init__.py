from .audit import AuditAction, AuditEntry
from .contact import MAX_CONTACT_LENGTH, ContactMessage, ContactTopic
from .moderation import CannedReason, ModeratorNote, ReasonUse
from .notifications import Channel, Notification, NotificationKind, NotificationPreference
from .tokens import ApiToken
from .users import (
    RESERVED_HANDLES,
    User,
    UserManager,
    handle_validator,
    validate_handle_not_reserved,
)

__all__ = [
    "MAX_CONTACT_LENGTH",
    "RESERVED_HANDLES",
    "ApiToken",
    "AuditAction",
    "AuditEntry",
    "CannedReason",
    "Channel",
    "ContactMessage",
    "ContactTopic",
    "ModeratorNote",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "ReasonUse",
    "User",
    "UserManager",
    "handle_validator",
    "validate_handle_not_reserved",
]
