"""The thread page: a question, its answers, each answer's follow-ups, and the
forms that the viewer may use on them."""

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.html import strip_tags
from django.utils.text import Truncator

from accounts.roles import can_post, is_moderator
from config import pagecache
from config.pagecache import anonymous_cache
from experts.models import Credential, ExpertProfile

from .. import lifecycle, permissions
from ..forms import AnswerForm, DeclineForm, FollowUpForm, RatingForm, RerouteForm
from ..models import Answer, FollowUp, Question, QuestionStatus

EXPERT_CARDS = 3


def visible_question(request, pk):
    """The question if the user may see it, else 404: a private thread is not admitted to exist."""
    return get_object_or_404(
        Question.objects.visible_to(request.user).select_related(
            "category", "asker", "expert__expert_profile"
        ),
        pk=pk,
    )


def visible_answer(request, pk):
    return get_object_or_404(
        Answer.objects.visible_to(request.user).select_related(
            "question__category", "question__asker", "author"
        ),
        pk=pk,
    )


@anonymous_cache
def question_detail(request, pk, slug=None):
    question = visible_question(request, pk)
    if slug != question.slug:
        return redirect(question, permanent=True)
    return render_thread(request, question)


def render_thread(request, question, *, status=200, **bound_forms):
    """Render the thread; `bound_forms` put back a form the user just sent with errors.

    Keys: answer_form, decline_form, reroute_form, and follow_up_form /
    rating_form together with `for_answer` (the answer's pk).
    """
    user = request.user
    moderates = is_moderator(user)
    can_flag_posts = can_post(user)
    # A bystander (not the asker, not the expert asked, no answer of theirs, not a
    # moderator) sees the answers exactly as every other bystander does, but for
    # the flag links. Their part of the page is then a fragment cached until the
    # next write, and the answers are loaded only when it must be rendered again.
    bystander = (
        not bound_forms
        and not moderates
        and user.pk not in (question.asker_id, question.expert_id)
        and not permissions.has_answered(user, question)
    )
    answers = SimpleLazyObject(
        lambda: thread_answers(user, question, moderates, bystander, bound_forms)
    )
    can_answer = permissions.can_answer(user, question)
    can_decline = permissions.can_decline(user, question)
    can_reroute = permissions.can_reroute(user, question)
    sees_declines = user.is_authenticated and (
        user.pk in (question.asker_id, question.expert_id) or moderates
    )
    fragments = settings.PAGE_CACHE_SECONDS > 0
    context = {
        "question": question,
        "ancestors": question.category.ancestors(),
        "answers": answers,
        "experts": SimpleLazyObject(lambda: expert_cards(question, answers)),
        "meta_description": Truncator(" ".join(strip_tags(question.body_html).split())).chars(160),
        # Asked once here rather than for each of a long thread's posts.
        "can_flag_posts": can_flag_posts,
        "viewer_moderates": moderates,
        "bystander": bystander,
        "fragment_seconds": settings.PAGE_CACHE_SECONDS if fragments else 0,
        "page_generation": pagecache.generation() if fragments else 0,
        "can_answer": can_answer,
        "answer_form": bound_forms.get("answer_form") or (AnswerForm() if can_answer else None),
        "can_decline": can_decline,
        "decline_form": bound_forms.get("decline_form")
        or (DeclineForm(auto_id="id_decline_%s") if can_decline else None),
        "can_reroute": can_reroute,
        "reroute_form": bound_forms.get("reroute_form")
        or (RerouteForm(question=question) if can_reroute else None),
        # The asker was just using it (a refresh, or errors): keep it open.
        "reroute_open": "reroute_form" in bound_forms,
        "can_resolve": permissions.can_resolve(user, question),
        "can_reopen": permissions.can_reopen(user, question),
        # Where the question stands, in words for this reader (forum.lifecycle).
        "standing": SimpleLazyObject(lambda: standing_for(user, question, answers)),
        "declines": list(question.declines.select_related("expert")) if sees_declines else [],
    }
    return render(request, "forum/question.html", context, status=status)


