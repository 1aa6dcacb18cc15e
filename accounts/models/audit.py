from django.db import models
from django.utils import timezone

from .users import User


class AuditAction(models.TextChoices):
    HIDE = "hide", "Hid"
    RESTORE = "restore", "Restored"
    FEATURE = "feature", "Featured"
    UNFEATURE = "unfeature", "Unfeatured"
    LOCK = "lock", "Locked"
    UNLOCK = "unlock", "Unlocked"
    MOVE = "move", "Moved"
    EDIT = "edit", "Edited"
    ROLLBACK = "rollback", "Rolled back"
    DISMISS_FLAGS = "dismiss_flags", "Dismissed flags on"
    AUTO_HIDE = "auto_hide", "Hid automatically after flags"
    KEEP_HIDDEN = "keep_hidden", "Reviewed again and kept hidden"
    SUSPEND_USER = "suspend_user", "Suspended"
    LIFT_SUSPENSION = "lift_suspension", "Lifted the suspension of"
    WARN_USER = "warn_user", "Warned"
    APPROVE_EXPERT = "approve_expert", "Approved the expert application of"
    REFUSE_EXPERT = "refuse_expert", "Refused the expert application of"
    SUSPEND_EXPERT = "suspend_expert", "Suspended the expert"
    RESTORE_EXPERT = "restore_expert", "Restored the expert"
    VERIFY_CREDENTIAL = "verify_credential", "Verified the credential"
    UNVERIFY_CREDENTIAL = "unverify_credential", "Withdrew verification of"
    REJECT_CREDENTIAL = "reject_credential", "Rejected the credential"
    APPROVE_CATEGORY = "approve_category", "Approved a category for"
    REFUSE_CATEGORY = "refuse_category", "Refused a category for"
    GRANT_MODERATOR = "grant_moderator", "Made a moderator:"
    REVOKE_MODERATOR = "revoke_moderator", "Withdrew moderator rights from"
    STAFF_EDIT_USER = "staff_edit_user", "Changed in the admin the account of"
    EDIT_CATEGORY = "edit_category", "Changed the category"
    EDIT_GUIDANCE = "edit_guidance", "Changed the guidance of the category"
    REQUIRE_DISCLOSURE = "require_disclosure", "Required a conflict-of-interest disclosure on"
    PUBLICATION_REQUESTED = "publication_requested", "Asked to publish"
    PUBLICATION_AGREED = "publication_agreed", "Agreed to publish"
    PUBLICATION_WITHDRAWN = "publication_withdrawn", "Withdrew the request to publish"
    PUBLICATION_SUBMITTED = "publication_submitted", "Sent for review the publication of"
    PUBLICATION_RETURNED = "publication_returned", "Sent back the publication of"
    PUBLICATION_PUBLISHED = "publication_published", "Published with consent"


class AuditEntry(models.Model):
    """One moderator action: who did what to which object, why, and what changed.

    Written in the same transaction as the action, never edited afterwards.
    """

    # PROTECT, and the names as they were: the log never forgets or rewrites who acted.
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_actions",
        help_text="Empty for the system (automatic hiding).",
    )
    actor_name = models.CharField(
        max_length=150, blank=True, help_text="The actor's display name at the time."
    )
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    target_type = models.CharField(max_length=40, help_text='"app.model" of the object acted on.')
    target_id = models.PositiveBigIntegerField()
    target_label = models.CharField(max_length=200, help_text="What the object was called then.")
    subject = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_subject_of",
        help_text="The member whose content or account it was.",
    )
    subject_name = models.CharField(
        max_length=150, blank=True, help_text="The subject's display name at the time."
    )
    reason = models.TextField(blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["action", "-created_at"], name="accounts_audit_by_action"),
            models.Index(fields=["actor", "-created_at"], name="accounts_audit_by_actor"),
            models.Index(fields=["subject", "-created_at"], name="accounts_audit_by_subject"),
            models.Index(fields=["target_type", "target_id"], name="accounts_audit_by_target"),
        ]

    def __str__(self):
        actor = self.actor_name or "The system"
        return f"{actor} {self.get_action_display().lower()} {self.target_label}"
