"""The audit log: links to what each entry is about, values in words, filters, CSV export.

Only moderators with their powers read it, on the page or as CSV.
"""

import csv
import io
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import actions as account_actions
from accounts.models import AuditEntry
from experts import actions as expert_actions
from forum import actions
from forum.views import auditlog
from forum.views.auditlog import readable, readable_value, safe_cell
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    CredentialFactory,
    ExpertProfileFactory,
    FollowUpFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LOG = "/moderation/log/"


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def moderator():
    return ModeratorFactory(display_name="Maya Moderator", handle="maya")


@pytest.fixture
def mod(moderator):
    return as_user(moderator)


def member_url(user):
    return reverse("moderation:member", args=[user.handle])


def csv_rows(response):
    assert response.status_code == HTTPStatus.OK
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# -- Links --------------------------------------------------------------------------------------


def test_each_entry_links_to_what_it_is_about_and_to_the_member(mod, moderator):
    staff = UserFactory(is_staff=True)
    pat = UserFactory(display_name="Pat Poster")
    question = QuestionFactory(asker=pat, title="Knee clicks when I squat")
    expert = ExpertProfileFactory(user__display_name="Erin Expert")
    answer = AnswerFactory(question=question, author=expert.user)
    follow_up = FollowUpFactory(answer=answer, author=pat, body="And stairs?")
    credential = CredentialFactory(profile=expert, title="Diploma in massage")
    category = CategoryFactory(name="Sports", slug="sports")
    actions.hide(item=question, moderator=moderator, reason="Duplicate")
    actions.hide(item=answer, moderator=moderator, reason="Unsafe")
    actions.hide(item=follow_up, moderator=moderator, reason="Rude")
    account_actions.suspend_user(user=pat, moderator=moderator, reason="Spam")
    expert_actions.verify_credential(credential=credential, moderator=moderator)
    expert_actions.suspend(profile=expert, moderator=moderator, reason="Rude to askers")
    actions.save_category(staff=staff, category=category, changed=["name"])

    html = mod.get(LOG).text

    assert f'<a class="audit-target" href="{question.get_absolute_url()}">' in html
    assert f'<a class="audit-target" href="{answer.get_absolute_url()}">' in html
    assert f'<a class="audit-target" href="{follow_up.get_absolute_url()}">' in html
    assert f'<a class="audit-target" href="{member_url(pat)}">Pat Poster</a>' in html
    expert_page = reverse("moderation:expert", args=[expert.pk])
    assert f'<a class="audit-target" href="{expert_page}">' in html
    assert f'href="{expert_page}#credential-{credential.pk}">Diploma in massage' in html
    assert f'<a class="audit-target" href="{category.get_absolute_url()}">' in html
    # The member whose content it was, beside content that is not their account.
    assert f'(member: <a href="{member_url(pat)}">Pat Poster</a>)' in html
    assert f'(member: <a href="{member_url(expert.user)}">Erin Expert</a>)' in html


def test_an_entry_about_something_gone_shows_its_name_without_a_link(mod, moderator):
    AuditEntry.objects.create(
        actor=moderator,
        actor_name="Maya Moderator",
        action="hide",
        target_type="forum.answer",
        target_id=987654,
        target_label="Answer by someone to “A thread long gone”",
    )
    AuditEntry.objects.create(
        action="edit_category",
        target_type="forum.somethingelse",
        target_id=1,
        target_label="A kind of object the log does not link",
    )

    html = mod.get(LOG).text

    assert '<span class="audit-target">Answer by someone to “A thread long gone”</span>' in html
    assert '<span class="audit-target">A kind of object the log does not link</span>' in html
    assert "The system" in html


# -- Values in words ----------------------------------------------------------------------------


