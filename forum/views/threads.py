"""The thread page: a question, its answers, each answer's follow-ups, and the
forms that the viewer may use on them."""

from collections import defaultdict
from functools import partial

from django.conf import settings
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject

from accounts.actions import mark_read
from accounts.models import ReasonUse
from accounts.notifications import forget_unread_count, unread_count
from accounts.reasons import canned_reasons_for
from accounts.roles import can_post, is_moderator, is_suspended, reader
from config import pagecache, slots
from config.header import header
from config.pagecache import anonymous_cache
from experts.models import ExpertProfile
from experts.views.cards import with_card_credentials

from .. import cards, drafts, lifecycle, permissions, structured_data, thread_pages
from ..forms import AnswerForm, DeclineForm, FollowUpForm, RatingForm, RerouteForm
from ..guidance import effective_guidance
from ..models import Answer, Flag, FollowUp, Question, QuestionStatus, flagged_post
from ..text import excerpt

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


@anonymous_cache(keys=lambda pk, slug=None: pagecache.thread_keys(pk))
def question_detail(request, pk, slug=None):
    # A page kept for this reader (forum.thread_pages): the thread need not even be loaded.
    # Not while their session holds drafts (forum.drafts): their forms show them.
    page = thread_pages.find(request.user, pk)
    if page is not None and page["slug"] == slug and not drafts.kept(request):
        read_thread(request, pk)
        return shell_response(request, page["shell"])
    question = visible_question(request, pk)
    if slug != question.slug:
        return redirect(question, permanent=True)
    if request.user.is_authenticated:
        read_thread(request, question.pk)
    return render_thread(request, question)


def read_thread(request, thread_id):
    """Reading the thread is reading what it was notified about: one UPDATE, however many,
    and none when the member has nothing unread (the count came with them)."""
    user = request.user
    if unread_count(user) and mark_read(user=user, thread_id=thread_id):
        forget_unread_count(user)


def shell_response(request, shell):
    """A kept page (config.slots.Shell) with this reader's header and messages."""
    return shell.response(
        request,
        {
            "header": header(request),
            "messages": render_to_string("includes/messages.html", request=request).encode(),
        },
    )


