"""Removing passages from every copy of a thread's text, for publication with consent.

forum.actions.publication.publish() calls apply_passages() inside its
transaction, with the question row locked: the posts and every free-text field
of the thread's rows, the notifications about the thread (sent or not: an
e-mail not yet sent is built from the row when it goes), the audit rows and
the admin's log about the thread's objects. Revisions of the question and
answers are deleted rather than redacted: an earlier version may hold a
variant of a passage the asker never saw, so it cannot be trusted to be clean.
"""

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db import models
from django.db.models import Q

from accounts.models import AuditEntry, Notification
from experts.models import Rating

from .. import publication as rules
from ..models import (
    Answer,
    AnswerRevision,
    Decline,
    Flag,
    FollowUp,
    PublicationRequest,
    Question,
    QuestionRevision,
)


def thread_rows(question) -> list:
    """Every row of the thread that holds its text: the question, its answers, follow-ups,
    ratings, declines, flags and publication requests (a handful of queries)."""
    answers = list(Answer.objects.filter(question=question))
    rows = [question, *answers]
    rows += FollowUp.objects.filter(answer__question=question)
    rows += Rating.objects.filter(answer__question=question)
    rows += Decline.objects.filter(question=question)
    rows += Flag.objects.filter(
        Q(question=question)
        | Q(answer__question=question)
        | Q(follow_up__answer__question=question)
    )
    rows += PublicationRequest.objects.filter(question=question)
    return rows


def text_fields(model) -> list[str]:
    """The free-text fields of a model: char and text fields without choices.

    Slugs are made again from the title, and rendered HTML from the text, so
    neither is listed; nor are the request's own passages.
    """
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField)
        and not field.choices
        and field.attname not in ("body_html", "redactions")
    ]


def thread_texts(question) -> list[str]:
    """Every free text of the thread, one string a field: where a passage must be found."""
    return [getattr(row, name) for row in thread_rows(question) for name in text_fields(type(row))]


def apply_passages(question, passages) -> dict:
    """Remove `passages` from every copy of the thread's text; the question is saved by the caller.

    Returns how many revisions were deleted, for the audit row.
    """
    rows = thread_rows(question)
    revisions = QuestionRevision.objects.filter(question=question).delete()[0]
    revisions += AnswerRevision.objects.filter(answer__question=question).delete()[0]
    if not passages:
        return {"revisions_deleted": revisions}
    for row in rows:
        changed = []
        for name in text_fields(type(row)):
            before = getattr(row, name)
            after = _fit(type(row), name, rules.redact(before, passages))
            if after != before:
                setattr(row, name, after)
                changed.append(name)
        if not changed:
            continue
        if isinstance(row, Question | Answer | FollowUp):
            # Post.save renders the text again; an edit form opened before now is stale.
            changed.append("body_html")
            if hasattr(row, "version") and ("body" in changed or "title" in changed):
                row.version += 1
                changed.append("version")
            if isinstance(row, Question):
                row.slug = ""  # made again from the redacted title
                changed.append("slug")
            row.save(update_fields=changed)
        else:
            type(row).objects.filter(pk=row.pk).update(**{n: getattr(row, n) for n in changed})
    _scrub_notifications(question, passages)
    _scrub_audit(question, rows, passages)
    return {"revisions_deleted": revisions}


def _fit(model, name, value):
    """A redacted text cut to its column's length: "[removed]" may be longer than the passage."""
    limit = getattr(model._meta.get_field(name), "max_length", None)
    return value[:limit] if limit and isinstance(value, str) else value


def _redact_rows(queryset, fields, passages):
    """Save the rows of `queryset` whose `fields` held a passage, without it (text, or
    JSON walked value by value), each cut to its column's length."""
    model = queryset.model
    changed = []
    for row in queryset.only("pk", *fields):
        dirty = False
        for name in fields:
            value = getattr(row, name)
            after = rules.redact_json(value, passages)  # a string, or JSON
            if after != value:
                setattr(row, name, _fit(model, name, after))
                dirty = True
        if dirty:
            changed.append(row)
    model.objects.bulk_update(changed, fields, batch_size=500)


def _scrub_notifications(question, passages):
    """The thread's notifications, read or not, e-mailed or not, without the passages."""
    _redact_rows(
        Notification.objects.filter(thread_id=question.pk),
        ["title", "body", "redacted_note"],
        passages,
    )


def _scrub_audit(question, rows, passages):
    """The audit rows about the thread's objects, without the passages.

    The log is otherwise never edited; here what it quoted goes, and the
    publication's own row says how many passages were removed.
    """
    targets = Q()
    by_type = {}
    for row in rows:
        by_type.setdefault(row._meta.label_lower, []).append(row.pk)
    for label, ids in by_type.items():
        targets |= Q(target_type=label, target_id__in=ids)
    _redact_rows(
        AuditEntry.objects.filter(targets), ["target_label", "reason", "before", "after"], passages
    )
    _scrub_admin_log(by_type, passages)


def _scrub_admin_log(by_type, passages):
    """The admin's own history of the thread's objects (what staff changed there)."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    targets = Q()
    for label, ids in by_type.items():
        content_type = ContentType.objects.get_by_natural_key(*label.split("."))
        targets |= Q(content_type=content_type, object_id__in=[str(pk) for pk in ids])
    _redact_rows(LogEntry.objects.filter(targets), ["object_repr", "change_message"], passages)


def rewrite_links(question, old_path):
    """Links to the thread stored under its old slug (which may hold a passage) follow the new."""
    new_path = question.get_absolute_url()
    if new_path == old_path:
        return
    changed = []
    for notification in Notification.objects.filter(thread_id=question.pk).only("pk", "url"):
        if notification.url.startswith(old_path):
            notification.url = new_path + notification.url[len(old_path) :]
            changed.append(notification)
    Notification.objects.bulk_update(changed, ["url"], batch_size=500)


def forget_fragments(question, generation):
    """Drop the thread's cached fragments of its versions before this write (`generation`:
    config.pagecache.token of its keys).

    The versions move on (thread_changed), so they would never be served
    again; deleting them means the old text does not even wait in the cache.
    """
    keys = [
        make_template_fragment_key("thread_answers", [question.pk, generation, flag])
        for flag in (True, False)
    ]
    for pk in Answer.objects.filter(question=question).values_list("pk", flat=True):
        keys += [
            make_template_fragment_key("answer_card", [pk, generation, flag])
            for flag in (True, False)
        ]
    cache.delete_many(keys)
