from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import is_moderator


class ExpertStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    SUSPENDED = "suspended", "Suspended"


class ExpertProfileQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=ExpertStatus.APPROVED, user__is_active=True)

    def visible_to(self, user):
        """Approved profiles for everyone; others only to their owner and to moderators."""
        if is_moderator(user):
            return self.all()
        approved = Q(status=ExpertStatus.APPROVED, user__is_active=True)
        if user.is_authenticated:
            return self.filter(approved | Q(user=user))
        return self.filter(approved)

    def in_category(self, category):
        """Approved experts of a category or of any category below it."""
        in_subtree = ExpertProfile.objects.filter(
            Q(categories=category) | Q(categories__path__startswith=f"{category.path}/")
        ).values("pk")
        return self.approved().filter(pk__in=in_subtree)

    def covering(self, category):
        """Approved experts who answer in `category`: it, or an ancestor, is one of theirs."""
        paths = [category.path, *category.ancestor_paths()]
        covering = ExpertProfile.objects.filter(categories__path__in=paths).values("pk")
        return self.approved().filter(pk__in=covering)

    def with_questions_today(self):
        """Annotate `questions_today`: questions addressed to the expert since midnight."""
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        return self.annotate(
            questions_today=Count(
                "user__addressed_questions",
                filter=Q(user__addressed_questions__created_at__gte=midnight),
            )
        )

    def available(self):
        """Experts an asker may pick now: accepting questions and under their daily limit."""
        return (
            self.filter(accepting_questions=True)
            .with_questions_today()
            .filter(questions_today__lt=F("daily_question_limit"))
        )

    def with_public_answer_count(self):
        """Annotate `public_answer_count`: visible answers on public, visible questions."""
        return self.annotate(
            public_answer_count=Count(
                "user__answers",
                filter=Q(
                    user__answers__is_hidden=False,
                    user__answers__question__visibility="public",
                    user__answers__question__is_hidden=False,
                ),
            )
        )


class ExpertProfile(models.Model):
    """What a volunteer expert shows the public; one per user who applied."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile"
    )
    headline = models.CharField(
        max_length=160, help_text="One line under your name, e.g. “Sports massage therapist”."
    )
    expertise = models.TextField(
        "what I can answer", help_text="The questions you can answer, in your own words."
    )
    experience = models.TextField(blank=True, help_text="Years and kinds of practice.")
    location = models.CharField(max_length=120, blank=True)
    categories = models.ManyToManyField(
        "forum.Category", related_name="experts", help_text="The categories you answer in."
    )
    status = models.CharField(
        max_length=10, choices=ExpertStatus.choices, default=ExpertStatus.PENDING
    )
    accepting_questions = models.BooleanField(
        default=True, help_text="Untick while on vacation: askers cannot pick you."
    )
    daily_question_limit = models.PositiveSmallIntegerField(
        default=5, help_text="Most questions addressed to you per day."
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = ExpertProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "expert profile"
        verbose_name_plural = "expert profiles"
        ordering = ["user__display_name", "id"]
        indexes = [models.Index(fields=["status", "-approved_at"], name="experts_profile_status")]

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("experts:profile", kwargs={"handle": self.user.handle})

    @property
    def is_approved(self):
        return self.status == ExpertStatus.APPROVED

    @property
    def is_available(self):
        return self.is_approved and self.accepting_questions


class CredentialKind(models.TextChoices):
    EDUCATION = "education", "Education"
    CERTIFICATION = "certification", "Certification or licence"
    ORGANIZATION = "organization", "Organization"
    PUBLICATION = "publication", "Publication"
    AWARD = "award", "Award"
    CLIENTS = "clients", "Past/present clients"
    OTHER = "other", "Other"


# Headings for the groups on a profile, in the order they are shown.
CREDENTIAL_GROUP_TITLES = {
    CredentialKind.ORGANIZATION: "Organizations",
    CredentialKind.EDUCATION: "Education",
    CredentialKind.CERTIFICATION: "Certifications and licences",
    CredentialKind.PUBLICATION: "Publications",
    CredentialKind.AWARD: "Awards and honors",
    CredentialKind.CLIENTS: "Past/Present Clients",
    CredentialKind.OTHER: "Other",
}


class Credential(models.Model):
    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(max_length=20, choices=CredentialKind.choices)
    title = models.CharField(max_length=300)
    issuer = models.CharField(max_length=200, blank=True, help_text="School, body or publisher.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    link = models.URLField(blank=True, help_text="Where the public can check it.")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "credential"
        verbose_name_plural = "credentials"
        ordering = ["kind", "-year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="experts_credential_year_range",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_verified(self):
        return self.verified_at is not None


SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(10)]


class RatingQuerySet(models.QuerySet):
    def shown(self):
        """Ratings of answers the public can see."""
        return self.filter(
            answer__is_hidden=False,
            answer__question__visibility="public",
            answer__question__is_hidden=False,
        )

    def averages_by_expert(self, expert_ids):
        """{expert id: {"count", "knowledgeability", "clarity", "politeness"}} in one query."""
        rows = (
            self.filter(expert_id__in=expert_ids)
            .values("expert_id")
            .annotate(
                count=Count("id"),
                knowledgeability=Avg("knowledgeability"),
                clarity=Avg("clarity"),
                politeness=Avg("politeness"),
            )
        )
        return {row.pop("expert_id"): row for row in rows}


class Rating(models.Model):
    """The asker's rating of one answer: three scores from 1 to 10 and an optional thank-you."""

    answer = models.OneToOneField("forum.Answer", on_delete=models.CASCADE, related_name="rating")
    # Denormalised from the answer so profile averages need no join through answers.
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings_received"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings_given"
    )
    knowledgeability = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    clarity = models.PositiveSmallIntegerField("clarity of response", validators=SCORE_VALIDATORS)
    politeness = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    thank_you_note = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = "rating"
        verbose_name_plural = "ratings"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["expert", "-created_at"], name="experts_rating_by_expert")]
        constraints = [
            models.CheckConstraint(
                condition=Q(knowledgeability__range=(1, 10))
                & Q(clarity__range=(1, 10))
                & Q(politeness__range=(1, 10)),
                name="experts_rating_scores_1_to_10",
            ),
        ]

    def __str__(self):
        return f"Rating of answer {self.answer_id} by {self.rater}"

    @property
    def average(self):
        return round((self.knowledgeability + self.clarity + self.politeness) / 3, 1)
