"""Whole thread pages of signed-in readers, stored and served with each reader's header.

A signed-in reader's thread page is rendered once and kept as a Shell
(config.slots): the header (their name, unread count, sign-out form), the
messages, the CSRF token and the submission keys are slots, filled anew in
every response. A page is kept for the version of the thread it shows
(config.pagecache.thread_keys: the thread, the experts' figures and the rest
of the site) and is never served once a write moved one of them on.

- Bystanders (not the asker, the expert asked, an answerer nor a moderator,
  and not able to answer it) all see the same page: one is kept per variant()
  of their account, and serving it needs neither the thread nor a template but
  the header. The people it is not for (asker, expert, answerers, authors of
  hidden answers too) are kept with it and get their own.
- The asker, the expert and the answerers each get a page of their own, kept
  until the thread changes, or until the first moment a step opens to them
  with time alone (the asker may tell an answer's outcome a week after it).

Moderators are never served a kept page (their tools read open flags and
canned reasons), and only threads anyone may read are kept (public, not
hidden, not withdrawn): a private thread's text never goes to a shared cache
(forum.publication), and a kept page never shows what its reader may not see.
What a page shows of its reader's account beyond their identity is variant();
everything else of them that a thread page reads is a thread's or the site's
write, which moves the versions.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts.roles import can_post, is_moderator, is_suspended
from config import pagecache
from config.slots import Shell

from . import lifecycle, permissions
from .models import QuestionStatus, Visibility


def variant(user) -> str | None:
    """What a thread page shows of the reader's account, as a key; None: no kept page."""
    if settings.PAGE_CACHE_SECONDS <= 0 or not user.is_authenticated or is_moderator(user):
        return None
    if permissions.is_expert(user):
        expert = "-expert"
    else:  # an applicant is not invited to become an expert (experts/_become_expert.html)
        expert = "-applicant" if getattr(user, "expert_profile", None) else ""
    return "".join(
        ("flag" if can_post(user) else "read", "-suspended" if is_suspended(user) else "", expert)
    )


def _key(pk, reader, kind) -> str:
    return f"thread-page:{Shell.FORMAT}:{pk}:{reader}:{kind}"


def find(user, pk):
    """The kept page for this reader of thread `pk`, if there is a current one, else None."""
    kind = variant(user)
    if kind is None:
        return None
    names = pagecache.thread_keys(pk)
    own, shared = _key(pk, user.pk, kind), _key(pk, "all", kind)
    found = cache.get_many([own, shared, *(pagecache.version_key(name) for name in names)])
    current = pagecache.versions(names, found)
    page = found.get(own)
    if page is not None and page["versions"] == current and timezone.now() < page["until"]:
        return page
    page = found.get(shared)
    if page is None or page["versions"] != current or user.pk in page["people"]:
        return None
    if page["answerable"] and permissions.is_expert(user):
        return None  # an expert of its category may answer it: they see the answer form
    return page


def may_keep(user, question, versions) -> bool:
    """Whether the page rendered for this reader of this thread may be kept."""
    return (
        variant(user) is not None
        and versions is not None
        and question.visibility == Visibility.PUBLIC
        and not question.is_hidden
        and question.status != QuestionStatus.WITHDRAWN
    )


def keep(user, question, versions, content: bytes, *, shared, answers=()) -> Shell:
    """Keep the page just rendered: for every bystander like this one if `shared`, else for
    this reader alone, until the first step that opens to them with time (`answers`)."""
    shell = Shell(content)
    now = timezone.now()
    page = {"versions": versions, "slug": question.slug, "shell": shell}
    page["until"] = now + timedelta(seconds=settings.PAGE_CACHE_SECONDS)
    if shared:
        # Authors of hidden answers too: they see their answer and its notice.
        people = set(question.answers.values_list("author_id", flat=True))
        page["people"] = people | {question.asker_id, question.expert_id}
        page["answerable"] = (
            question.expert_id is None
            and permissions.is_open(question)
            and lifecycle.allows(question, "answer")
        )
        key = _key(question.pk, "all", variant(user))
    else:
        opens = [a.outcome_opens_at for a in answers if getattr(a, "outcome_opens_at", None)]
        page["until"] = min([page["until"], *opens])
        key = _key(question.pk, user.pk, variant(user))
    seconds = int((page["until"] - now).total_seconds())
    if seconds > 0:
        cache.set(key, page, seconds)
    return shell
