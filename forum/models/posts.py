from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.roles import is_moderator

from ..markdown import MAX_BODY_LENGTH, render_markdown
from .categories import Category

MAX_FOLLOW_UP_LENGTH = 5_000
# Thread action URLs (/q/<id>/answer/) share the shape of /q/<id>/<slug>/.
RESERVED_SLUGS = frozenset(
    {
        "answer",
        "decline",
        "reroute",
        "resolve",
        "reopen",
        "readdress",
        "close",
        "edit",
        "withdraw",
        "ask-again",
        "publish",
        "publication",
    }
)


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


class QuestionStatus(models.TextChoices):
    """Where a question is in its life; forum.lifecycle says how it moves between them."""

    ADDRESSED = "addressed", "Waiting for the expert"
    OPEN = "open", "Open to the category's experts"
    ANSWERED = "answered", "Answered"
    DECLINED = "declined", "Declined"
    RETURNED = "returned", "Needs another expert"
    RESOLVED = "resolved", "Resolved"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Waiting for an answer: addressed to an expert or open to a category, nothing shown
# yet, and not locked. (Declined, returned and withdrawn questions wait for their asker.)
UNANSWERED_Q = Q(
    answer_count=0,
    locked=False,
    status__in=[QuestionStatus.ADDRESSED.value, QuestionStatus.OPEN.value],
)


class ReturnReason(models.TextChoices):
    """Why a question went back to its asker (status RETURNED)."""

    NO_ANSWER = "no_answer", "The expert did not answer in time"
    EXPERT_AWAY = "expert_away", "The expert stopped taking questions"
    ANSWER_HIDDEN = "answer_hidden", "The answer was hidden by the moderators"


class Professional(models.TextChoices):
    """Whom an expert tells the asker to see in person ("This needs a professional")."""

    DOCTOR = "doctor", "a doctor"
    LAWYER = "lawyer", "a lawyer"
    VET = "vet", "a vet"
    THERAPIST = "therapist", "a therapist or counsellor"
    ACCOUNTANT = "accountant", "an accountant or financial adviser"
    OTHER = "other", "another professional"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon"
    URGENT = "urgent", "Urgent"


class Outcome(models.TextChoices):
    """The asker's word, a week or more on, on whether following the answer helped."""

    HELPED = "helped", "Followed the advice: it helped"
    DID_NOT_HELP = "did_not_help", "Followed the advice: it did not help"


class Referral(models.Model):
    """An expert's "see a professional in person", on an answer or a decline."""

    referral = models.CharField(
        "needs a professional",
        max_length=12,
        choices=Professional.choices,
        blank=True,
        help_text="Whom the asker should see in person; empty: nobody.",
    )
    referral_urgency = models.CharField(
        "how soon", max_length=10, choices=Urgency.choices, blank=True
    )
    referral_note = models.CharField(
        "which professional, or why",
        max_length=200,
        blank=True,
        help_text="Optional, e.g. “a physiotherapist”.",
    )

    class Meta:
        abstract = True


class Post(models.Model):
    """What questions, answers and follow-ups share: rendered markdown and moderation."""

    # Rendered by render_markdown() on every save; `manage.py rerender_markdown`
    # refreshes it when the policy changes.
    body_html = models.TextField(editable=False)
    is_hidden = models.BooleanField("hidden", default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # One second look per post: its author, having edited it while hidden, asks
    # the moderators to review it again (forum.actions.moderation.request_review).
    review_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)


class QuestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one visibility rule for questions.

        Everyone sees public questions that are not hidden; the asker sees their
        own (hidden, private or withdrawn); the addressed expert sees what is
        addressed to them unless hidden; moderators see everything. A question
        its asker withdrew is gone for everyone else until they ask it again.
        """
        if is_moderator(user):
            return self.all()
        public = Q(visibility=Visibility.PUBLIC, is_hidden=False)
        shown = ~Q(status=QuestionStatus.WITHDRAWN)
        if not user.is_authenticated:
            return self.filter(public, shown)
        return self.filter(((public | Q(expert=user, is_hidden=False)) & shown) | Q(asker=user))

    def public(self):
        return self.filter(visibility=Visibility.PUBLIC, is_hidden=False).exclude(
            status=QuestionStatus.WITHDRAWN
        )

    def answered(self):
        """Questions with at least one visible answer: the public archive."""
        return self.filter(answer_count__gt=0)

    def unanswered(self):
        """Waiting for an expert, with no answer shown, and not locked: the Unanswered list."""
        return self.filter(UNANSWERED_Q)

    def with_listing_data(self):
        return self.select_related("category", "asker", "expert")


class Question(Post):
    # No single-column indexes on these three: the composite indexes in Meta
    # lead with each of them and serve the same lookups, at less cost per write.
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="questions", db_index=False
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="questions", db_index=False
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="addressed_questions",
        verbose_name="addressed expert",
        help_text="Empty: open to every expert of the category.",
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=False)
    body = models.TextField(validators=[MaxLengthValidator(MAX_BODY_LENGTH)])
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    returned_reason = models.CharField(
        max_length=20, choices=ReturnReason.choices, blank=True, help_text="With status Returned."
    )
    addressed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the current expert, or the category, was asked: expiry counts from it.",
    )
    withdrawn_from = models.CharField(
        max_length=10,
        choices=QuestionStatus.choices,
        blank=True,
        help_text="With status Withdrawn: the state that asking again puts back.",
    )
    locked = models.BooleanField(default=False, help_text="No new answers or follow-ups.")
    answer_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Visible answers, kept by the services."
    )
    answered_at = models.DateTimeField(null=True, blank=True, help_text="Time of the first answer.")
    best_rating = models.FloatField(
        default=0,
        editable=False,
        help_text="The best mean score (out of 10) of a shown answer; 0 while none is rated.",
    )
    # A random key from the ask form: a second submit of the same form finds
    # the first question instead of creating another.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="When the title or text last changed."
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Goes up with each edit of the title or text."
    )
    moderator_edited_at = models.DateTimeField(
        null=True, blank=True, help_text="Shown as “edited by a moderator”; why is in the history."
    )
    last_activity_at = models.DateTimeField(default=timezone.now)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = "question"
        verbose_name_plural = "questions"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility=Visibility.PUBLIC) | Q(expert__isnull=False),
                name="forum_question_private_needs_expert",
            ),
            models.UniqueConstraint(
                fields=["asker", "submission_key"], name="forum_question_submitted_once"
            ),
        ]
        indexes = [
            # The public archive: per category and site-wide, newest first. The id
            # makes the order total, so a page's ids come from the index alone.
            models.Index(
                fields=["category", "-created_at", "-id"],
                condition=Q(visibility="public", is_hidden=False, answer_count__gt=0),
                name="forum_q_archive_by_category",
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(visibility="public", is_hidden=False, answer_count__gt=0),
                name="forum_q_archive_all",
            ),
            models.Index(
                fields=["-answered_at", "-id"],
                condition=Q(visibility="public", is_hidden=False, answer_count__gt=0),
                name="forum_q_archive_recent",
            ),
            # The archive's other orders (recently answered, best rated), per category.
            models.Index(
                fields=["category", "-answered_at", "-id"],
                condition=Q(visibility="public", is_hidden=False, answer_count__gt=0),
                name="forum_q_archive_recent_by_cat",
            ),
            models.Index(
                fields=["-best_rating", "-answered_at", "-id"],
                condition=Q(visibility="public", is_hidden=False, answer_count__gt=0),
                name="forum_q_archive_rated",
            ),
            models.Index(
                fields=["category", "-best_rating", "-answered_at", "-id"],
                condition=Q(visibility="public", is_hidden=False, answer_count__gt=0),
                name="forum_q_archive_rated_by_cat",
            ),
            # The Unanswered list, site-wide and per category, newest first.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(visibility="public", is_hidden=False) & UNANSWERED_Q,
                name="forum_q_unanswered",
            ),
            models.Index(
                fields=["category", "-created_at", "-id"],
                condition=Q(visibility="public", is_hidden=False) & UNANSWERED_Q,
                name="forum_q_unanswered_by_cat",
            ),
            models.Index(fields=["asker", "-created_at"], name="forum_q_by_asker"),
            models.Index(fields=["expert", "status", "-created_at"], name="forum_q_by_expert"),
            # An expert's questions of the day (the daily limit) and the overdue ones.
            models.Index(fields=["expert", "addressed_at"], name="forum_q_addressed"),
            models.Index(fields=["category", "status", "-created_at"], name="forum_q_open"),
            # The moderators' list of what is hidden.
            models.Index(fields=["-hidden_at"], condition=Q(is_hidden=True), name="forum_q_hidden"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:70].strip("-") or "question"
            if self.slug in RESERVED_SLUGS:
                self.slug = f"{self.slug}-question"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("forum:question", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def is_private(self):
        return self.visibility == Visibility.PRIVATE

    def clean(self):
        if self.visibility == Visibility.PRIVATE and not self.expert_id:
            raise ValidationError({"expert": "A private question must be addressed to an expert."})


def _shown_to(user):
    """Hidden posts are shown only to their author and to moderators."""
    if is_moderator(user):
        return Q()
    if user.is_authenticated:
        return Q(is_hidden=False) | Q(author=user)
    return Q(is_hidden=False)


class AnswerQuerySet(models.QuerySet):
    def shown_to(self, user):
        """The hidden-post rule alone, for answers of a question already known to be visible."""
        return self.filter(_shown_to(user))

    def visible_to(self, user):
        """Answers the user may see: of visible questions, and not hidden from them."""
        return self.shown_to(user).filter(question__in=Question.objects.visible_to(user))

    def public(self):
        """Visible answers on public, visible questions: what profiles and the home page list."""
        return self.filter(
            is_hidden=False, question__visibility=Visibility.PUBLIC, question__is_hidden=False
        )


class Answer(Referral, Post):
    # PROTECT: a question with answers is never deleted, only hidden. The unique
    # (question, author) and the (author, created_at) index serve these two.
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="answers", db_index=False
    )
    body = models.TextField(validators=[MaxLengthValidator(MAX_BODY_LENGTH)])
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Goes up with each edit of the text."
    )
    moderator_edited_at = models.DateTimeField(
        null=True, blank=True, help_text="Shown as “edited by a moderator”; why is in the history."
    )
    is_featured = models.BooleanField("editor's pick", default=False)
    featured_at = models.DateTimeField(null=True, blank=True)
    # A conflict of interest, in the expert's words ("I sell the insoles I recommend").
    disclosure = models.TextField(
        "conflict of interest", blank=True, max_length=500, help_text="Shown with the answer."
    )
    # A moderator asked for a disclosure: the answer stays hidden until one is given.
    disclosure_required_at = models.DateTimeField(null=True, blank=True)
    disclosure_required_reason = models.CharField(max_length=300, blank=True)
    # The asker's outcome, a week or more after the answer.
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = "answer"
        verbose_name_plural = "answers"
        ordering = ["created_at", "id"]
        constraints = [
            # An expert answers a question once; the conversation goes on in follow-ups.
            models.UniqueConstraint(fields=["question", "author"], name="forum_answer_once"),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="forum_answer_by_author"),
            models.Index(
                fields=["-featured_at"],
                condition=Q(is_featured=True, is_hidden=False),
                name="forum_answer_featured",
            ),
            models.Index(
                fields=["-hidden_at"], condition=Q(is_hidden=True), name="forum_answer_hidden"
            ),
        ]

    def __str__(self):
        return f"Answer by {self.author} to “{self.question}”"

    def get_absolute_url(self):
        return f"{self.question.get_absolute_url()}#answer-{self.pk}"


class FollowUpQuerySet(models.QuerySet):
    def shown_to(self, user):
        """The hidden-post rule alone, for follow-ups of an answer already known to be visible."""
        return self.filter(_shown_to(user))

    def visible_to(self, user):
        return self.shown_to(user).filter(answer__in=Answer.objects.visible_to(user))


class FollowUp(Post):
    """One message in the conversation between the asker and one answer's expert."""

    # The (answer, created_at) index and the unique (author, submission_key) serve these two.
    answer = models.ForeignKey(
        Answer, on_delete=models.PROTECT, related_name="follow_ups", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        db_index=False,
    )
    body = models.TextField(validators=[MaxLengthValidator(MAX_FOLLOW_UP_LENGTH)])
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = "follow-up"
        verbose_name_plural = "follow-ups"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["answer", "created_at"], name="forum_followup_thread"),
            models.Index(
                fields=["-hidden_at"], condition=Q(is_hidden=True), name="forum_followup_hidden"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="forum_followup_submitted_once"
            ),
        ]

    def __str__(self):
        return f"Follow-up by {self.author} on {self.answer_id}"

    def get_absolute_url(self):
        return f"{self.answer.question.get_absolute_url()}#follow-up-{self.pk}"
