from .audit import AuditAction, AuditEntry
from .notifications import Channel, Notification, NotificationKind, NotificationPreference
from .users import (
    RESERVED_HANDLES,
    User,
    UserManager,
    handle_validator,
    validate_handle_not_reserved,
)

__all__ = [
    "RESERVED_HANDLES",
    "AuditAction",
    "AuditEntry",
    "Channel",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "User",
    "UserManager",
    "handle_validator",
    "validate_handle_not_reserved",
]
