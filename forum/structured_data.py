"""What search engines and link previews read about a page: the canonical address, the
Open Graph and Twitter card tags, and schema.org JSON-LD (QAPage, BreadcrumbList).

Everything here describes a page as a visitor without an account sees it. A page a
visitor cannot see (a private, hidden or withdrawn thread) gets no description at
all, only "noindex", whoever is looking at it: the asker, the expert or a moderator.

Each page builder returns a plain dict, `page_meta`, that templates/base.html renders
in its canonical, meta_tags and structured_data blocks (templates/includes/page_meta.html
and structured_data.html); the shared builders are in experts.structured_data:

    canonical  absolute URL of the page, or None
    noindex    True: <meta name="robots" content="noindex">, and nothing else
    og         {"type", "title", "description", "url"} for Open Graph and the Twitter card
    graph      the JSON-LD document (rendered by the `ld_json` filter), or None

Absolute URLs start with settings.SITE_URL, never with the request's host: the page
cache serves one copy of a page to every visitor, and a Host header is the visitor's.
"""

from django.urls import reverse

from config import pagecache
from experts.structured_data import (
    DESCRIPTION_LENGTH,
    absolute,
    breadcrumb_list,
    iso,
    noindex,
    page_meta,
    paged,
    person,
)

from .guidance import effective_guidance
from .models import QuestionStatus, Visibility
from .text import excerpt, html_to_text


def category_trail(category, ancestors):
    """Home, the category's ancestors, the category: (name, path) pairs, as _trail.html has it."""
    return [
        ("Home", reverse("home")),
        *((ancestor.name, ancestor.get_absolute_url()) for ancestor in ancestors),
        (category.name, category.get_absolute_url()),
    ]


# -- Threads ---------------------------------------------------------------------------------


def is_public_thread(question):
    """What Question.objects.public() admits: a visitor can read the thread."""
    return (
        question.visibility == Visibility.PUBLIC
        and not question.is_hidden
        and question.status != QuestionStatus.WITHDRAWN
    )


def public_answers(shown):
    """The answers a visitor sees on a public thread, from the answers one reader sees.

    Every reader sees at least what a visitor sees (Answer.shown_to adds hidden answers
    for moderators and for each hidden answer's own author, nothing else), so a visitor's
    share is the answers that are not hidden: what Answer.objects.public() holds for
    this question, without a second query.
    """
    return [answer for answer in shown if not answer.is_hidden]


def thread_meta(question, ancestors, shown_answers):
    """page_meta for a thread. `shown_answers`: the answers the current reader sees.

    A public thread's description is the same for every reader, so it is computed
    once per version of the thread and shared (pagecache.remember); the answers are
    loaded only if it must be computed again.
    """
    if not is_public_thread(question):
        return noindex()
    return pagecache.remember(
        f"structured-data:thread:{question.pk}",
        lambda: public_thread_meta(question, ancestors, public_answers(shown_answers)),
        keys=(pagecache.SITE, pagecache.thread_key(question.pk)),
    )


def public_thread_meta(question, ancestors, answers):
    url = absolute(question.get_absolute_url())
    trail = [
        *category_trail(question.category, ancestors),
        (question.title, question.get_absolute_url()),
    ]
    breadcrumbs = breadcrumb_list(trail, url)
    return page_meta(
        url=url,
        title=question.title,
        description=excerpt(question.body_html, DESCRIPTION_LENGTH, one_line=True),
        kind="article",
        graph=[
            qa_page(
                question,
                answers,
                url,
                breadcrumbs["@id"],
                guidance=effective_guidance(question.category, ancestors),
            ),
            breadcrumbs,
        ],
    )


def qa_page(question, answers, url, breadcrumb_id, *, guidance=""):
    """A QAPage whose Question carries the answers a visitor sees.

    Every answer is a suggestedAnswer, never an acceptedAnswer: the asker never picks
    one answer as the accepted one here. A rating scores an answer on three counts,
    an asker may rate every answer, and "resolved" is said of the question, not of an
    answer, so calling any one of them "accepted" would be the site's guess, not the
    asker's word. There are no votes, so no upvoteCount.
    """
    entity = {
        "@type": "Question",
        "name": question.title,
        "text": html_to_text(question.body_html),
        "answerCount": len(answers),
        "dateCreated": iso(question.created_at),
        "datePublished": iso(question.created_at),
        "url": url,
        # Askers have no public page: a name, without a url.
        "author": {"@type": "Person", "name": question.asker.display_name},
    }
    if question.edited_at:
        entity["dateModified"] = iso(question.edited_at)
    if guidance:
        # The category's guidance and disclaimer (forum.guidance), never part of "text":
        # schema.org usageInfo, "further information about a CreativeWork … licensing or
        # other usage information", as a CreativeWork of its own with the plain text.
        entity["usageInfo"] = {
            "@type": "CreativeWork",
            "name": f"Guidance for {question.category.name}",
            "text": guidance,
        }
    if answers:
        entity["suggestedAnswer"] = [answer_entity(answer, url) for answer in answers]
    return {
        "@type": "QAPage",
        "@id": url,
        "url": url,
        "name": question.title,
        "breadcrumb": {"@id": breadcrumb_id},
        "mainEntity": entity,
    }


def answer_entity(answer, thread_url):
    entity = {
        "@type": "Answer",
        "text": html_to_text(answer.body_html),
        "dateCreated": iso(answer.created_at),
        "datePublished": iso(answer.created_at),
        "url": f"{thread_url}#answer-{answer.pk}",
        "author": person(answer.author),
    }
    if answer.edited_at:
        entity["dateModified"] = iso(answer.edited_at)
    return entity


# -- Category pages --------------------------------------------------------------------------


def category_meta(category, ancestors, page_number=1):
    """page_meta for a category: its archive page by page (each page its own canonical)."""
    url = absolute(paged(category.get_absolute_url(), page_number))
    trail = category_trail(category, ancestors)
    return page_meta(
        url=url,
        title=category.name,
        description=category.description or f"Questions and answers about {category.name}",
        kind="website",
        graph=[breadcrumb_list(trail, url)],
    )
