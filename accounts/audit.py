"""The audit trail: every moderator action writes one row, inside the action's transaction."""

from django.db import transaction

from .models import AuditAction, AuditEntry

__all__ = ["AuditAction", "record"]


def record(*, actor, action, target, reason="", before=None, after=None, subject=None):
    """Write the audit row for `action` on `target` (any model instance).

    Must run inside the transaction of the change it records, so the two
    stand or fall together. The names are kept as they are now: a later
    rename does not rewrite the log.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit rows are written inside the action's transaction.")
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor.display_name if actor else "",
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        target_label=str(target)[:200],
        subject=subject,
        subject_name=subject.display_name if subject else "",
        reason=reason or "",
        before=before or {},
        after=after or {},
    )
