"""The expert scorecard: figures computed by aggregate queries and stored on the profile.

Only public, visible content counts: a private question must not show up in
anyone's figures. `refresh()` runs inside the write that changed the figures
(an answer, a rating, a decline, a moderator hiding something), so the
stored scorecard is never stale; the charts are cached and dropped there too.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField, Max
from django.db.models.functions import Round, TruncMonth
from django.utils import timezone

from .models import ExpertProfile, Rating

CHARTS_TIMEOUT = 60 * 60


def _charts_key(user_id):
    return f"scorecard-charts:{user_id}"


def _public_answers(user):
    # Through the reverse relation: experts does not import forum's models.
    return user.answers.public()


def median_response(user) -> timedelta | None:
    """Median time from a question being asked to this expert's answer."""
    delays = (
        _public_answers(user)
        .annotate(delay=F("created_at") - F("question__created_at"))
        .order_by("delay")
        .values_list("delay", flat=True)
    )
    count = delays.count()
    if not count:
        return None
    middle = list(delays[(count - 1) // 2 : count // 2 + 1])
    return sum(middle, timedelta()) / len(middle)


def decline_share(user) -> float | None:
    """Declined public questions addressed to the expert, over all public ones addressed."""
    addressed = user.addressed_questions.filter(visibility="public", is_hidden=False).count()
    if not addressed:
        return None
    declined = user.declines.filter(
        question__visibility="public", question__is_hidden=False
    ).count()
    return min(declined / addressed, 1.0)


def refresh(user_id) -> ExpertProfile | None:
    """Recompute and store one expert's scorecard."""
    user = get_user_model().objects.filter(pk=user_id).select_related("expert_profile").first()
    profile = getattr(user, "expert_profile", None) if user else None
    if profile is None:
        return None
    answers = _public_answers(user).aggregate(total=Count("id"), last=Max("created_at"))
    ratings = (
        Rating.objects.shown()
        .filter(expert=user)
        .aggregate(
            total=Count("id"),
            knowledgeability=Avg("knowledgeability"),
            clarity=Avg("clarity"),
            politeness=Avg("politeness"),
        )
    )
    profile.answer_total = answers["total"]
    profile.last_answer_at = answers["last"]
    profile.rating_total = ratings["total"]
    profile.knowledgeability_average = ratings["knowledgeability"]
    profile.clarity_average = ratings["clarity"]
    profile.politeness_average = ratings["politeness"]
    profile.rating_average = (
        (ratings["knowledgeability"] + ratings["clarity"] + ratings["politeness"]) / 3
        if ratings["total"]
        else None
    )
    profile.median_response = median_response(user)
    profile.decline_share = decline_share(user)
    profile.save(
        update_fields=[
            "answer_total",
            "last_answer_at",
            "rating_total",
            "knowledgeability_average",
            "clarity_average",
            "politeness_average",
            "rating_average",
            "median_response",
            "decline_share",
        ]
    )
    cache.delete(_charts_key(user_id))
    return profile


def charts(profile) -> dict:
    """Data for the profile's two small charts, cached until the next refresh()."""
    key = _charts_key(profile.user_id)
    data = cache.get(key)
    if data is None:
        data = {"ratings": rating_distribution(profile), "months": answers_per_month(profile)}
        cache.set(key, data, CHARTS_TIMEOUT)
    return data


def rating_distribution(profile) -> list[tuple[int, int]]:
    """[(score 1..10, how many ratings average to it)], every score present."""
    average = Round(
        ExpressionWrapper(
            (F("knowledgeability") + F("clarity") + F("politeness")) / 3.0,
            output_field=FloatField(),
        )
    )
    counts = dict(
        Rating.objects.shown()
        .filter(expert_id=profile.user_id)
        .annotate(score=average)
        .values("score")
        .annotate(n=Count("id"))
        .values_list("score", "n")
    )
    return [(score, counts.get(score, 0) or counts.get(float(score), 0)) for score in range(1, 11)]


def answers_per_month(profile, months=12) -> list[tuple[str, int]]:
    """[("Nov 2026", n), ...] for the last `months` months, oldest first, zeros included."""
    today = timezone.localdate()
    firsts = []
    year, month = today.year, today.month
    for _ in range(months):
        firsts.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    firsts.reverse()
    start = timezone.make_aware(timezone.datetime(firsts[0][0], firsts[0][1], 1))
    rows = (
        _public_answers(profile.user)
        .filter(created_at__gte=start)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    counts = {(m.year, m.month): n for m, n in rows}
    return [
        (timezone.datetime(y, m, 1).strftime("%b %Y"), counts.get((y, m), 0)) for y, m in firsts
    ]


def refresh_all():
    for user_id in ExpertProfile.objects.values_list("user_id", flat=True).iterator():
        refresh(user_id)
