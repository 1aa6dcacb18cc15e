"""How much waits for the moderators: the counts beside the Moderation link on every page.

Counted once per page-cache generation (every write that changes what
pages show moves it, flags and applications included), so a moderator's
pages cost one cache read for them, and a new generation one query.
"""

from django.core.cache import cache
from django.db import connection
from django.db.models import F

from config import pagecache
from experts.views.moderation import pending_work

from .models import Answer, Flag, PublicationRequest, PublicationStatus, Question

CACHE_SECONDS = 60


def review_requests_q():
    """Hidden posts whose author asked for a second look that has not come yet."""
    return {"is_hidden": True, "review_requested_at__gt": F("hidden_at")}


def count_each(querysets: dict) -> dict[str, int]:
    """COUNT(*) of each queryset, all in one query: "SELECT (SELECT COUNT(*) ...), ..."."""
    parts, params = [], []
    for queryset in querysets.values():
        sql, sql_params = queryset.order_by().query.sql_with_params()
        # The SQL is Django's own for these querysets; the values stay parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


def pending_counts() -> dict[str, int]:
    key = f"moderation-pending:{pagecache.generation()}"
    counts = cache.get(key)
    if counts is None:
        work = pending_work()
        counts = count_each(
            {
                "flagged": Flag.objects.open()
                .values("question_id", "answer_id", "follow_up_id")
                .distinct(),
                "question_reviews": Question.objects.filter(**review_requests_q()).values("pk"),
                "answer_reviews": Answer.objects.filter(**review_requests_q()).values("pk"),
                "applications": work["applications"].values("pk"),
                "credentials": work["credentials"].values("pk"),
                "category_requests": work["category_requests"].values("pk"),
                "publications": PublicationRequest.objects.filter(
                    status=PublicationStatus.IN_REVIEW
                ).values("pk"),
            }
        )
        counts["reviews"] = counts.pop("question_reviews") + counts.pop("answer_reviews")
        counts["total"] = sum(counts.values())
        cache.set(key, counts, CACHE_SECONDS)
    return counts
