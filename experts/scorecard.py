"""The expert scorecard: figures computed by aggregate queries and stored on the profile.

Only public, visible content counts: a private question must not show up in
anyone's figures. `refresh()` runs inside the write that changed the figures,
called by the post-write hooks of the action layer (forum.actions.hooks,
experts.actions), so the stored scorecard is never stale; the charts are
cached and dropped there too.
"""

from datetime import timedelta

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Q,
    Window,
)
from django.db.models.functions import Round, RowNumber, TruncMonth
from django.utils import timezone

from config import pagecache

from .models import ExpertProfile, Rating

CHARTS_TIMEOUT = 60 * 60


def _charts_key(user_id):
    return f"scorecard-charts:{user_id}"


def _public_answers(user):
    # Through the reverse relation: experts does not import forum's models.
    return user.answers.public()


def _answers():
    return apps.get_model("forum", "Answer").objects.public()


def _grouped(queryset, key, **aggregates):
    """{key value: {name: value}} for one aggregate query grouped by `key`."""
    rows = queryset.values(key).annotate(**aggregates).order_by()
    return {row[key]: row for row in rows}


def _medians(user_ids) -> dict:
    """{expert: median time from a question being asked to their answer}, in one query.

    Each expert's delays are numbered in order; the middle one (or the two
    middle ones) are the only rows returned.
    """
    middle = (
        _answers()
        .filter(author_id__in=user_ids)
        .annotate(
            delay=ExpressionWrapper(
                F("created_at") - F("question__created_at"), output_field=DurationField()
            ),
            position=Window(
                RowNumber(), partition_by=F("author_id"), order_by=[F("delay").asc(), F("pk")]
            ),
            count=Window(Count("pk"), partition_by=F("author_id")),
        )
        .filter(position__gte=(F("count") + 1) / 2, position__lte=F("count") / 2 + 1)
        .values_list("author_id", "delay")
    )
    found = {}
    for author_id, delay in middle:
        found.setdefault(author_id, []).append(delay)
    return {pk: sum(delays, timedelta()) / len(delays) for pk, delays in found.items()}


FIELDS = [
    "answer_total",
    "last_answer_at",
    "rating_total",
    "knowledgeability_average",
    "clarity_average",
    "politeness_average",
    "rating_average",
    "median_response",
    "decline_share",
    "referral_total",
    "outcome_helped",
    "outcome_not_helped",
]


def refresh(*user_ids) -> ExpertProfile | None:
    """Recompute and store the scorecards of these experts (users without a profile are skipped).

    Only public, visible content counts. Runs inside the write that changed
    the figures (the post-write hooks call it), in a constant number of
    queries however many experts. The profiles are locked first, in id
    order, so two writes refreshing the same expert run one after the
    other and the second counts what the first committed. Returns the
    profile of the first id, for callers that refresh one.
    """
    ids = sorted({pk for pk in user_ids if pk is not None})
    if not ids:
        return None
    profiles = ExpertProfile.objects.locked(ids)
    if not profiles:
        return None
    ids = [profile.user_id for profile in profiles]
    # With the answers' own figures, in the same query: how often the expert sent the
    # asker to a professional, and what askers said of following the advice.
    answers = _grouped(
        _answers().filter(author_id__in=ids),
        "author_id",
        total=Count("id"),
        last=Max("created_at"),
        referrals=Count("id", filter=~Q(referral="")),
        helped=Count("id", filter=Q(outcome="helped")),
        not_helped=Count("id", filter=Q(outcome="did_not_help")),
    )
    ratings = _grouped(
        Rating.objects.shown().filter(expert_id__in=ids),
        "expert_id",
        total=Count("id"),
        knowledgeability=Avg("knowledgeability"),
        clarity=Avg("clarity"),
        politeness=Avg("politeness"),
    )
    medians = _medians(ids)
    Question = apps.get_model("forum", "Question")
    Decline = apps.get_model("forum", "Decline")
    # Questions ever addressed to the expert: those still addressed to them (waiting,
    # answered or declined) and those they declined that went elsewhere since; the decline
    # rows survive re-routing, the question's current expert does not. A question its asker
    # withdrew, a private or a hidden one, counts for nobody.
    current = _grouped(
        Question.objects.public().filter(expert_id__in=ids), "expert_id", n=Count("id")
    )
    declined = _grouped(
        Decline.objects.filter(expert_id__in=ids, question__in=Question.objects.public()),
        "expert_id",
        n=Count("id"),
        elsewhere=Count(
            "id", filter=Q(question__expert__isnull=True) | ~Q(question__expert=F("expert"))
        ),
    )
    before = [[getattr(profile, name) for name in FIELDS] for profile in profiles]
    for profile in profiles:
        pk = profile.user_id
        answer = answers.get(pk, {"total": 0, "last": None})
        rating = ratings.get(pk)
        profile.answer_total = answer["total"]
        profile.last_answer_at = answer["last"]
        profile.rating_total = rating["total"] if rating else 0
        profile.knowledgeability_average = rating["knowledgeability"] if rating else None
        profile.clarity_average = rating["clarity"] if rating else None
        profile.politeness_average = rating["politeness"] if rating else None
        profile.rating_average = (
            (rating["knowledgeability"] + rating["clarity"] + rating["politeness"]) / 3
            if rating
            else None
        )
        profile.median_response = medians.get(pk)
        decline = declined.get(pk, {"n": 0, "elsewhere": 0})
        addressed = current.get(pk, {"n": 0})["n"] + decline["elsewhere"]
        profile.decline_share = decline["n"] / addressed if addressed else None
        profile.referral_total = answer.get("referrals", 0)
        profile.outcome_helped = answer.get("helped", 0)
        profile.outcome_not_helped = answer.get("not_helped", 0)
    # Most writes to a thread (a follow-up, an edit) leave the figures as they were.
    changed = [
        profile
        for profile, figures in zip(profiles, before, strict=True)
        if figures != [getattr(profile, name) for name in FIELDS]
    ]
    if changed:
        ExpertProfile.objects.bulk_update(changed, FIELDS)
        # The thread pages' expert cards show these figures (config.pagecache).
        pagecache.content_changed(pagecache.EXPERTS)
    keys = [_charts_key(pk) for pk in ids]
    cache.delete_many(keys)
    # Again once committed: a reader may have cached the old charts meanwhile.
    transaction.on_commit(lambda: cache.delete_many(keys))
    first = next((p for p in profiles if p.user_id == user_ids[0]), None)
    return first


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


def refresh_all(batch=500):
    """Every expert's scorecard from scratch (the seed, and the test of the hooks)."""
    ids = list(ExpertProfile.objects.order_by("user_id").values_list("user_id", flat=True))
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            refresh(*ids[start : start + batch])
