"""The audit log: every moderator action, newest first, with filters and a CSV export.

Entries are shown with links to what they are about and with their before and
after values in words; describe() does that for any list of entries (the
member page uses it too) in one query per kind of object on the page.
"""

import csv
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone

from accounts.decorators import moderator_required
from accounts.models import AuditAction, AuditEntry
from experts.models import Credential, ExpertProfile

from ..forms_members import AuditFilterForm
from ..models import Answer, Category, FollowUp, Question

PAGE_SIZE = 40
# A CSV of the whole log of a busy site stays a file a spreadsheet opens.
MAX_CSV_ROWS = 100_000
CSV_COLUMNS = ["time", "moderator", "action", "target", "member", "reason", "before", "after"]

ACTION_LABELS = dict(AuditAction.choices)


# -- Links to what an entry is about ------------------------------------------------------------


def _questions(ids):
    for question in Question.objects.filter(pk__in=ids).only("id", "slug"):
        yield question.pk, question.get_absolute_url()


def _answers(ids):
    answers = Answer.objects.filter(pk__in=ids).select_related("question")
    for answer in answers.only("id", "question__id", "question__slug"):
        yield answer.pk, answer.get_absolute_url()


def _follow_ups(ids):
    follow_ups = FollowUp.objects.filter(pk__in=ids).select_related("answer__question")
    for follow_up in follow_ups.only(
        "id", "answer__id", "answer__question__id", "answer__question__slug"
    ):
        yield follow_up.pk, follow_up.get_absolute_url()


def _users(ids):
    for pk, handle in get_user_model().objects.filter(pk__in=ids).values_list("pk", "handle"):
        yield pk, reverse("moderation:member", args=[handle])


def _expert_profiles(ids):
    for pk in ExpertProfile.objects.filter(pk__in=ids).values_list("pk", flat=True):
        yield pk, reverse("moderation:expert", args=[pk])


def _credentials(ids):
    for pk, profile_id in Credential.objects.filter(pk__in=ids).values_list("pk", "profile_id"):
        yield pk, reverse("moderation:expert", args=[profile_id]) + f"#credential-{pk}"


def _categories(ids):
    for category in Category.objects.filter(pk__in=ids).only("id", "path"):
        yield category.pk, category.get_absolute_url()


# "app.model" of an entry's target -> the URLs of those that still exist, by id.
TARGET_LINKS = {
    Question._meta.label_lower: _questions,
    Answer._meta.label_lower: _answers,
    FollowUp._meta.label_lower: _follow_ups,
    get_user_model()._meta.label_lower: _users,
    ExpertProfile._meta.label_lower: _expert_profiles,
    Credential._meta.label_lower: _credentials,
    Category._meta.label_lower: _categories,
}


def describe(entries):
    """The entries (actor and subject loaded) as a list, each given its links and values.

    target_url: the content, account, profile or category acted on, or None
    when it no longer exists; actor_url and subject_url: the moderators' page
    of each person; before_items and after_items: (label, value) in words.
    One query per kind of target present, whatever the number of entries.
    """
    entries = list(entries)
    wanted = defaultdict(set)
    for entry in entries:
        if entry.target_type in TARGET_LINKS:
            wanted[entry.target_type].add(entry.target_id)
    links = {}
    for target_type, ids in wanted.items():
        for pk, url in TARGET_LINKS[target_type](ids):
            links[target_type, pk] = url
    for entry in entries:
        entry.target_url = links.get((entry.target_type, entry.target_id))
        entry.actor_url = _member_url(entry.actor)
        entry.subject_url = _member_url(entry.subject)
        entry.before_items = readable(entry.before)
        entry.after_items = readable(entry.after)
    return entries


def _member_url(user):
    return reverse("moderation:member", args=[user.handle]) if user is not None else None


# -- Values in words ----------------------------------------------------------------------------

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def readable_value(value) -> str:
    """A stored value as a moderator reads it: dates as dates, yes/no, lists joined."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(readable_value(each) for each in value)
    if isinstance(value, dict):
        return "; ".join(f"{label}: {text}" for label, text in readable(value))
    if isinstance(value, str):
        try:
            if ISO_DATETIME.match(value):
                moment = datetime.fromisoformat(value)
                if timezone.is_aware(moment):
                    moment = timezone.localtime(moment)
                return formats.date_format(moment, "j F Y, H:i")
            if ISO_DATE.match(value):
                return formats.date_format(date.fromisoformat(value), "j F Y")
        except ValueError:
            pass
        return value
    return str(value)


def readable(values) -> list[tuple[str, str]]:
    """[(label, value)] of an entry's before or after: "suspended_until" reads "Suspended until"."""
    if not isinstance(values, dict):
        return []
    return [
        (str(key).replace("_", " ").capitalize(), readable_value(value))
        for key, value in values.items()
    ]


def _as_text(items):
    return "; ".join(f"{label}: {value}" for label, value in items)


# -- The page and its filters -------------------------------------------------------------------


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered(form):
    """The entries the form's valid filters select; a filter with an error is left out."""
    entries = AuditEntry.objects.all()
    form.is_valid()
    values = getattr(form, "cleaned_data", {})
    if values.get("action"):
        entries = entries.filter(action=values["action"])
    if values.get("actor"):
        entries = entries.filter(actor__handle=values["actor"])
    if values.get("subject"):
        entries = entries.filter(subject__handle=values["subject"])
    if values.get("since"):
        entries = entries.filter(created_at__gte=_start_of(values["since"]))
    if values.get("until"):
        entries = entries.filter(created_at__lt=_start_of(values["until"] + timedelta(days=1)))
    return entries


@moderator_required
def log(request):
    """The audit log, newest first, filtered by action, moderator, member and dates."""
    form = AuditFilterForm(request.GET)
    entries = filtered(form)
    if request.GET.get("format") == "csv" and form.is_valid():
        return csv_export(entries)
    page = Paginator(entries.select_related("actor", "subject"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = describe(page.object_list)
    filtering = any(request.GET.get(name) for name in form.fields)
    return render(
        request,
        "moderation/log.html",
        {"page_obj": page, "form": form, "filtering": filtering},
    )


# -- The CSV export -----------------------------------------------------------------------------


class _Echo:
    """csv.writer writes each row here and gets it back, to stream it."""

    def write(self, value):
        return value


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a quote first."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def csv_export(entries):
    """The filtered log as CSV, streamed: one query, read in chunks, at most MAX_CSV_ROWS."""
    rows = entries.values_list(
        "created_at",
        "actor_name",
        "actor__handle",
        "action",
        "target_label",
        "subject_name",
        "subject__handle",
        "reason",
        "before",
        "after",
    )[:MAX_CSV_ROWS]
    writer = csv.writer(_Echo())

    def lines():
        # A byte-order mark: spreadsheets then read the names' accents right.
        yield "\ufeff" + writer.writerow(CSV_COLUMNS)
        for row in rows.iterator(chunk_size=2000):
            created, actor, actor_handle, action, target, subject, subject_handle = row[:7]
            reason, before, after = row[7:]
            yield writer.writerow(
                safe_cell(cell)
                for cell in (
                    timezone.localtime(created).strftime("%Y-%m-%d %H:%M"),
                    _person(actor or "The system", actor_handle),
                    ACTION_LABELS.get(action, action),
                    target,
                    _person(subject, subject_handle),
                    reason,
                    _as_text(readable(before)),
                    _as_text(readable(after)),
                )
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"audit-log-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _person(name, handle):
    return f"{name} (@{handle})" if handle else name
