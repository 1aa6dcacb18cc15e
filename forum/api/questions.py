"""GET /questions and /questions/{id}: the threads the reader may see, as the pages show them."""

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from .. import referrals
from ..guidance import guidance_of_row, with_guidance
from ..models import Answer, Category, FollowUp, Question
from .auth import reader
from .common import (
    DEFAULT_LIMIT,
    ERRORS,
    MAX_LIMIT,
    BadCursor,
    category_ref,
    decode_cursor,
    encode_cursor,
    user_ref,
)
from .schemas import QuestionDetail, QuestionPage

router = Router(tags=["questions"])

MAX_ID = 2**63 - 1


class QuestionFilters(Schema):
    category: str | None = Field(
        None,
        max_length=255,
        description="A category's path (`health/massage`) or id: it and its subcategories.",
    )
    expert: str | None = Field(
        None, max_length=150, description="An expert's handle: the threads they answered."
    )
    answered: bool | None = Field(
        None, description="`true`: with a visible answer; `false`: none yet."
    )
    since: datetime | None = Field(
        None, description="Asked at or after this time (ISO 8601; UTC when no zone is given)."
    )
    cursor: str | None = Field(
        None, max_length=200, description="`next_cursor` of the page before; none for the first."
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


def summary(question):
    return {
        "id": question.pk,
        "title": question.title,
        "url": question.get_absolute_url(),
        "category": category_ref(question.category),
        "asker": {"display_name": question.asker.display_name},
        "expert": user_ref(question.expert) if question.expert_id else None,
        "visibility": question.visibility,
        "status": question.status,
        "locked": question.locked,
        "hidden": question.is_hidden,
        "answer_count": question.answer_count,
        # 0 stands for "no rated answer" in the column; the API says so with null.
        "best_rating": question.best_rating or None,
        "created_at": question.created_at,
        "answered_at": question.answered_at,
        "last_activity_at": question.last_activity_at,
    }


def find_category(value):
    found = Category.objects.filter(
        Q(pk=int(value)) if value.isdigit() and int(value) <= MAX_ID else Q(path=value.strip("/"))
    ).first()
    if found is None:
        raise HttpError(404, f"No category “{value}”: GET /api/v1/categories lists them.")
    return found


def find_user(handle):
    found = get_user_model().objects.filter(handle=handle.strip().lower()).first()
    if found is None:
        raise HttpError(404, f"No expert with the handle “{handle}”.")
    return found


def in_utc(moment):
    """A time the database can compare with: naive means UTC; beyond the calendar, refused."""
    try:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except OverflowError:
        raise HttpError(400, "`since` is outside the calendar the site keeps.") from None


@router.get("", response={200: QuestionPage, **ERRORS}, summary="Questions, newest first")
def questions(request, filters: Query[QuestionFilters]):
    """The questions the reader may open, newest first: for a visitor the public ones that
    are not hidden (answered or still waiting); with a token also the member's own and
    those addressed to them, private ones included, as the site shows them.

    Pages are keyset-paged: pass `next_cursor` back as `cursor`; questions asked after
    the first page never shift or repeat the later ones. `next_cursor` is null on the
    last page."""
    user = reader(request)
    found = Question.objects.visible_to(user)
    if filters.category:
        found = found.filter(category__in=find_category(filters.category).subtree_ids())
    if filters.expert:
        expert = find_user(filters.expert)
        answers = Answer.objects.shown_to(user).filter(question=OuterRef("pk"), author=expert)
        found = found.filter(Exists(answers))
    if filters.answered is True:
        found = found.answered()
    elif filters.answered is False:
        # The negation of Question.objects.answered(), kept to one cheap condition.
        found = found.filter(~Q(answer_count__gt=0))
    if filters.since:
        found = found.filter(created_at__gte=in_utc(filters.since))
    if filters.cursor:
        stamp, last_id = decode_cursor(filters.cursor, (str, int))
        try:
            created = in_utc(datetime.fromisoformat(stamp))
        except ValueError:
            raise BadCursor() from None
        found = found.filter(Q(created_at__lt=created) | Q(created_at=created, pk__lt=last_id))
    # Each row's category guidance is a column of the same query (forum.guidance).
    found = with_guidance(found.with_listing_data())
    rows = list(found.order_by("-created_at", "-id")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    last = rows[-1] if more else None
    return {
        "items": [{**summary(q), "guidance": guidance_of_row(q)} for q in rows],
        "next_cursor": encode_cursor(last.created_at.isoformat(), last.pk) if last else None,
    }


@router.get(
    "/{question_id}",
    response={200: QuestionDetail, **ERRORS},
    summary="One thread: the question, its answers and their follow-ups",
)
def question(request, question_id: int):
    """A thread as its page shows it to the reader: answers oldest first, each with its
    follow-ups and the asker's rating. A thread the reader may not open is a 404, whether
    or not it exists."""
    if not 0 < question_id <= MAX_ID:
        raise HttpError(404, "No such question.")
    user = reader(request)
    found = get_object_or_404(
        with_guidance(Question.objects.visible_to(user)).select_related(
            "category", "asker", "expert"
        ),
        pk=question_id,
    )
    answers = (
        found.answers.shown_to(user)
        .select_related("author", "rating")
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.shown_to(user).select_related("author"),
            )
        )
    )
    return {
        **summary(found),
        "guidance": guidance_of_row(found),
        "body_html": found.body_html,
        "edited_at": found.edited_at,
        "answers": [answer_out(answer) for answer in answers],
    }


def answer_out(answer):
    rating = getattr(answer, "rating", None)
    return {
        "id": answer.pk,
        "author": user_ref(answer.author),
        "body_html": answer.body_html,
        "featured": answer.is_featured,
        "hidden": answer.is_hidden,
        "created_at": answer.created_at,
        "edited_at": answer.edited_at,
        "rating": rating_out(rating) if rating is not None else None,
        "referral": referrals.as_data(answer),
        "disclosure": answer.disclosure,
        "disclosure_required": answer.disclosure_required_at is not None,
        "outcome": {"value": answer.outcome, "at": answer.outcome_at} if answer.outcome else None,
        "follow_ups": [
            {
                "id": follow_up.pk,
                "author": user_ref(follow_up.author),
                "body_html": follow_up.body_html,
                "hidden": follow_up.is_hidden,
                "created_at": follow_up.created_at,
            }
            for follow_up in answer.follow_ups.all()
        ],
    }


def rating_out(rating):
    return {
        "knowledgeability": rating.knowledgeability,
        "clarity": rating.clarity,
        "politeness": rating.politeness,
        "thank_you_note": rating.thank_you_note,
        # The page shows the expert's reply once it is sent.
        "reply": rating.reply if rating.replied_at else "",
        "created_at": rating.created_at,
    }
