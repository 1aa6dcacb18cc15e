"""A private thread made public with the consent of both its asker and its expert."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .posts import Question


class PublicationStatus(models.TextChoices):
    """Where a request to publish a private thread stands; forum.publication moves it."""

    PROPOSED = "proposed", "Waiting for the other side's consent"
    AGREED = "agreed", "Both agreed: the asker may remove passages, then send it for review"
    IN_REVIEW = "in_review", "Waiting for a moderator's review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The states a request can still move out of: one such request per thread at a time.
ACTIVE_PUBLICATION = [
    PublicationStatus.PROPOSED.value,
    PublicationStatus.AGREED.value,
    PublicationStatus.IN_REVIEW.value,
]


class PublicationRequest(models.Model):
    """One attempt to make a private thread public.

    Both the asker and the answering expert must agree, each on the thread;
    either may withdraw until it is published. The asker may then list
    passages to remove and a moderator reviews the result. The passages are
    kept here only until the request ends: publishing applies them to every
    copy of the text and then empties this field, withdrawing empties it.
    """

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="publication_requests"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The answering expert whose consent is needed.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.PROPOSED
    )
    asker_agreed_at = models.DateTimeField(null=True, blank=True)
    expert_agreed_at = models.DateTimeField(null=True, blank=True)
    redactions = models.TextField(
        "passages to remove",
        blank=True,
        help_text="One passage a line; emptied once the request ends.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(
        max_length=500, blank=True, help_text="A moderator's words when sending it back."
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "publication request"
        verbose_name_plural = "publication requests"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(status__in=ACTIVE_PUBLICATION),
                name="forum_one_active_publication",
            ),
        ]
        indexes = [
            # The moderators' review queue, oldest first.
            models.Index(
                fields=["submitted_at"],
                condition=Q(status="in_review"),
                name="forum_publication_review",
            ),
        ]

    def __str__(self):
        return f"Publication of “{self.question}” ({self.get_status_display()})"
