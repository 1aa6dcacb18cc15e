from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

MAX_CONTACT_LENGTH = 5_000


class ContactTopic(models.TextChoices):
    QUESTION = "question", "A question about how the site works"
    ACCOUNT = "account", "My account or signing in"
    CONTENT = "content", "A question or answer on the site"
    EXPERTS = "experts", "Becoming an expert, or an expert's profile"
    PRIVACY = "privacy", "Privacy and my data"
    OTHER = "other", "Something else"


class ContactMessage(models.Model):
    """A message to the moderators from the contact form, and what became of it."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_messages",
        help_text="The member who sent it; empty for a visitor.",
    )
    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField("e-mail address", help_text="Where the moderators can reply.")
    topic = models.CharField(max_length=20, choices=ContactTopic.choices)
    subject = models.CharField(max_length=150)
    body = models.TextField("message", max_length=MAX_CONTACT_LENGTH)
    # A random key from the form: a second submit of the same form stores nothing more.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "contact message"
        verbose_name_plural = "contact messages"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "submission_key"], name="accounts_contact_submitted_once"
            ),
        ]
        indexes = [
            # The moderators' two lists: still to handle, and handled.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(handled_at=None),
                name="accounts_contact_open",
            ),
            models.Index(
                fields=["-handled_at", "-id"],
                condition=Q(handled_at__isnull=False),
                name="accounts_contact_handled",
            ),
        ]

    def __str__(self):
        return f"{self.subject} (from {self.email})"

    def get_absolute_url(self):
        return reverse("moderation:contact_message", kwargs={"pk": self.pk})

    @property
    def status(self):
        if self.handled_at:
            return "Handled"
        return "Read" if self.read_at else "New"
