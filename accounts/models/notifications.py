from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NotificationKind(models.TextChoices):
    QUESTION_ADDRESSED = "question_addressed", "A question addressed to me"
    OPEN_QUESTION = "open_question", "An open question in my categories"
    ANSWER = "answer", "An answer to my question"
    DECLINE = "decline", "An expert declined my question"
    RETURNED = "returned", "A question of mine needs another expert"
    FOLLOW_UP = "follow_up", "A follow-up in my conversations"
    RATING = "rating", "A rating or thank-you note for my answer"
    THREAD_UPDATE = "thread_update", "A thread I take part in was resolved, reopened or locked"
    PUBLICATION = "publication", "A request to make a private thread of mine public"
    EXPERT_DECISION = "expert_decision", "A decision about my expert application"
    CREDENTIAL_VERIFIED = "credential_verified", "A moderator checked one of my credentials"
    ACCOUNT = "account", "A moderator's decision about my account or my posts"
    FLAG_OUTCOME = "flag_outcome", "What the moderators decided about a flag I raised"
    NEW_FLAG = "new_flag", "A new flag (moderators)"
    CONTACT = "contact", "A message sent through the contact form (moderators)"


class Channel(models.TextChoices):
    EMAIL = "email", "On the site and by e-mail"
    ONSITE = "onsite", "On the site only"
    OFF = "off", "Off"


# What a member gets before choosing. Moderators opt in to flags; the rest is
# worth an e-mail. Account notices cannot be switched off (see preferences()).
DEFAULT_CHANNELS = {kind: Channel.EMAIL for kind in NotificationKind.values}
DEFAULT_CHANNELS[NotificationKind.NEW_FLAG] = Channel.OFF
# A flag's outcome is worth a look on the site, not an e-mail, unless asked for.
DEFAULT_CHANNELS[NotificationKind.FLAG_OUTCOME] = Channel.ONSITE
ALWAYS_ON = {NotificationKind.ACCOUNT}
# Kinds only moderators receive, and only they are offered in the settings.
MODERATOR_KINDS = {NotificationKind.NEW_FLAG, NotificationKind.CONTACT}


class Notification(models.Model):
    """Something that happened that a member should know about, with a link to it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Plain text: a reason or an excerpt.")
    url = models.CharField(max_length=300, help_text="Where the thing is, on this site.")
    # What it is about ("forum.answer", 12) and on which thread: the forum's
    # post-write hook redacts it while the recipient may not see that any more.
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    thread_id = models.PositiveBigIntegerField(null=True, blank=True)
    redacted = models.BooleanField(
        default=False, help_text="The recipient may no longer see what it is about."
    )
    redacted_note = models.CharField(
        max_length=200, blank=True, help_text="What happened, in words for the recipient."
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # E-mail delivery: wanted at creation, sent when the task succeeds.
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # Set by the sender just before it hands the e-mail to the mail server, so that
    # two workers never send it at once; a claim older than EMAIL_CLAIM_SECONDS is
    # from a sender that died, and the e-mail is tried again (same Message-ID).
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_retry_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next try is queued for, after a failure."
    )

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="accounts_notif_list"),
            models.Index(
                fields=["recipient"], condition=Q(read_at=None), name="accounts_notif_unread"
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(email_wanted=True, emailed_at=None),
                name="accounts_notif_undelivered",
            ),
            models.Index(
                fields=["thread_id"],
                condition=Q(thread_id__isnull=False),
                name="accounts_notif_thread",
            ),
        ]

    def __str__(self):
        return f"{self.title} (to {self.recipient})"

    def get_absolute_url(self):
        return self.url


class NotificationPreference(models.Model):
    """A member's choice of channel for one kind of notification (absent: the default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = "notification preference"
        verbose_name_plural = "notification preferences"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="accounts_one_preference_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} → {self.channel}"
