"""The moderators' member tools: finding a member, and one member's page.

The page shows the member's standing (suspend, lift, warn), what they posted,
the flags they raised and how each ended, the moderators' private notes about
them and everything the audit log holds about them. Every list is one tab,
paginated, so the page costs the same whatever the member's history.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, Q, Value
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts import actions as account_actions
from accounts.decorators import moderator_required
from accounts.models import AuditAction, AuditEntry, ModeratorNote, ReasonUse
from accounts.reasons import ReasonForm, canned_reasons
from accounts.roles import can_suspend, in_moderators_group, with_roles

from ..forms_members import LiftForm, MemberSearchForm, NoteForm, WarnForm
from ..forms_moderation import SuspendForm
from ..models import Answer, Flag, FlagStatus, FollowUp, Question
from .auditlog import describe

PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 25
# The latest decisions about the member's standing, beside the forms that take them.
STANDING_SHOWN = 10
STANDING_ACTIONS = [
    AuditAction.WARN_USER,
    AuditAction.SUSPEND_USER,
    AuditAction.LIFT_SUSPENSION,
    AuditAction.SUSPEND_EXPERT,
    AuditAction.RESTORE_EXPERT,
]
# How a flag the member raised ended, in the words moderators use for it.
FLAG_OUTCOMES = {
    FlagStatus.ACTIONED: ("Helpful", "badge-success"),
    FlagStatus.DISMISSED: ("Declined", "badge-warning"),
    FlagStatus.OPEN: ("Open", "badge-accent"),
}
POST_KINDS = {"question": "Question", "answer": "Answer", "follow-up": "Follow-up"}


def _people():
    """Users with what their badges ask (moderator, expert) loaded in the same query."""
    return with_roles(get_user_model().objects.select_related("expert_profile"))


@moderator_required
def search(request):
    """Members by display name (contains), handle or e-mail (starts with); newest first."""
    form = MemberSearchForm(request.GET)
    people = _people().order_by("-date_joined", "-id")
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
    if query:
        people = people.filter(
            Q(display_name__icontains=query)
            | Q(handle__istartswith=query.lstrip("@"))
            | Q(email__istartswith=query)
        )
    page = Paginator(people, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for person in page.object_list:
        # Answered from the with_roles() annotation: no query.
        person.moderates = in_moderators_group(person)
    return render(
        request, "moderation/members.html", {"form": form, "query": query, "page_obj": page}
    )


FORMS = {"suspend": SuspendForm, "warn": WarnForm, "lift": LiftForm, "note": NoteForm}


def _form(what, reasons, data=None):
    # Each form its own ids: four forms on one page share field names, not ids.
    kwargs = {"auto_id": f"{what}-%s"}
    if issubclass(FORMS[what], ReasonForm):
        kwargs["reasons"] = reasons
    return FORMS[what](data, **kwargs)


@moderator_required
def member(request, handle):
    """A member's page for moderators; its forms post back here with an "action"."""
    person = get_object_or_404(_people(), handle=handle)
    reasons = canned_reasons(ReasonUse.SUSPEND)
    forms = {what: _form(what, reasons) for what in FORMS}
    tab = request.GET.get("tab", "posts")
    if request.method == "POST":
        # The suspend form came first and posted without an "action"; it still may.
        what = request.POST.get("action") or "suspend"
        if what in FORMS:
            forms[what] = form = _form(what, reasons, request.POST)
            if form.is_valid():
                return _act(request, person, what, form)
            if what == "note":
                tab = "notes"
    return render(request, "moderation/member.html", _page(request, person, tab, forms))


def _act(request, person, what, form):
    """Run the valid form's action (each checks the moderator itself), then back to the page."""
    moderator, name = request.user, person.display_name
    back = reverse("moderation:member", args=[person.handle])
    reason = form.cleaned_data.get("reason", "")
    if what == "suspend":
        account_actions.suspend_user(
            user=person, moderator=moderator, reason=reason, until=form.until()
        )
        messages.success(request, f"{name} is suspended, and was told why.")
    elif what == "lift":
        account_actions.lift_suspension(user=person, moderator=moderator, reason=reason)
        messages.success(request, f"{name} can post again, and was told so.")
    elif what == "warn":
        account_actions.warn_user(user=person, moderator=moderator, message=reason)
        messages.success(request, f"The warning was sent to {name}.")
    else:
        account_actions.add_moderator_note(
            member=person, moderator=moderator, body=form.cleaned_data["body"]
        )
        messages.success(request, "The note is saved. Only moderators can read it.")
        return redirect(f"{back}?tab=notes#notes")
    return redirect(back)


