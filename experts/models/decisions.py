from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .credentials import Credential
from .profiles import ExpertProfile


class DecisionKind(models.TextChoices):
    APPROVED = "approved", "Application approved"
    REFUSED = "refused", "Application refused"
    SUSPENDED = "suspended", "Expert suspended"
    RESTORED = "restored", "Expert restored"
    CREDENTIAL_VERIFIED = "credential_verified", "Credential verified"
    CREDENTIAL_UNVERIFIED = "credential_unverified", "Credential verification withdrawn"
    CATEGORY_APPROVED = "category_approved", "Category approved"
    CATEGORY_REFUSED = "category_refused", "Category refused"


class ExpertDecision(models.Model):
    """A moderator's decision about an expert: who decided what, when, and why."""

    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=DecisionKind.choices)
    reason = models.TextField(blank=True)
    credential = models.ForeignKey(
        Credential, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        "forum.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "expert decision"
        verbose_name_plural = "expert decisions"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["profile", "-created_at"], name="experts_decision_history")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.profile}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class CategoryRequest(models.Model):
    """An approved expert asks to answer in one more category; a moderator decides."""

    profile = models.ForeignKey(
        ExpertProfile, on_delete=models.CASCADE, related_name="category_requests"
    )
    category = models.ForeignKey("forum.Category", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    reason = models.TextField(blank=True, help_text="The moderator's words when refusing.")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "category request"
        verbose_name_plural = "category requests"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "category"],
                condition=Q(status="pending"),
                name="experts_one_pending_request_per_category",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(status="pending"), name="experts_requests_open"
            )
        ]

    def __str__(self):
        return f"{self.profile} asks for {self.category}"
