from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(10)]


class RatingQuerySet(models.QuerySet):
    def shown(self):
        """Ratings of answers the public can see."""
        return self.filter(
            answer__is_hidden=False,
            answer__question__visibility="public",
            answer__question__is_hidden=False,
        )


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
    # The expert may answer a thank-you note once; the reply is shown under it.
    reply = models.TextField(blank=True, max_length=1000)
    replied_at = models.DateTimeField(null=True, blank=True)
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