def _page(request, person, tab, forms):
    """The page's context: standing, counts for the tabs, and the one tab's page of rows."""
    own = person.pk == request.user.pk
    outcomes = _flag_outcomes(person)
    tabs = {
        "posts": ("Posts", _posts_of(person).count()),
        "flags": ("Flags raised", sum(count for _, _, count in outcomes)),
    }
    if not own:
        # A moderator's own page has no notes: notes about them are for the others.
        tabs["notes"] = ("Notes", ModeratorNote.objects.filter(member=person).count())
    tabs["history"] = ("History", AuditEntry.objects.filter(subject=person).count())
    if tab not in tabs:
        tab = "posts"
    page_number = request.GET.get("page")
    context = {
        "person": person,
        "own": own,
        "can_act": can_suspend(request.user, person),
        "moderates": in_moderators_group(person),
        "profile": getattr(person, "expert_profile", None),
        "forms": forms,
        "tab": tab,
        "tabs": [(key, label, count) for key, (label, count) in tabs.items()],
        "flag_outcomes": outcomes,
        "standing": describe(
            AuditEntry.objects.filter(subject=person, action__in=STANDING_ACTIONS).select_related(
                "actor", "subject"
            )[:STANDING_SHOWN]
        ),
    }
    if tab == "posts":
        page = Paginator(_posts_of(person), PAGE_SIZE).get_page(page_number)
        page.object_list = _load_posts(page.object_list)
    elif tab == "flags":
        flags = Flag.objects.filter(flagger=person).select_related(
            "question__asker",
            "answer__question",
            "answer__author",
            "follow_up__answer__question",
            "follow_up__author",
        )
        page = Paginator(flags, PAGE_SIZE).get_page(page_number)
        page.object_list = [_flag_row(flag) for flag in page.object_list]
    elif tab == "notes":
        notes = ModeratorNote.objects.filter(member=person).select_related("author")
        page = Paginator(notes, PAGE_SIZE).get_page(page_number)
    else:
        entries = AuditEntry.objects.filter(subject=person).select_related("actor", "subject")
        page = Paginator(entries, PAGE_SIZE).get_page(page_number)
        page.object_list = describe(page.object_list)
    context["page_obj"] = page
    return context


def _flag_row(flag):
    """The flag with its outcome in words, and the post it is about with its author."""
    flag.outcome, flag.outcome_class = FLAG_OUTCOMES[flag.status]
    if flag.question_id:
        flag.post_kind, flag.post_author = "Question", flag.question.asker
        flag.post_question = flag.question
    elif flag.answer_id:
        flag.post_kind, flag.post_author = "Answer", flag.answer.author
        flag.post_question = flag.answer.question
    else:
        flag.post_kind, flag.post_author = "Follow-up", flag.follow_up.author
        flag.post_question = flag.follow_up.answer.question
    flag.post_url = flag.target.get_absolute_url()
    return flag


def _flag_outcomes(person):
    """[(label, badge class, count)] of the flags the member raised, by outcome: one query."""
    counts = dict(
        Flag.objects.filter(flagger=person)
        .order_by()
        .values_list("status")
        .annotate(count=Count("id"))
    )
    return [(label, css, counts.get(status, 0)) for status, (label, css) in FLAG_OUTCOMES.items()]


def _posts_of(person):
    """(kind, id, created_at) of everything the member wrote, newest first: one query."""

    def rows(queryset, kind):
        return (
            queryset.order_by().annotate(kind=Value(kind)).values_list("kind", "pk", "created_at")
        )

    return (
        rows(Question.objects.filter(asker=person), "question")
        .union(
            rows(Answer.objects.filter(author=person), "answer"),
            rows(FollowUp.objects.filter(author=person), "follow-up"),
            all=True,
        )
        .order_by("-created_at", "-pk")
    )


def _load_posts(rows):
    """The posts of one page of _posts_of(), in its order: one query per kind."""
    rows = list(rows)
    wanted = {kind: [pk for k, pk, _ in rows if k == kind] for kind in POST_KINDS}
    loaded = {}
    if wanted["question"]:
        for question in Question.objects.filter(pk__in=wanted["question"]).select_related(
            "category"
        ):
            loaded["question", question.pk] = question
    if wanted["answer"]:
        for answer in Answer.objects.filter(pk__in=wanted["answer"]).select_related("question"):
            loaded["answer", answer.pk] = answer
    if wanted["follow-up"]:
        follow_ups = FollowUp.objects.filter(pk__in=wanted["follow-up"])
        for follow_up in follow_ups.select_related("answer__question"):
            loaded["follow-up", follow_up.pk] = follow_up
    posts = []
    for kind, pk, _ in rows:
        post = loaded.get((kind, pk))
        if post is None:  # Gone between the two queries.
            continue
        post.kind, post.kind_label = kind, POST_KINDS[kind]
        post.question_of = {
            "question": lambda p: p,
            "answer": lambda p: p.question,
            "follow-up": lambda p: p.answer.question,
        }[kind](post)
        posts.append(post)
    return posts
