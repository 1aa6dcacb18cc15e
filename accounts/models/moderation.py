"""What moderators keep for themselves: private notes on members, and canned reasons."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ModeratorNote(models.Model):
    """A moderator's private note on a member: only moderators ever read it."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "moderator note"
        verbose_name_plural = "moderator notes"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "-created_at"], name="accounts_note_by_member")]

    def __str__(self):
        return f"Note on {self.member} by {self.author}"


class ReasonUse(models.TextChoices):
    """Where a canned reason is offered."""

    HIDE = "hide", "Hiding a post"
    REFUSE_APPLICATION = "refuse_application", "Refusing an expert application"
    SUSPEND = "suspend", "Suspending a member or an expert"
    LOCK = "lock", "Locking a thread"
    REJECT_CREDENTIAL = "reject_credential", "Rejecting a credential"


class CannedReason(models.Model):
    """A ready-made reason moderators pick and may then reword; the list is theirs to edit."""

    use = models.CharField(max_length=30, choices=ReasonUse.choices)
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "canned reason"
        verbose_name_plural = "canned reasons"
        ordering = ["use", "position", "id"]
        indexes = [models.Index(fields=["use", "position"], name="accounts_reason_by_use")]

    def __str__(self):
        return self.text
