import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, DateTimeField, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.models import AuditAction, AuditEntry
from accounts.roles import is_moderator

# The orders of the "Ask Experts" lists (?order=), each backed by an index.
EXPERT_ORDERS = {
    "rating": ("Best rated", ["-rating_average", "-answer_total", "pk"]),
    "answers": ("Most answers", ["-answer_total", "-rating_average", "pk"]),
    "response": ("Fastest answers", ["median_response", "-answer_total", "pk"]),
}
DEFAULT_EXPERT_ORDER = "rating"


class ExpertStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    SUSPENDED = "suspended", "Suspended"


# The zones an expert may pick for their day (the daily question limit resets at midnight).
TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


def start_of_today(zone="UTC"):
    """Midnight today in `zone`: an expert's daily question limit counts from it."""
    now = timezone.now().astimezone(zoneinfo.ZoneInfo(zone))
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _taking_questions_q(prefix=""):
    """Not away: accepting questions with no vacation begun, or back since their return
    date ("Back on") came.

    A vacation planned ahead (away_from) starts on its first day, and any vacation ends
    by itself on its return date, whether or not the periodic job (manage.py
    run_lifecycle) has tidied the flags yet.
    """
    today = timezone.localdate()
    accepting = Q(**{f"{prefix}accepting_questions": True}) & (
        Q(**{f"{prefix}away_from__isnull": True}) | Q(**{f"{prefix}away_from__gt": today})
    )
    return accepting | Q(**{f"{prefix}away_until__lte": today})


def _approved_q():
    # A suspended member's expert profile is hidden while the suspension runs.
    not_suspended = Q(user__suspended_at__isnull=True) | Q(
        user__suspended_until__lte=timezone.now()
    )
    return Q(not_suspended, status=ExpertStatus.APPROVED, user__is_active=True)