def render_thread(request, question, *, status=200, **bound_forms):
    """Render the thread; `bound_forms` put back a form the user just sent with errors.

    Keys: answer_form, decline_form, reroute_form, and follow_up_form /
    rating_form together with `for_answer` (the answer's pk).

    Text kept when a session expired (forum.drafts) fills the forms it was
    typed into, unsent, with a word to check it and send it again.
    """
    user = reader(request)
    kept = thread_drafts(request, question) if user.is_authenticated else {}
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
    # Moderators see the open flags on each post in place: one query for the thread.
    flags = open_flags_by_post(question) if moderates else {}
    question.open_flags = flags.get(("question", question.pk))
    fragments = settings.PAGE_CACHE_SECONDS > 0
    # The fragments below follow the thread's own keys: a write elsewhere keeps them.
    # Read before anything is rendered: a write meanwhile outdates what is stored.
    versions = pagecache.versions(pagecache.thread_keys(question.pk)) if fragments else None
    generation = pagecache.token_of(versions) if fragments else None
    answers = SimpleLazyObject(
        lambda: thread_answers(
            user,
            question,
            moderates,
            bystander,
            bound_forms,
            kept,
            flags,
            can_flag_posts,
            generation,
        )
    )
    can_answer = permissions.can_answer(user, question)
    can_decline = permissions.can_decline(user, question)
    can_reroute = permissions.can_reroute(user, question)
    if kept:
        # Only now, and only the drafts of forms this reader has: the rest stay kept.
        answers = list(answers)
        bound_forms = draft_forms(question, kept, bound_forms, can_answer, can_decline, can_reroute)
        used = [key for key, draft in kept.items() if draft.get("used")]
        for key in used:
            drafts.take(request, key, announce=key == used[0])
    # The whole page is kept for this reader, or for every bystander (forum.thread_pages).
    keep = (
        not kept
        and not bound_forms
        and status == 200
        and thread_pages.may_keep(user, question, versions)
    )
    shared = keep and bystander and not can_answer
    sees_declines = user.is_authenticated and (
        user.pk in (question.asker_id, question.expert_id) or moderates
    )
    # A list: the trail and the structured data's breadcrumbs share one query.
    ancestors = list(question.category.ancestors())
    context = {
        "question": question,
        "ancestors": ancestors,
        # The category's guidance, above each answer: from the ancestors already loaded.
        "category_guidance": effective_guidance(question.category, ancestors),
        # Canonical, Open Graph and JSON-LD: the thread as a visitor sees it, or "noindex".
        "page_meta": structured_data.thread_meta(question, ancestors, answers),
        "answers": answers,
        "experts": SimpleLazyObject(lambda: expert_cards(question, answers)),
        "meta_description": excerpt(question.body_html, 160, one_line=True),
        # Asked once here rather than for each of a long thread's posts.
        "can_flag_posts": can_flag_posts,
        "viewer_moderates": moderates,
        "reasons": SimpleLazyObject(
            lambda: canned_reasons_for(ReasonUse.HIDE, ReasonUse.LOCK) if moderates else {}
        ),
        "bystander": bystander,
        # The expert cards beside the thread are one fragment for every reader but
        # moderators: an expert of the thread sees their own card without "Ask this
        # expert", as does a suspended member.
        "experts_for": (
            f"{'' if bystander or user.pk == question.asker_id else user.pk}"
            f"{'-suspended' if is_suspended(user) else ''}"
        ),
        "fragment_seconds": settings.PAGE_CACHE_SECONDS if fragments else 0,
        # What a shared answer card holds in place of this response's CSRF token.
        "csrf_slot": slots.CSRF,
        # A kept page holds slots for its reader's header, messages and CSRF token.
        "header_slot": slots.HEADER if keep else "",
        "messages_slot": slots.MESSAGES if keep else "",
        "page_generation": generation,
        "can_answer": can_answer,
        "answer_form": bound_forms.get("answer_form") or (AnswerForm() if can_answer else None),
        "can_decline": can_decline,
        "decline_form": bound_forms.get("decline_form")
        or (DeclineForm(auto_id="id_decline_%s") if can_decline else None),
        "decline_open": "decline_form" in bound_forms,
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
    if keep:
        context["csrf_token"] = slots.CSRF
    response = render(request, "forum/question.html", context, status=status)
    if keep:
        shell = thread_pages.keep(
            user, question, versions, response.content, shared=shared, answers=answers
        )
        return shell_response(request, shell)
    response.content = slots.fill(request, response.content)
    return response


def thread_drafts(request, question):
    """The drafts kept for this thread's forms, as {key: {"form": name, "pk": ..., "data": ...}}."""
    found = {}
    for key, data in drafts.kept(request).items():
        try:
            match = resolve(key)
        except Resolver404:
            continue
        name, pk = match.url_name, match.kwargs.get("pk")
        question_form = name in QUESTION_DRAFTS and pk == question.pk
        if question_form or name in ANSWER_DRAFTS:
            found[key] = {"form": name, "pk": pk, "data": data}
    return found


QUESTION_DRAFTS = {"answer_question", "decline", "reroute"}
ANSWER_DRAFTS = {"follow_up", "rate"}


def draft_forms(question, kept, bound_forms, can_answer, can_decline, can_reroute):
    """The question's own forms filled with their drafts; a form sent back with errors wins."""
    forms = dict(bound_forms)
    for draft in kept.values():
        name, data = draft["form"], draft["data"]
        if name == "answer_question" and can_answer and "answer_form" not in forms:
            forms["answer_form"] = AnswerForm(initial=data)
        elif name == "decline" and can_decline and "decline_form" not in forms:
            forms["decline_form"] = DeclineForm(initial=data, auto_id="id_decline_%s")
        elif name == "reroute" and can_reroute and "reroute_form" not in forms:
            forms["reroute_form"] = RerouteForm(initial=data, question=question)
        else:
            continue
        draft["used"] = True
    return forms


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


def open_flags_by_post(question):
    """The thread's open flags, oldest first, by ("question" | "answer" | "follow_up", pk)."""
    found = defaultdict(list)
    flags = (
        Flag.objects.open()
        .filter(
            Q(question=question)
            | Q(answer__question=question)
            | Q(follow_up__answer__question=question)
        )
        .select_related("flagger")
        .order_by("created_at", "pk")
    )
    for flag in flags:
        found[flagged_post(partial(getattr, flag))].append(flag)
    return found


def thread_answers(
    user,
    question,
    moderates,
    bystander,
    bound_forms,
    kept=None,
    flags=None,
    can_flag_posts=False,
    generation=None,
):
    """The answers the user may see, with their follow-ups and what the user may do with each.

    `kept`: drafts (see `thread_drafts`); those used here are marked "used".
    `flags`: the open flags a moderator sees (open_flags_by_post).
    Each answer's card is shared by the readers of the same role (forum.cards), unless
    it holds this reader's own text (a draft, a form sent back), a moderator's tools,
    or a private thread's words. With `generation` (the thread's version), the cards
    already cached are read at once and set as `answer.card`; the follow-ups and
    credentials are loaded only for the answers whose card must be rendered.
    """
    kept_for = {(draft["form"], draft["pk"]): draft for draft in (kept or {}).values()}
    answers = list(
        question.answers.shown_to(user).select_related("author__expert_profile", "rating")
    )
    # A resolved thread asks whether each answer awaits a reply, and moderators see the
    # flags on each follow-up: then every answer's follow-ups are wanted.
    if bystander or moderates or generation is None or question.status == QuestionStatus.RESOLVED:
        with_posts(answers, user)
    if bystander:
        return answers  # nothing on them is theirs to do
    question.answer_author_ids = {answer.author_id for answer in answers}
    for_answer = bound_forms.get("for_answer")
    for answer in answers:
        if flags:
            answer.open_flags = flags.get(("answer", answer.pk))
            for follow_up in answer.follow_ups.all():
                follow_up.open_flags = flags.get(("follow_up", follow_up.pk))
        answer.can_follow_up = permissions.can_follow_up(user, answer, question)
        answer.can_rate = permissions.can_rate(user, answer, question)
        # The asker's "it helped / it did not"; before the week is up, from when they may.
        answer.can_record_outcome = permissions.can_record_outcome(user, answer, question)
        if not answer.can_record_outcome and permissions.may_tell_outcome(user, answer, question):
            answer.outcome_opens_at = permissions.outcome_opens_at(answer)
        answer.can_edit = permissions.can_edit_answer(user, answer, question)
        mine = answer.pk == for_answer
        follow_up_draft = kept_for.get(("follow_up", answer.pk))
        rating_draft = kept_for.get(("rate", answer.pk))
        # A private thread's text never goes to the shared cache: publishing it must be
        # able to leave no trace of what the asker redacts (forum.publication).
        answer.cacheable = not (
            question.is_private or moderates or mine or follow_up_draft or rating_draft
        )
        answer.role = cards.role(user, question, answer, can_flag_posts)
        if answer.can_follow_up:
            initial = follow_up_draft and follow_up_draft["data"]
            reply = user.pk == answer.author_id
            answer.follow_up_form = (mine and bound_forms.get("follow_up_form")) or (
                SimpleLazyObject(partial(follow_up_form, answer, initial=initial, reply=reply))
            )
            if follow_up_draft:
                follow_up_draft["used"] = True
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
            if rating_draft:
                initial, rating_draft["used"], answer.rating_open = rating_draft["data"], True, True
            answer.rating_form = (mine and bound_forms.get("rating_form")) or SimpleLazyObject(
                partial(RatingForm, initial=initial, auto_id=f"id_rating_{answer.pk}_%s")
            )
    if generation is not None:
        cached = cards.cached([a for a in answers if a.cacheable], generation)
        with_posts([a for a in answers if a.pk not in cached], user)
        for answer in answers:
            answer.card = cached.get(answer.pk)
    return answers


def with_posts(answers, user):
    """What rendering these answers' cards reads: their follow-ups and credentials."""
    answers = [answer for answer in answers if not hasattr(answer, "posts_loaded")]
    prefetch_related_objects(
        answers,
        Prefetch("follow_ups", queryset=FollowUp.objects.shown_to(user).select_related("author")),
    )
    with_verified_credentials([answer.author for answer in answers])
    for answer in answers:
        answer.posts_loaded = True


def follow_up_form(answer, initial, reply):
    """The follow-up form under an answer, made only when its card must be rendered.

    A new form's submission key is a slot (forum.cards): each response gets its own.
    """
    form = FollowUpForm(
        initial=initial or {"submission_key": slots.KEY},
        auto_id=f"id_followup_{answer.pk}_%s",
    )
    if reply:
        form.fields["body"].label = "Your reply"
    return form


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
    """Verified credentials show beside an expert's name on every answer and card; the card
    also lists organizations and clients. One query for all, loaded once per profile."""
    profiles = {
        e.expert_profile.pk: e.expert_profile for e in experts if hasattr(e, "expert_profile")
    }
    with_card_credentials(profiles.values())


def answer_redirect(request, pk):
    """A stable link to one answer, wherever its question moves."""
    answer = visible_answer(request, pk)
    return redirect(answer.get_absolute_url())
