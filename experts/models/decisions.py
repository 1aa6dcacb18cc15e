from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .profiles import ExpertProfile


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
