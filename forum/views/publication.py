"""Private to public, with consent: the parties' steps on the thread, the asker's page of
passages to remove, and the moderators' review queue.

As everywhere: the question must be visible to the user (else 404), the
named rule (forum.publication) must allow the step (else 403 with the
reason), then one action, which checks both again under the thread's lock.
Every page works without JavaScript: the preview is a button of the form.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe

from accounts.actions import Refused
from accounts.decorators import moderator_required, posting_required
from config.http import post_only

from .. import actions
from .. import publication as rules
from ..actions.publication import review_queue
from ..actions.redaction import thread_texts
from ..markdown import render_markdown
from ..models import (
    ACTIVE_PUBLICATION,
    Decline,
    PublicationRequest,
    PublicationStatus,
)
from .actions import on_question
from .threads import visible_question

PAGE_SIZE = 20
# Private-use characters around each removed passage in a preview, until the HTML is built.
START, STOP = "\ue010", "\ue011"
PREVIEW_MARK = f"{START}{rules.REMOVED}{STOP}"
MARK_HTML = '<mark class="removed-passage">' + rules.REMOVED + "</mark>"


def _active(question):
    request = rules.active_request(question)
    if request is None:
        raise Refused("There is no request to make this thread public now.")
    request.question = question
    return request


@post_only(on_question("#publication"))
@posting_required
def step(request, pk):
    """The parties' buttons on the thread: ask, agree, withdraw."""
    question = visible_question(request, pk)
    what = request.POST.get("step")
    if what == "request":
        actions.request_publication(question=question, user=request.user)
        messages.success(
            request,
            "You asked to make this thread public. It stays private unless the other side agrees.",
        )
    elif what == "agree":
        actions.agree_publication(request=_active(question), user=request.user)
        messages.success(
            request,
            "You agreed. The asker may now remove passages and send the thread for review.",
        )
    elif what == "withdraw":
        pending = rules.active_request(question)
        if pending is None:
            return redirect(question)  # Ended already (a double click): nothing to do.
        actions.withdraw_publication(request=pending, user=request.user)
        messages.success(request, "Withdrawn. The thread stays private.")
    else:
        raise Http404
    return redirect(question.get_absolute_url() + "#publication")


# -- What the published thread would look like ---------------------------------------------


def _plain(text, passages):
    """Plain text with the passages marked, escaped, as HTML."""
    marked = escape(rules.redact(text, passages, marker=PREVIEW_MARK))
    return mark_safe(marked.replace(PREVIEW_MARK, MARK_HTML))  # noqa: S308 - escaped above


def _markdown(text, passages):
    html = render_markdown(rules.redact(text, passages, marker=PREVIEW_MARK))
    # The markers survive rendering as plain characters; anything else left is dropped.
    html = html.replace(PREVIEW_MARK, MARK_HTML).replace(START, "").replace(STOP, "")
    return mark_safe(html)  # noqa: S308 - sanitized by render_markdown


def preview(question, passages):
    """The thread as visitors will read it once published: passages replaced and marked."""
    answers = list(
        question.answers.filter(is_hidden=False)
        .select_related("author", "rating")
        .prefetch_related("follow_ups", "follow_ups__author")
        .order_by("created_at", "pk")
    )
    shown = []
    for answer in answers:
        rating = getattr(answer, "rating", None)
        shown.append(
            {
                "pk": answer.pk,
                "author": answer.author.display_name,
                "body": _markdown(answer.body, passages),
                "disclosure": _plain(answer.disclosure, passages),
                "referral_note": _plain(answer.referral_note, passages),
                "follow_ups": [
                    {
                        "author": follow_up.author.display_name,
                        "body": _markdown(follow_up.body, passages),
                    }
                    for follow_up in answer.follow_ups.all()
                    if not follow_up.is_hidden
                ],
                "thank_you": _plain(rating.thank_you_note, passages) if rating else "",
                "reply": _plain(rating.reply, passages) if rating else "",
            }
        )
    declines = [
        _plain(note, passages)
        for note in Decline.objects.filter(question=question).values_list("note", flat=True)
        if note
    ]
    return {
        "title": _plain(question.title, passages),
        "body": _markdown(question.body, passages),
        "answers": shown,
        "declines": declines,
    }