def test_values_read_as_words_and_dates_not_iso_strings(mod, moderator):
    pat = UserFactory()
    until = datetime(2026, 12, 8, 14, 5, tzinfo=UTC)
    account_actions.suspend_user(user=pat, moderator=moderator, reason="Spam", until=until)
    answer = AnswerFactory()
    actions.hide(item=answer, moderator=moderator, reason="Unsafe")

    response = mod.get(LOG)

    assert "Suspended until: 8 December 2026, 14:05" in response.text
    assert "Hidden: no" in response.text and "Hidden: yes" in response.text
    assert until.isoformat() not in response.text
    assert "suspended_until" not in response.text


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (True, "yes"),
        (False, "no"),
        (None, "none"),
        ("2026-12-08T14:05:00+00:00", "8 December 2026, 14:05"),
        ("2026-12-08T14:05:00.123456+00:00", "8 December 2026, 14:05"),
        ("2026-12-08 14:05", "8 December 2026, 14:05"),
        ("2026-12-08", "8 December 2026"),
        ("2026-13-45", "2026-13-45"),  # Looks like a date, is not: left as written.
        ("2026-12-08T99:99", "2026-12-08T99:99"),
        ("indefinitely", "indefinitely"),
        (["a", True], "a, yes"),
        ({"to_date": "2026-01-02"}, "To date: 2 January 2026"),
        (3, "3"),
    ],
)
def test_readable_value(value, words):
    assert readable_value(value) == words


def test_readable_turns_keys_into_words_and_ignores_what_is_not_a_mapping():
    assert readable({"suspended_until": None, "status": "approved"}) == [
        ("Suspended until", "none"),
        ("Status", "approved"),
    ]
    assert readable(["not", "a", "mapping"]) == []
    assert readable("text") == []


# -- Filters ------------------------------------------------------------------------------------


@pytest.fixture
def history(moderator):
    """Four entries by two moderators about two members, on four days."""
    other = ModeratorFactory(handle="olga")
    pat, sam = UserFactory(handle="pat"), UserFactory(handle="sam")

    def dated(when):
        AuditEntry.objects.filter(pk=AuditEntry.objects.latest("id").pk).update(created_at=when)

    account_actions.warn_user(user=pat, moderator=moderator, message="Be civil.")
    dated(datetime(2026, 11, 2, 10, tzinfo=UTC))
    account_actions.suspend_user(user=pat, moderator=other, reason="Spam")
    dated(datetime(2026, 11, 5, 23, 59, tzinfo=UTC))
    account_actions.warn_user(user=sam, moderator=other, message="Stop.")
    dated(datetime(2026, 11, 6, tzinfo=UTC))
    account_actions.suspend_user(user=sam, moderator=other, reason="Did not stop")
    dated(datetime(2026, 11, 9, tzinfo=UTC))
    return SimpleNamespace(pat=pat, sam=sam, other=other)


def shown(client, **params):
    response = client.get(LOG, params)
    assert response.status_code == HTTPStatus.OK
    return [(e.action, e.subject.handle) for e in response.context["page_obj"]]


def test_the_log_filters_by_moderator_action_member_and_dates(mod, history):
    assert shown(mod, actor="maya") == [("warn_user", "pat")]
    assert shown(mod, actor="@OLGA") == [
        ("suspend_user", "sam"),
        ("warn_user", "sam"),
        ("suspend_user", "pat"),
    ]
    assert shown(mod, action="warn_user") == [("warn_user", "sam"), ("warn_user", "pat")]
    assert shown(mod, subject="pat") == [("suspend_user", "pat"), ("warn_user", "pat")]
    assert shown(mod, since="2026-11-05", until="2026-11-06") == [
        ("warn_user", "sam"),
        ("suspend_user", "pat"),
    ]
    assert shown(mod, until="2026-11-02") == [("warn_user", "pat")]
    assert shown(mod, actor="olga", action="warn_user", subject="sam", since="2026-11-06") == [
        ("warn_user", "sam")
    ]
    assert shown(mod, actor="nobody") == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "yesterday"}, "Enter a valid date."),
        ({"until": "2026-02-30"}, "Enter a valid date."),
        ({"since": "0001-01-01"}, "Enter a date between 1 January 1970 and 31 December 2999."),
        ({"until": "9999-12-31"}, "Enter a date between 1 January 1970 and 31 December 2999."),
        ({"since": "2026-11-09", "until": "2026-11-01"}, "The end date comes before the start"),
        ({"action": "delete_everything"}, "Select a valid choice."),
        ({"actor": "x" * 500}, "Ensure this value has at most 31 characters"),
    ],
)
def test_a_bad_filter_is_said_and_left_out_not_a_500(mod, history, params, message):
    response = mod.get(LOG, params)

    assert response.status_code == HTTPStatus.OK
    assert message in response.text
    assert "Some filters could not be used" in response.text
    # The bad filter is left out; the entries still show.
    assert len(response.context["page_obj"]) >= 1