def standing_for(user, question, answers):
    """The lifecycle's words for this reader; an expert owing the asker a reply is told so."""
    owes = (
        question.status == QuestionStatus.RESOLVED
        and permissions.has_answered(user, question)
        and any(
            answer.author_id == user.pk and permissions.awaits_reply(answer, question)
            for answer in answers
        )
    )
    return lifecycle.describe(question, user, reply_pending=owes)


def thread_answers(user, question, moderates, bystander, bound_forms):
    """The answers the user may see, with their follow-ups and what the user may do with each."""
    answers = list(
        question.answers.shown_to(user)
        .select_related("author__expert_profile", "rating")
        .prefetch_related(
            Prefetch(
                "follow_ups", queryset=FollowUp.objects.shown_to(user).select_related("author")
            )
        )
    )
    with_verified_credentials([answer.author for answer in answers])
    if bystander:
        return answers  # nothing on them is theirs to do
    question.answer_author_ids = {answer.author_id for answer in answers}
    for_answer = bound_forms.get("for_answer")
    for answer in answers:
        answer.can_follow_up = permissions.can_follow_up(user, answer, question)
        answer.can_rate = permissions.can_rate(user, answer, question)
        answer.can_edit = permissions.can_edit_answer(user, answer, question)
        mine = answer.pk == for_answer
        # The asker or an answering expert still sees others' answers as bystanders
        # do: those answers carry no forms for them, and are cached one by one.
        answer.cacheable = not moderates and user.pk not in (question.asker_id, answer.author_id)
        if answer.can_follow_up:
            answer.follow_up_form = (mine and bound_forms.get("follow_up_form")) or FollowUpForm(
                auto_id=f"id_followup_{answer.pk}_%s"
            )
            if user.pk == answer.author_id:
                answer.follow_up_form.fields["body"].label = "Your reply"
        if answer.can_rate:
            rating = getattr(answer, "rating", None)
            initial = (
                {
                    "knowledgeability": rating.knowledgeability,
                    "clarity": rating.clarity,
                    "politeness": rating.politeness,
                    "thank_you_note": rating.thank_you_note,
                }
                if rating
                else None
            )
            answer.rating_form = (mine and bound_forms.get("rating_form")) or RatingForm(
                initial=initial, auto_id=f"id_rating_{answer.pk}_%s"
            )
    return answers


def expert_cards(question, answers):
    """One card per answering expert, the addressed one first; before any answer, that one.

    Beside a long thread, a few cards and a count of the others.
    """
    experts = list({answer.author_id: answer.author for answer in answers}.values())
    if not experts and question.expert:
        experts = [question.expert]
    experts = [e for e in experts if hasattr(e, "expert_profile")]
    experts.sort(key=lambda e: e.pk != question.expert_id)
    shown = experts[:EXPERT_CARDS]
    with_verified_credentials(shown)
    with_questions_today(shown)
    return {"shown": shown, "more": len(experts) - len(shown)}


def with_questions_today(experts):
    """Each card says whether its expert takes questions today: one query for them all."""
    profiles = {e.expert_profile.pk: e.expert_profile for e in experts}
    if profiles:
        counts = ExpertProfile.objects.filter(pk__in=profiles).with_questions_today()
        for pk, today in counts.values_list("pk", "questions_today"):
            profiles[pk].questions_today = today


def with_verified_credentials(experts):
    """Verified credentials show beside an expert's name on every answer and card."""
    profiles = {
        expert.expert_profile.pk: expert.expert_profile
        for expert in experts
        if hasattr(expert, "expert_profile")
        and not hasattr(expert.expert_profile, "verified_credentials")
    }
    prefetch_related_objects(
        list(profiles.values()),
        Prefetch(
            "credentials",
            queryset=Credential.objects.filter(verified_at__isnull=False).order_by("-verified_at"),
            to_attr="verified_credentials",
        ),
    )


def answer_redirect(request, pk):
    """A stable link to one answer, wherever its question moves."""
    answer = visible_answer(request, pk)
    return redirect(answer.get_absolute_url())
