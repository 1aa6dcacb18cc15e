"""The expert's dashboard: what waits for them, their answers with the ratings they got
(private threads' included: only they see this page), their response time month by month,
and replying once to a thank-you note."""

from datetime import date, datetime, timedelta

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.actions import Refused

from .. import actions
from ..forms import ThankYouReplyForm
from ..models import ExpertProfile, ExpertStatus, Rating
from ..permissions import can_reply_to_thank_you

ANSWERS_PAGE_SIZE = 10
# The inbox has the whole list; the dashboard shows the longest waiting.
WAITING_SHOWN = 10
TREND_MONTHS = 12


def _models():
    # Through the app registry: experts does not import forum.
    return apps.get_model("forum", "Question"), apps.get_model("forum", "Answer")


def waiting_for(profile):
    """Questions waiting for this expert, the longest waiting first: addressed to them, and
    open ones of their categories (and below) that they neither asked nor answered. The
    same rules as the inbox's two tabs (forum.views.inbox)."""
    Question, _ = _models()
    user = profile.user
    addressed = Q(expert=user, status="addressed")
    in_categories = Q(pk__in=[])
    for path in profile.categories.values_list("path", flat=True):
        in_categories |= Q(category__path=path) | Q(category__path__startswith=f"{path}/")
    still_open = Q(in_categories, status="open") & ~Q(asker=user)
    answered = Question.objects.filter(answers__author=user).values("pk")
    return (
        Question.objects.filter(addressed | still_open, locked=False, is_hidden=False)
        .exclude(Q(status="open") & Q(pk__in=answered))
        .select_related("category", "asker")
        .order_by("addressed_at", "pk")
    )


def own_answers(user):
    """The expert's answers they can see, newest first, with their question and rating."""
    _, Answer = _models()
    return (
        Answer.objects.visible_to(user)
        .filter(author=user)
        .select_related("question__category", "rating__rater")
        .order_by("-created_at", "-pk")
    )


def _month_starts(months=TREND_MONTHS):
    today = timezone.localdate()
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(starts))


def response_trend(user, months=TREND_MONTHS):
    """[(first day of the month, answers, median time to answer or None)] for the last
    `months` months, oldest first, every month present: one query.

    Time to answer runs from the question being asked to the answer, as on the public
    scorecard; here every answer of theirs counts, private ones included.
    """
    starts = _month_starts(months)
    since = timezone.make_aware(datetime.combine(starts[0], datetime.min.time()))
    month = TruncMonth("created_at")
    middle = (
        own_answers(user)
        .filter(created_at__gte=since, is_hidden=False)
        .order_by()
        .annotate(
            month=month,
            delay=ExpressionWrapper(
                F("created_at") - F("question__created_at"), output_field=DurationField()
            ),
            position=Window(RowNumber(), partition_by=month, order_by=[F("delay").asc(), F("pk")]),
            count=Window(Count("pk"), partition_by=month),
        )
        # The middle row, or the two middle rows of an even count.
        .filter(position__gte=(F("count") + 1) / 2, position__lte=F("count") / 2 + 1)
        .values_list("month", "delay", "count")
    )
    found = {}
    for when, delay, count in middle:
        key = (when.year, when.month)
        found.setdefault(key, {"count": count, "delays": []})["delays"].append(delay)
    rows = []
    for start in starts:
        row = found.get((start.year, start.month))
        median = sum(row["delays"], timedelta()) / len(row["delays"]) if row else None
        rows.append((start, row["count"] if row else 0, median))
    return rows


def _own_profile(user):
    return ExpertProfile.objects.filter(user=user).select_related("user").first()


def _render(request, profile, *, bound=None, status=200):
    """The dashboard; `bound` is (rating pk, a bound ThankYouReplyForm) to show with its
    errors after a reply that could not be sent."""
    user = request.user
    suspended = profile.status == ExpertStatus.SUSPENDED
    waiting = waiting_for(profile)
    page = Paginator(own_answers(user), ANSWERS_PAGE_SIZE).get_page(
        request.GET.get("page") or request.POST.get("page")
    )
    for answer in page:
        rating = getattr(answer, "rating", None)
        answer.shown_rating = rating
        if rating is not None and can_reply_to_thank_you(user, rating):
            if bound and bound[0] == rating.pk:
                answer.reply_form = bound[1]
            else:
                answer.reply_form = ThankYouReplyForm(auto_id=f"id_reply_{rating.pk}_%s")
    trend = response_trend(user)
    return render(
        request,
        "experts/dashboard.html",
        {
            "profile": profile,
            "suspended": suspended,
            # A suspended expert cannot answer: nothing waits for them.
            "waiting": [] if suspended else list(waiting[:WAITING_SHOWN]),
            "waiting_count": 0 if suspended else waiting.count(),
            "page_obj": page,
            "trend": trend,
            "trend_answers": sum(count for _, count, _ in trend),
        },
        status=status,
    )


@login_required
def dashboard(request):
    """Approved experts, and suspended ones (read only); others apply first, as on
    /experts/me/. A POST replies to a thank-you note (its `rating`)."""
    profile = _own_profile(request.user)
    if profile is None or profile.status in (ExpertStatus.PENDING, ExpertStatus.REFUSED):
        return redirect("experts:apply")
    if request.method == "POST":
        return _reply_to_thank_you(request, profile)
    return _render(request, profile)


def _reply_to_thank_you(request, profile):
    """Reply once to a thank-you note, from the dashboard or the thread (next=thread)."""
    rating_id = request.POST.get("rating", "")
    # Only the expert thanked finds the rating: anyone else gets a 404.
    rating = get_object_or_404(
        Rating.objects.select_related("answer__question", "rater"),
        pk=int(rating_id) if rating_id.isdigit() else None,
        expert=request.user,
    )
    from_thread = request.POST.get("next") == "thread"
    page = request.POST.get("page", "")
    page = page if page.isdigit() else "1"
    back = (
        rating.answer.get_absolute_url()
        if from_thread
        else f"{reverse('experts:dashboard')}?page={page}#answer-{rating.answer_id}"
    )
    form = ThankYouReplyForm(request.POST, auto_id=f"id_reply_{rating.pk}_%s")
    if not form.is_valid():
        if from_thread:
            return render(
                request,
                "experts/reply_thank_you.html",
                {"rating": rating, "form": form, "back": back},
            )
        return _render(request, profile, bound=(rating.pk, form))
    try:
        _, sent = actions.reply_to_thank_you(
            rating=rating, expert=request.user, text=form.cleaned_data["reply"]
        )
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect(back)
    if sent:
        messages.success(
            request,
            f"Your reply was sent: {rating.rater.display_name} is told, and it shows "
            "under their note.",
        )
    else:
        messages.info(request, "Your reply to this note was already sent; it cannot be changed.")
    return redirect(back)