def test_the_filters_keep_their_values_and_the_pages_keep_the_filters(mod, moderator):
    pat = UserFactory(handle="pat")
    for n in range(auditlog.PAGE_SIZE + 1):
        AuditEntry.objects.create(
            actor=moderator,
            action="warn_user",
            target_type="accounts.user",
            target_id=pat.pk,
            target_label=f"Warning {n}",
            subject=pat,
        )

    html = mod.get(LOG, {"action": "warn_user", "since": "2026-01-01", "subject": "pat"}).text

    assert 'value="2026-01-01"' in html and 'type="date"' in html
    assert 'value="pat"' in html
    assert '<option value="warn_user" selected>' in html
    assert "page=2" in html and "action=warn_user" in html


# -- CSV ----------------------------------------------------------------------------------------


def test_the_csv_holds_the_filtered_log(mod, moderator, history):
    response = mod.get(LOG, {"format": "csv", "subject": "pat"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = csv_rows(response)
    assert rows[0] == auditlog.CSV_COLUMNS
    assert rows[1][0] == "2026-11-05 23:59"
    assert rows[1][1] == f"{history.other.display_name} (@olga)"
    assert rows[1][2:6] == ["Suspended", history.pat.display_name, rows[1][4], "Spam"]
    assert rows[1][4] == f"{history.pat.display_name} (@pat)"
    assert rows[1][6:] == ["Suspended until: none", "Suspended until: indefinitely"]
    assert rows[2][2] == "Warned" and rows[2][5] == "Be civil."
    assert len(rows) == 3


def test_the_page_links_the_csv_of_what_it_shows(mod, history):
    html = mod.get(LOG, {"action": "warn_user", "page": "1"}).text

    assert 'href="?action=warn_user&amp;format=csv" download' in html
    assert "Download these entries as CSV" in html


def test_csv_cells_cannot_run_as_formulas(mod, moderator):
    pat = UserFactory(display_name='=HYPERLINK("http://evil.example")', handle="pat")
    account_actions.warn_user(user=pat, moderator=moderator, message="+1 for being rude")
    AuditEntry.objects.create(
        action="edit",
        target_type="forum.question",
        target_id=1,
        target_label="@SUM(A1:A9)",
        reason="-2+3",
        after={"title": "=cmd|' /C calc'!A0"},
    )
    AuditEntry.objects.create(
        action="edit", target_type="forum.question", target_id=2, target_label="\tTabbed"
    )

    rows = csv_rows(mod.get(LOG, {"format": "csv"}))

    cells = [cell for row in rows[1:] for cell in row]
    assert "'@SUM(A1:A9)" in cells and "'-2+3" in cells and "'\tTabbed" in cells
    assert "'+1 for being rude" in cells
    assert '\'=HYPERLINK("http://evil.example") (@pat)' in cells
    assert "Title: =cmd|' /C calc'!A0" in cells  # Not at the start of its cell: harmless.
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_safe_cell_quotes_what_a_spreadsheet_would_run(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell("Plain " + text) == "Plain " + text
    assert safe_cell(None) == ""


def test_the_csv_is_bounded(mod, moderator, monkeypatch):
    pat = UserFactory()
    for n in range(5):
        account_actions.warn_user(user=pat, moderator=moderator, message=f"Warning {n}")
    monkeypatch.setattr(auditlog, "MAX_CSV_ROWS", 3)

    rows = csv_rows(mod.get(LOG, {"format": "csv"}))

    assert len(rows) == 1 + 3
    assert rows[1][5] == "Warning 4"  # The newest first.


def test_a_bad_filter_gives_the_page_with_its_message_not_a_csv(mod, history):
    response = mod.get(LOG, {"format": "csv", "since": "not-a-date"})

    assert not response.streaming
    assert "Enter a valid date." in response.text


# -- Who reads it -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["visitor", "member", "expert", "suspended moderator", "moderator without two factors"]
)
@pytest.mark.parametrize("params", [{}, {"format": "csv"}], ids=["page", "csv"])
def test_only_moderators_read_the_log(who, params, moderator):
    pat = UserFactory()
    account_actions.warn_user(user=pat, moderator=moderator, message="Zorbulent warning")
    client = {
        "visitor": lambda: Client(),
        "member": lambda: as_user(pat),
        "expert": lambda: as_user(ExpertProfileFactory().user),
        "suspended moderator": lambda: as_user(
            ModeratorFactory(suspended_at=timezone.now(), suspended_until=None)
        ),
        "moderator without two factors": lambda: as_user(ModeratorFactory(mfa=False)),
    }[who]()

    response = client.get(LOG, params)

    assert response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FOUND)
    assert not response.streaming
    assert "Zorbulent" not in response.text
    if response.status_code == HTTPStatus.FOUND:
        assert response.url.startswith((reverse("account_login"), reverse("moderation:two_factor")))


# -- What it costs ------------------------------------------------------------------------------


def queries(client, params):
    cache.clear()
    if settings.SESSION_COOKIE_NAME in client.cookies:
        client.session.load()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LOG, params)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == HTTPStatus.OK
    return len(captured)


