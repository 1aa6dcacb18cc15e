"""Who a question waits for: asking, re-routing, and the system's steps when an expert
does not answer in time or stops taking questions (see forum.lifecycle)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.actions import action, require
from accounts.roles import can_post, why_cannot_post
from experts.models import ExpertProfile

from .. import lifecycle, permissions
from ..models import Answer, Decline, Question, QuestionStatus, ReturnReason, Visibility
from . import notices
from .hooks import experts_involved, lock_question, thread_changed


def check_addressable(asker, expert, category):
    """The expert may be asked in this category today; their profile stays locked till commit.

    The lock makes concurrent asks count one after the other, so the daily
    limit holds however many people ask at once.
    """
    name = expert.display_name
    profile = next(iter(ExpertProfile.objects.locked([expert.pk])), None)
    require(expert.pk != asker.pk, "You cannot ask yourself a question.")
    covering = profile is not None and ExpertProfile.objects.answers_in(expert, category)
    require(covering, f"{name} does not answer questions in {category.name}.")
    if profile.is_away:
        back = f" until {profile.away_until:%-d %B}" if profile.away_until else ""
        require(False, f"{name} is away{back} and not taking questions. Pick another expert, "
                "or ask every expert of the category.")  # fmt: skip
    require(
        profile.count_questions_today() < profile.daily_question_limit,
        f"{name} has reached today's limit of questions. Pick another expert, "
        "or ask every expert of the category.",
    )


def check_category_served(category):
    """An open question needs someone to read it: an expert of the category, not away."""
    require(
        ExpertProfile.objects.serve(category),
        f"No expert can take a question in {category.name} now, so nobody would see yours. "
        "Choose a category with experts.",
    )


def _save_once(question, asker):
    """Insert the question unless this asker already sent the same form (its submission key)."""
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError:
        existing = Question.objects.filter(asker=asker, submission_key=question.submission_key)
        if question.submission_key is None or not existing.exists():
            raise
        return existing.get(), False
    return question, True


@action
def ask_question(
    *, asker, category, title, body, visibility, expert=None, submission_key=None
) -> tuple[Question, bool]:
    """Ask a question, open to the category's experts or addressed to one.

    Returns (question, created): a second submit of the same form (same key)
    returns the first question. A private question needs an expert.
    """
    if submission_key is not None:
        existing = Question.objects.filter(asker=asker, submission_key=submission_key).first()
        if existing is not None:
            return existing, False
    require(can_post(asker), why_cannot_post(asker))
    if expert is not None:
        check_addressable(asker, expert, category)
        status = QuestionStatus.ADDRESSED
    else:
        check_category_served(category)
        status, visibility = QuestionStatus.OPEN, Visibility.PUBLIC
    question, created = _save_once(
        Question(
            asker=asker,
            category=category,
            expert=expert,
            title=title,
            body=body,
            visibility=visibility,
            status=status,
            addressed_at=timezone.now(),
            submission_key=submission_key,
        ),
        asker,
    )
    if not created:
        return question, False
    question = lock_question(question.pk)
    notices.asked(question)
    thread_changed(question)
    return question, True


@action
def reroute_question(*, question, asker, category, expert=None, make_public=False) -> Question:
    """The asker sends the question, text unchanged, to another expert or to every expert
    of a category (this one or another). An open question is public: a private one
    opens only with `make_public`."""
    question = lock_question(question.pk, visible_to=asker)
    require(
        permissions.can_reroute(asker, question),
        permissions.why_not(
            asker,
            question,
            "A question goes to someone else once its expert declines it or does not answer.",
        ),
    )
    previous = question.expert
    # Every expert the hook will refresh, locked now in the one order, before any check.
    ExpertProfile.objects.locked(experts_involved(question) | {expert.pk if expert else None})
    if expert is not None:
        require(
            not Decline.objects.filter(question=question, expert=expert).exists(),
            f"{expert.display_name} has declined this question already.",
        )
        require(
            not Answer.objects.filter(question=question, author=expert).exists(),
            f"{expert.display_name} has answered this question already.",
        )
        check_addressable(asker, expert, category)
        target = QuestionStatus.ADDRESSED
    else:
        check_category_served(category)
        require(
            not question.is_private or make_public,
            "A private question goes to one expert: pick one, or agree to make it public.",
        )
        question.visibility = Visibility.PUBLIC
        target = QuestionStatus.OPEN
    question.expert = expert
    question.category = category
    question.save(update_fields=["expert", "category", "visibility", "updated_at"])
    lifecycle.move(question, "reroute", target)
    notices.asked(question)
    thread_changed(question, also=[previous.pk] if previous else [])
    return question


@action
def expire_question(*, question) -> bool:
    """The expert asked has not answered in time: the question goes back to its asker.

    Taken by the system (manage.py run_lifecycle); returns whether it moved.
    """
    question = lock_question(question.pk)
    due = lifecycle.deadline(question)
    if due is None or question.locked or question.is_hidden or due > timezone.now():
        return False
    lifecycle.move(question, "expire", QuestionStatus.RETURNED, reason=ReturnReason.NO_ANSWER)
    notices.returned(question, expert=question.expert)
    thread_changed(question)
    return True


@action
def return_to_asker(*, question) -> bool:
    """The expert asked was suspended or went away: the asker is told and may re-route.

    Taken by the system when that happens, and again by manage.py run_lifecycle
    for anything missed; returns whether the question moved.
    """
    question = lock_question(question.pk)
    if question.status != QuestionStatus.ADDRESSED or question.expert_id is None:
        return False
    if question.locked or question.is_hidden:
        return False  # As with expiry: taken once a moderator lifts the flag.
    available = ExpertProfile.objects.approved().taking_questions()
    if available.filter(user_id=question.expert_id).exists():
        return False
    away = ReturnReason.EXPERT_AWAY
    lifecycle.move(question, "expert_away", QuestionStatus.RETURNED, reason=away)
    notices.returned(question)
    thread_changed(question)
    return True