class ExpertProfileQuerySet(models.QuerySet):
    def approved(self):
        """Public experts: approved, active, and not serving a suspension."""
        return self.filter(_approved_q())

    def visible_to(self, user):
        """Approved profiles for everyone; others only to their owner and to moderators."""
        if is_moderator(user):
            return self.all()
        approved = _approved_q()
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

    def answers_in(self, user, category) -> bool:
        """Whether `user` is an approved expert who answers in `category`."""
        return self.covering(category).filter(user_id=user.pk).exists()

    def serve(self, category) -> bool:
        """Whether an open question in `category` reaches anyone: an expert covering it who
        is not away."""
        return self.covering(category).taking_questions().exists()

    def taking_questions(self):
        """Not away on vacation (their return date, if any, not yet passed)."""
        return self.filter(_taking_questions_q())

    def away(self):
        return self.exclude(_taking_questions_q())

    def away_over(self):
        """A vacation whose return date has come (marked away, or planned ahead): back, for
        every page; run_lifecycle tidies the flags (experts.actions.come_back)."""
        today = timezone.localdate()
        vacation = Q(accepting_questions=False) | Q(away_from__lte=today)
        return self.filter(vacation, away_until__lte=today)

    def vacation_starting(self):
        """A vacation planned ahead whose first day has come, not yet started by the job:
        pages already count them away; experts.actions.start_vacation does the rest once."""
        today = timezone.localdate()
        return self.filter(accepting_questions=True, away_from__lte=today).exclude(
            away_until__lte=today
        )

    def with_questions_today(self):
        """Annotate `questions_today`: questions addressed to each expert since their midnight.

        Each expert's day starts at midnight in their own time zone: one CASE
        over the zones experts use gives every row its own midnight.
        """
        zones = sorted(set(ExpertProfile.objects.values_list("time_zone", flat=True)) or {"UTC"})
        midnight = Case(
            *[When(time_zone=zone, then=Value(start_of_today(zone))) for zone in zones],
            default=Value(start_of_today()),
            output_field=DateTimeField(),
        )
        return self.annotate(
            questions_today=Count(
                "user__addressed_questions",
                filter=Q(user__addressed_questions__addressed_at__gte=midnight),
            )
        )

    def available(self):
        """Experts an asker may pick now: taking questions and under their daily limit."""
        return (
            self.taking_questions()
            .with_questions_today()
            .filter(questions_today__lt=F("daily_question_limit"))
        )

    def locked(self, user_ids):
        """Lock these experts' profiles in id order, the one order every action takes them in.

        After the question row, for a thread write: see accounts.actions.
        """
        return list(self.select_for_update(no_key=True).filter(user_id__in=user_ids).order_by("pk"))

    def ordered_by(self, key):
        """Order by one of EXPERT_ORDERS (unknown keys: the default), unmeasured experts last."""
        first, *rest = EXPERT_ORDERS.get(key, EXPERT_ORDERS[DEFAULT_EXPERT_ORDER])[1]
        if first.startswith("-"):
            expression = F(first[1:]).desc(nulls_last=True)
        else:
            expression = F(first).asc(nulls_last=True)
        return self.order_by(expression, *rest)


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
    interests = models.TextField(
        "standing interests",
        blank=True,
        max_length=1000,
        help_text="Employers, products you sell, paid affiliations: anything a reader "
        "should weigh your answers against. Shown on your profile and with your answers.",
    )
    categories = models.ManyToManyField(
        "forum.Category", related_name="experts", help_text="The categories you answer in."
    )
    alert_categories = models.ManyToManyField(
        "forum.Category",
        related_name="+",
        blank=True,
        verbose_name="tell me about open questions in",
        help_text="Categories whose open questions you want to hear about.",
    )
    status = models.CharField(
        max_length=10, choices=ExpertStatus.choices, default=ExpertStatus.PENDING
    )
    refusal_reason = models.TextField(
        blank=True, help_text="Why a moderator refused the application; the applicant sees it."
    )
    accepting_questions = models.BooleanField(
        default=True, help_text="Untick while on vacation: askers cannot pick you."
    )
    away_until = models.DateField(
        null=True,
        blank=True,
        help_text="Optional: the day you are back. Askers can pick you again from that day on.",
    )
    away_from = models.DateField(
        null=True,
        blank=True,
        help_text="Optional: a vacation planned ahead starts on this day by itself.",
    )
    away_message = models.CharField(
        max_length=300, blank=True, help_text="Shown to askers while you are away."
    )
    daily_question_limit = models.PositiveSmallIntegerField(
        default=5, help_text="Most questions addressed to you per day."
    )
    # Checked against the machine's time zone database by the form (experts.forms).
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        help_text="Your day, for the daily limit, starts at midnight here.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)

    # The scorecard, recomputed by experts.scorecard.refresh() after every
    # answer, rating or decline, so lists can show and sort by it cheaply.
    answer_total = models.PositiveIntegerField(default=0, editable=False)
    rating_total = models.PositiveIntegerField(default=0, editable=False)
    rating_average = models.FloatField(null=True, blank=True, editable=False)
    knowledgeability_average = models.FloatField(null=True, blank=True, editable=False)
    clarity_average = models.FloatField(null=True, blank=True, editable=False)
    politeness_average = models.FloatField(null=True, blank=True, editable=False)
    median_response = models.DurationField(
        null=True, blank=True, editable=False, help_text="Median time to answer a question."
    )
    decline_share = models.FloatField(
        null=True, blank=True, editable=False, help_text="Share of addressed questions declined."
    )
    last_answer_at = models.DateTimeField(null=True, blank=True, editable=False)
    referral_total = models.PositiveIntegerField(
        default=0, editable=False, help_text="Public answers that sent the asker to a professional."
    )
    outcome_helped = models.PositiveIntegerField(
        default=0, editable=False, help_text="Answers whose asker followed them and was helped."
    )
    outcome_not_helped = models.PositiveIntegerField(
        default=0, editable=False, help_text="Answers whose asker followed them, without help."
    )

    objects = ExpertProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "expert profile"
        verbose_name_plural = "expert profiles"
        ordering = ["user__display_name", "id"]
        indexes = [
            models.Index(fields=["status", "-approved_at"], name="experts_profile_status"),
            # The orders of the "Ask Experts" lists.
            models.Index(fields=["-rating_average", "-answer_total"], name="experts_by_rating"),
            models.Index(fields=["-answer_total"], name="experts_by_answers"),
            models.Index(fields=["median_response"], name="experts_by_response"),
        ]

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("experts:profile", kwargs={"handle": self.user.handle})

    @property
    def is_approved(self):
        return self.status == ExpertStatus.APPROVED

    @cached_property
    def suspension(self):
        """The audit entry of the suspension in force (its reason and date), or None.

        The moderator's reason is written for the expert to read ("The member sees this").
        """
        if self.status != ExpertStatus.SUSPENDED:
            return None
        entries = AuditEntry.objects.filter(
            action=AuditAction.SUSPEND_EXPERT, target_type=self._meta.label_lower, target_id=self.pk
        )
        return entries.order_by("-created_at", "-pk").first()

    @property
    def is_away(self):
        """On vacation: not accepting, or a planned vacation's first day (away_from) has
        come; and their return date (if any) still to come."""
        today = timezone.localdate()
        if self.away_until is not None and self.away_until <= today:
            return False
        if not self.accepting_questions:
            return True
        return self.away_from is not None and self.away_from <= today

    @property
    def vacation_planned(self):
        """A vacation planned ahead that has not started: askers may pick them until then."""
        return (
            self.accepting_questions
            and self.away_from is not None
            and self.away_from > timezone.localdate()
        )

    def count_questions_today(self) -> int:
        """Questions addressed to the expert since midnight in their time zone.

        Lists load it for many experts at once with `with_questions_today()`.
        """
        return self.user.addressed_questions.filter(
            addressed_at__gte=start_of_today(self.time_zone)
        ).count()

    @property
    def at_daily_limit(self):
        today = getattr(self, "questions_today", None)
        if today is None:
            today = self.count_questions_today()
        return today >= self.daily_question_limit

    @property
    def is_available(self):
        """Approved and not away (the daily limit aside)."""
        return self.is_approved and not self.is_away