def _count_removed(question, passages):
    """How many places the passages were found in, for the page's summary."""
    texts = thread_texts(question)
    return sum(1 for text in texts if text and rules.redact(text, passages) != text)


@posting_required
def redact(request, pk):
    """The asker's page: passages to remove, a preview, Save, and Send for review."""
    question = visible_question(request, pk)
    pending = _active(question)
    if not rules.can_redact(request.user, pending):
        raise Refused(
            "Only the asker removes passages, once both sides agreed and before the review."
        )
    text = pending.redactions
    errors = []
    if request.method == "POST":
        text = request.POST.get("passages", "")[:100_000]
        what = request.POST.get("step")
        try:
            if what == "save":
                actions.set_redactions(request=pending, user=request.user, text=text)
                messages.success(request, "Saved. Nothing is published until a moderator agrees.")
                return redirect("forum:publish", pk=question.pk)
            if what == "submit":
                actions.submit_for_review(request=pending, user=request.user, text=text)
                messages.success(
                    request,
                    "Sent for review. A moderator checks it; you can still withdraw until then.",
                )
                return redirect(question.get_absolute_url() + "#publication")
            if what != "preview":
                raise Http404
            errors = rules.check_passages(text, thread_texts(question)).errors
        except actions.InvalidPassages as invalid:
            errors = invalid.errors
    passages = rules.parse_passages(text) if not errors else []
    return render(
        request,
        "forum/publish.html",
        {
            "question": question,
            "publication": pending,
            "passages_text": text,
            "errors": errors,
            "passages": passages,
            "preview": preview(question, passages),
            "found_in": _count_removed(question, passages) if passages else 0,
            "limits": {
                "min": rules.MIN_PASSAGE,
                "max": rules.MAX_PASSAGE,
                "count": rules.MAX_PASSAGES,
            },
        },
        status=400 if errors else 200,
    )


# -- The moderators' side ------------------------------------------------------------------


@moderator_required
def queue(request):
    """Threads sent for review, oldest first."""
    page = Paginator(review_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "moderation/publications.html", {"page_obj": page})


def _review_request(pk):
    return get_object_or_404(
        PublicationRequest.objects.select_related(
            "question__category", "question__asker", "question__expert", "expert", "requested_by"
        ),
        pk=pk,
        status__in=ACTIVE_PUBLICATION,
    )


@moderator_required
def review(request, pk):
    """The thread as it would be published, with Publish and Send back."""
    pending = _review_request(pk)
    question = pending.question
    note_error = ""
    if request.method == "POST":
        what = request.POST.get("step")
        try:
            if what == "publish":
                published = actions.publish(request=pending, moderator=request.user)
                messages.success(request, "Published. The thread is public now.")
                return redirect(published.question)
            if what == "return":
                actions.return_publication(
                    request=pending, moderator=request.user, note=request.POST.get("note", "")
                )
                messages.success(request, "Sent back to the asker with your note.")
                return redirect("moderation:publications")
            raise Http404
        except Refused as refused:
            if pending.status != PublicationStatus.IN_REVIEW or what != "return":
                raise
            note_error = str(refused)
    if not rules.can_review(request.user, pending):
        raise Refused("This thread is not waiting for your review.")
    passages = rules.parse_passages(pending.redactions)
    return render(
        request,
        "moderation/publication_review.html",
        {
            "question": question,
            "publication": pending,
            "passages": passages,
            "preview": preview(question, passages),
            "found_in": _count_removed(question, passages) if passages else 0,
            "note_error": note_error,
            "note": request.POST.get("note", "") if request.method == "POST" else "",
        },
        status=400 if note_error else 200,
    )