def grow(count, moderator):
    """`count` entries about each kind of object the log links to."""
    staff = UserFactory(is_staff=True)
    for _ in range(count):
        pat = UserFactory()
        question = QuestionFactory(asker=pat)
        expert = ExpertProfileFactory()
        answer = AnswerFactory(question=question, author=expert.user)
        follow_up = FollowUpFactory(answer=answer)
        actions.hide(item=question, moderator=moderator, reason="Duplicate")
        actions.hide(item=answer, moderator=moderator, reason="Unsafe")
        actions.hide(item=follow_up, moderator=moderator, reason="Rude")
        account_actions.warn_user(user=pat, moderator=moderator, message="Careful.")
        expert_actions.verify_credential(
            credential=CredentialFactory(profile=expert), moderator=moderator
        )
        expert_actions.suspend(profile=expert, moderator=moderator, reason="Rude")
        actions.save_category(staff=staff, category=CategoryFactory(), changed=[])


@pytest.mark.parametrize(
    "params",
    [{}, {"actor": "maya", "since": "2000-01-01"}, {"format": "csv"}],
    ids=["page", "filtered", "csv"],
)
def test_the_log_costs_the_same_at_few_and_many_entries(mod, moderator, params):
    grow(1, moderator)
    few = queries(mod, params)

    grow(8, moderator)  # 56 entries more: past the first page.

    assert AuditEntry.objects.count() > auditlog.PAGE_SIZE
    assert queries(mod, params) == few
    assert few <= 14  # Session and user, count, page, one per kind of target (7).


def test_the_log_on_a_later_page(mod, moderator):
    grow(7, moderator)

    response = mod.get(LOG, {"page": 2})

    assert response.status_code == HTTPStatus.OK
    assert len(response.context["page_obj"]) == 7 * 7 - auditlog.PAGE_SIZE
    assert timedelta(0) <= timezone.now() - response.context["page_obj"][0].created_at
