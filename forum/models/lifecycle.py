from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .posts import Answer, FollowUp, Question, Referral


class DeclineReason(models.TextChoices):
    NOT_MY_AREA = "not_my_area", "Not my area of expertise"
    NEEDS_DOCTOR = "needs_professional", "Needs a doctor or another professional in person"
    TOO_VAGUE = "too_vague", "Too vague to answer: please add details"
    OTHER = "other", "Other"


class Decline(Referral):
    """An addressed expert's refusal of a question, with the reason the asker sees."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="declines")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declines"
    )
    reason = models.CharField(max_length=20, choices=DeclineReason.choices)
    note = models.CharField(
        max_length=500, blank=True, help_text="Words for the asker; required for Other."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "decline"
        verbose_name_plural = "declines"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["expert", "-created_at"], name="forum_decline_by_expert")]
        constraints = [
            models.UniqueConstraint(fields=["question", "expert"], name="forum_decline_once"),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(note=""), name="forum_decline_other_has_note"
            ),
        ]

    def __str__(self):
        return f"{self.expert} declined “{self.question}”"


class AnswerRevision(models.Model):
    """The text of an answer before an edit: edits never lose what was there."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(
        max_length=300, blank=True, help_text="A moderator's reason for the edit that replaced it."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "answer revision"
        verbose_name_plural = "answer revisions"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["answer", "-created_at"], name="forum_revision_history")]

    def __str__(self):
        return f"Revision of answer {self.answer_id} from {self.created_at:%Y-%m-%d %H:%M}"


class QuestionRevision(models.Model):
    """The title and text of a question before an edit."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200)
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(
        max_length=300, blank=True, help_text="A moderator's reason for the edit that replaced it."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "question revision"
        verbose_name_plural = "question revisions"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["question", "-created_at"], name="forum_q_revision_history")
        ]

    def __str__(self):
        return f"Revision of question {self.question_id} from {self.created_at:%Y-%m-%d %H:%M}"


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    OFFENSIVE = "offensive", "Offensive or abusive"
    DANGEROUS = "dangerous", "Wrong or dangerous advice"
    OFF_TOPIC = "off_topic", "Off-topic"
    CONFLICT = "conflict", "Undisclosed conflict of interest"
    OTHER = "other", "Other"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    # Said to the flagger, and on the member page, as the outcome of their flag.
    DISMISSED = "dismissed", "Declined"
    ACTIONED = "actioned", "Helpful"


# The Flag fields naming the post it is about; exactly one is set.
FLAG_FIELDS = ("question", "answer", "follow_up")


def flagged_post(get):
    """(field, id) of the post a flag, or a group of flags, is about; `get` reads "<field>_id"."""
    field = next(f for f in FLAG_FIELDS if get(f"{f}_id"))
    return field, get(f"{field}_id")


class FlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=FlagStatus.OPEN)


class Flag(models.Model):
    """A member's report of one question, answer or follow-up, for moderators to review."""

    # Exactly one of the three is set (a check constraint says so).
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    follow_up = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags_raised"
    )
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    note = models.CharField(max_length=500, blank=True, help_text="Required for Other.")
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = "flag"
        verbose_name_plural = "flags"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(question__isnull=False, answer__isnull=True, follow_up__isnull=True)
                    | Q(question__isnull=True, answer__isnull=False, follow_up__isnull=True)
                    | Q(question__isnull=True, answer__isnull=True, follow_up__isnull=False)
                ),
                name="forum_flag_one_target",
            ),
            # Once per member and item.
            models.UniqueConstraint(
                fields=["flagger", "question"],
                condition=Q(question__isnull=False),
                name="forum_flag_once_question",
            ),
            models.UniqueConstraint(
                fields=["flagger", "answer"],
                condition=Q(answer__isnull=False),
                name="forum_flag_once_answer",
            ),
            models.UniqueConstraint(
                fields=["flagger", "follow_up"],
                condition=Q(follow_up__isnull=False),
                name="forum_flag_once_follow_up",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-created_at"], condition=Q(status="open"), name="forum_flags_open"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} flag by {self.flagger}"

    @property
    def target(self):
        return self.question or self.answer or self.follow_up
