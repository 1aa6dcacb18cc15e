"""The moderators' member tools: a member's page (posts, flags raised, private notes,
warnings and suspensions) and the member search.

Only moderators with their powers reach them; a moderator neither warns, suspends
nor keeps notes about themselves; and what moderators write about a member, or
who flagged them, never reaches the member.
"""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import actions as account_actions
from accounts.actions import Refused
from accounts.models import AuditEntry, CannedReason, ModeratorNote, Notification
from forum import actions
from forum.models import Flag, FlagStatus, Question
from tests import bulk
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    FollowUpFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def page_of(person, **params):
    url = reverse("moderation:member", args=[person.handle])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.fixture
def pat():
    return UserFactory(display_name="Pat Poster", handle="pat", email="pat.poster@example.com")


@pytest.fixture
def moderator():
    return ModeratorFactory(display_name="Maya Moderator", handle="maya")


@pytest.fixture
def mod(moderator):
    return as_user(moderator)


# -- The member page ----------------------------------------------------------------------------


def test_the_member_page_lists_their_posts_newest_first_with_threads_and_hidden_state(
    mod, moderator, pat
):
    now = timezone.now()
    question = QuestionFactory(
        asker=pat, title="Why does my knee click?", created_at=now - timedelta(days=3)
    )
    expert = ExpertProfileFactory(user=UserFactory(display_name="Erin Expert")).user
    other = QuestionFactory(title="Shin splints after a marathon", expert=expert)
    answer = AnswerFactory(question=question, author=expert)
    follow_up = FollowUpFactory(answer=answer, author=pat, body="Should I ice it?")
    theirs = AnswerFactory(
        question=other,
        author=ExpertProfileFactory(user=pat).user,
        body="Buy my oil",
        created_at=now - timedelta(days=1),
    )
    actions.hide(item=theirs, moderator=moderator, reason="Advertising")

    response = mod.get(page_of(pat))

    assert response.status_code == HTTPStatus.OK
    posts = list(response.context["page_obj"])
    assert [(p.kind, p.pk) for p in posts] == [
        ("follow-up", follow_up.pk),
        ("answer", theirs.pk),
        ("question", question.pk),
    ]
    html = response.text
    assert f'href="{question.get_absolute_url()}"' in html
    assert f'href="{follow_up.get_absolute_url()}"' in html
    assert "Answer to “Shin splints after a marathon”" in html
    assert "Hidden</span> Advertising" in html
    assert 'Posts <span class="badge">3</span>' in html


def test_the_flags_a_member_raised_show_how_each_ended(mod, moderator, pat):
    expert = ExpertProfileFactory(user=UserFactory(display_name="Erin Expert")).user
    helpful = AnswerFactory(author=expert, body="Spam spam")
    declined = AnswerFactory(author=expert, body="Fine advice")
    still_open = QuestionFactory(title="A question still flagged")
    actions.flag(item=helpful, flagger=pat, reason="spam")
    actions.flag(item=declined, flagger=pat, reason="dangerous", note="Ice is better")
    actions.flag(item=still_open, flagger=pat, reason="off_topic")
    actions.hide(item=helpful, moderator=moderator, reason="Spam")
    actions.dismiss_flags(item=declined, moderator=moderator)

    response = mod.get(page_of(pat, tab="flags"))

    flags = {flag.answer_id or flag.question_id: flag for flag in response.context["page_obj"]}
    assert flags[helpful.pk].outcome == "Helpful"
    assert flags[declined.pk].outcome == "Declined"
    assert flags[still_open.pk].outcome == "Open"
    html = response.text
    assert f'href="{helpful.get_absolute_url()}"' in html
    assert "answer by Erin Expert" in html and "Ice is better" in html
    assert "A question still flagged" in html
    assert [count for _, _, count in response.context["flag_outcomes"]] == [1, 1, 1]


def test_a_moderator_adds_a_note_that_only_moderators_read(mod, moderator, pat):
    response = mod.post(page_of(pat), {"action": "note", "body": "Rude in three threads."})

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == page_of(pat, tab="notes") + "#notes"
    note = ModeratorNote.objects.get()
    assert (note.member, note.author, note.body) == (pat, moderator, "Rude in three threads.")
    notes = mod.get(page_of(pat, tab="notes"))
    assert "Rude in three threads." in notes.text and "Maya Moderator" in notes.text
    other_moderator = as_user(ModeratorFactory())
    assert "Rude in three threads." in other_moderator.get(page_of(pat, tab="notes")).text
    assert not Notification.objects.filter(recipient=pat).exists()
    assert mail.outbox == []


def test_a_note_submitted_twice_is_kept_once(mod, pat):
    for _ in range(2):
        mod.post(page_of(pat), {"action": "note", "body": "Asked for a refund twice."})

    assert ModeratorNote.objects.count() == 1


def test_an_empty_note_is_refused_with_a_message_and_nothing_saved(mod, pat):
    response = mod.post(page_of(pat), {"action": "note", "body": "   "})

    assert response.status_code == HTTPStatus.OK
    assert response.context["tab"] == "notes"
    assert "This field is required." in response.text or "Write the note." in response.text
    assert not ModeratorNote.objects.exists()


def test_a_too_long_note_keeps_its_text_in_the_form(mod, pat):
    text = "x" * 2001

    response = mod.post(page_of(pat), {"action": "note", "body": text})

    assert response.status_code == HTTPStatus.OK
    assert text in response.text
    assert "at most 2000 characters" in response.text
    assert not ModeratorNote.objects.exists()


def test_a_warning_reaches_the_member_and_the_history(mod, moderator, pat, commit):
    response = mod.post(
        page_of(pat), {"action": "warn", "reason": "Please stop posting links to your shop."}
    )

    assert response.status_code == HTTPStatus.FOUND
    notice = Notification.objects.get(recipient=pat)
    assert notice.title == "A warning from the moderators"
    assert notice.body == "Please stop posting links to your shop."
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.subject) == ("warn_user", moderator, pat)
    page = mod.get(page_of(pat)).text
    assert "Warning:</span> Please stop posting links to your shop." in page
    pat.refresh_from_db()
    assert pat.suspended_at is None
    own = as_user(pat).get(reverse("accounts:notifications")).text
    assert "A warning from the moderators" in own
    assert "Please stop posting links to your shop." in own


def test_a_warning_offers_the_canned_reasons_and_takes_one(mod, pat):
    CannedReason.objects.create(use="suspend", text="Advertising is not allowed here.")

    page = mod.get(page_of(pat)).text
    mod.post(
        page_of(pat),
        {"action": "warn", "canned": "Advertising is not allowed here.", "reason": ""},
    )

    assert 'id="warn-canned"' in page and 'id="suspend-canned"' in page
    assert Notification.objects.get(recipient=pat).body == "Advertising is not allowed here."


def test_a_warning_sent_twice_is_sent_once(mod, pat):
    for _ in range(2):
        mod.post(page_of(pat), {"action": "warn", "reason": "Be civil."})

    assert Notification.objects.filter(recipient=pat).count() == 1
    assert AuditEntry.objects.count() == 1


def test_a_warning_needs_words(mod, pat):
    response = mod.post(page_of(pat), {"action": "warn", "canned": "", "reason": " "})

    assert response.status_code == HTTPStatus.OK
    assert "Pick a reason or write one" in response.text
    assert not Notification.objects.exists() and not AuditEntry.objects.exists()


def test_a_suspension_takes_a_canned_reason_and_free_text(mod, pat):
    CannedReason.objects.create(use="suspend", text="Abuse towards other members.")

    mod.post(
        page_of(pat),
        {
            "action": "suspend",
            "period": "7",
            "canned": "Abuse towards other members.",
            "reason": "Three threads this week.",
        },
    )

    pat.refresh_from_db()
    assert pat.suspension_reason == "Abuse towards other members. Three threads this week."
    assert pat.suspended_until > timezone.now() + timedelta(days=6)
    notice = Notification.objects.get(recipient=pat)
    assert "Abuse towards other members. Three threads this week." in notice.body


def test_lifting_with_a_reason_tells_the_member_why(mod, moderator, pat):
    account_actions.suspend_user(user=pat, moderator=moderator, reason="Spam")

    page = mod.get(page_of(pat)).text
    mod.post(page_of(pat), {"action": "lift", "reason": "We misread the thread, sorry."})

    assert "Lift the suspension" in page and 'id="lift-reason"' in page
    pat.refresh_from_db()
    assert pat.suspended_at is None
    notice = Notification.objects.filter(recipient=pat).order_by("-pk").first()
    assert notice.title == "Your suspension has ended"
    assert "We misread the thread, sorry." in notice.body
    assert AuditEntry.objects.filter(action="lift_suspension").get().reason == (
        "We misread the thread, sorry."
    )


def test_lifting_without_a_reason_still_works(mod, moderator, pat):
    account_actions.suspend_user(user=pat, moderator=moderator, reason="Spam")

    mod.post(page_of(pat), {"action": "lift"})

    pat.refresh_from_db()
    assert pat.suspended_at is None


def test_the_warnings_and_suspensions_show_beside_the_forms(mod, moderator, pat):
    account_actions.warn_user(user=pat, moderator=moderator, message="First warning.")
    account_actions.suspend_user(user=pat, moderator=moderator, reason="Second offence.")
    account_actions.lift_suspension(user=pat, moderator=moderator, reason="Served.")

    response = mod.get(page_of(pat))

    assert [e.action for e in response.context["standing"]] == [
        "lift_suspension",
        "suspend_user",
        "warn_user",
    ]
    assert "Until: " not in response.text  # Keys read as words, dates as dates.
    assert "Suspended until: indefinitely" in response.text


def test_the_history_tab_holds_everything_about_the_member(mod, moderator, pat):
    answer = AnswerFactory(author=ExpertProfileFactory(user=pat).user)
    actions.hide(item=answer, moderator=moderator, reason="Unsafe")

    response = mod.get(page_of(pat, tab="history"))

    assert [e.action for e in response.context["page_obj"]] == ["hide"]
    assert f'href="{answer.get_absolute_url()}"' in response.text
    assert f"?subject={pat.handle}" in response.text


def test_the_page_shows_who_the_member_is(mod, pat):
    expert = ExpertProfileFactory().user
    other_moderator = ModeratorFactory()

    assert "pat.poster@example.com" in mod.get(page_of(pat)).text
    assert "Expert: approved" in mod.get(page_of(expert)).text
    assert 'badge-accent">Moderator' in mod.get(page_of(other_moderator)).text


# -- A moderator and their own page ---------------------------------------------------------------


def test_a_moderator_sees_no_notes_about_themselves_nor_forms_against_themselves(moderator):
    other = ModeratorFactory(display_name="Olga Other")
    account_actions.add_moderator_note(
        member=moderator, moderator=other, body="Too quick to hide answers."
    )
    client = as_user(moderator)

    own = client.get(page_of(moderator))
    tab = client.get(page_of(moderator, tab="notes"))

    assert own.status_code == HTTPStatus.OK
    assert "Too quick to hide answers." not in own.text + tab.text
    assert "notes" not in [key for key, _, _ in own.context["tabs"]]
    assert tab.context["tab"] == "posts"
    assert "Send the warning" not in own.text and 'name="period"' not in own.text
    assert "other moderators decide about it" in own.text
    assert "Too quick to hide answers." in as_user(other).get(page_of(moderator, tab="notes")).text


@pytest.mark.parametrize(
    "data",
    [
        {"action": "note", "body": "A note about myself"},
        {"action": "warn", "reason": "Warning myself"},
        {"action": "suspend", "period": "7", "reason": "Suspending myself"},
        {"action": "lift", "reason": "Lifting my own"},
    ],
    ids=["note", "warn", "suspend", "lift"],
)
def test_a_moderator_acts_on_nobody_through_their_own_page(moderator, data):
    response = as_user(moderator).post(page_of(moderator), data)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not ModeratorNote.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not Notification.objects.exists()


def test_the_actions_refuse_moderators_on_themselves_and_non_moderators(moderator, pat):
    with pytest.raises(Refused):
        account_actions.warn_user(user=moderator, moderator=moderator, message="Me")
    with pytest.raises(Refused):
        account_actions.add_moderator_note(member=moderator, moderator=moderator, body="Me")
    with pytest.raises(Refused):
        account_actions.warn_user(user=moderator, moderator=pat, message="Hostile")
    with pytest.raises(Refused):
        account_actions.add_moderator_note(member=moderator, moderator=pat, body="Hostile")
    powerless = ModeratorFactory(mfa=False)
    with pytest.raises(Refused):
        account_actions.warn_user(user=pat, moderator=powerless, message="No 2FA")
    with pytest.raises(Refused):
        account_actions.add_moderator_note(member=pat, moderator=powerless, body="No 2FA")
    with pytest.raises(Refused):
        account_actions.add_moderator_note(member=pat, moderator=moderator, body="  ")
    assert not ModeratorNote.objects.exists() and not AuditEntry.objects.exists()


# -- Nobody else gets in ------------------------------------------------------------------------


def outsiders():
    return {
        "visitor": Client(),
        "member": as_user(UserFactory()),
        "expert": as_user(ExpertProfileFactory().user),
        "suspended moderator": as_user(
            ModeratorFactory(suspended_at=timezone.now(), suspended_until=None)
        ),
        "moderator without two factors": as_user(ModeratorFactory(mfa=False)),
    }


OUTSIDERS = [
    "visitor",
    "member",
    "expert",
    "suspended moderator",
    "moderator without two factors",
]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(
    "data",
    [
        {"action": "note", "body": "Hostile note"},
        {"action": "warn", "reason": "Hostile warning"},
        {"action": "suspend", "period": "", "reason": "Hostile suspension"},
        {"period": "", "reason": "Hostile suspension without an action"},
        {"action": "lift", "reason": "Hostile lift"},
    ],
    ids=["note", "warn", "suspend", "suspend-bare", "lift"],
)
def test_outsiders_change_nothing_and_read_nothing(who, data, moderator, pat):
    account_actions.add_moderator_note(member=pat, moderator=moderator, body="Secret note")
    client = outsiders()[who]

    pages = [client.get(page_of(pat, tab=tab)) for tab in ("posts", "flags", "notes", "history")]
    search = client.get(reverse("moderation:members"), {"q": "pat"})
    response = client.post(page_of(pat), data)

    for each in [*pages, search, response]:
        assert each.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FOUND)
        assert "Secret note" not in each.text
        if each.status_code == HTTPStatus.FOUND:
            assert each.url.startswith((reverse("account_login"), reverse("moderation:two_factor")))
    pat.refresh_from_db()
    assert pat.suspended_at is None
    assert ModeratorNote.objects.count() == 1
    assert not AuditEntry.objects.exists()
    assert not Notification.objects.filter(recipient=pat).exists()


def test_a_member_never_sees_notes_about_them_nor_who_flagged_them(moderator, pat, commit):
    category = CategoryFactory()
    question = QuestionFactory(asker=pat, category=category, title="My knee question")
    expert = ExpertProfileFactory(categories=[category], user=pat).user
    answer = AnswerFactory(author=expert, body="Buy my knee oil")
    flagger = UserFactory(display_name="Fiona Flagger")
    commit(account_actions.add_moderator_note, member=pat, moderator=moderator, body="Zorbulent")
    commit(actions.flag, item=answer, flagger=flagger, reason="spam", note="Selling oil")
    commit(actions.flag, item=question, flagger=flagger, reason="off_topic")
    commit(actions.hide, item=answer, moderator=moderator, reason="Advertising")
    commit(actions.dismiss_flags, item=question, moderator=moderator)
    commit(account_actions.warn_user, user=pat, moderator=moderator, message="No more ads.")
    client = as_user(pat)

    pages = [
        reverse("accounts:account"),
        reverse("accounts:notifications"),
        reverse("forum:my_questions"),
        reverse("forum:inbox"),
        reverse("experts:manage"),
        reverse("experts:profile", args=[pat.handle]),
        answer.get_absolute_url(),
        question.get_absolute_url(),
    ]
    seen = ""
    for url in pages:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        seen += response.text
    seen += "".join(m.subject + m.body for m in mail.outbox if pat.email in m.to)
    seen += "".join(n.title + n.body for n in Notification.objects.filter(recipient=pat))

    assert "No more ads." in seen  # The warning is theirs to read...
    for secret in ("Zorbulent", "Fiona Flagger", flagger.handle, "Selling oil", "Maya Moderator"):
        assert secret not in seen  # ...what moderators and flaggers wrote is not.


# -- Member search ------------------------------------------------------------------------------


def found(client, query):
    response = client.get(reverse("moderation:members"), {"q": query})
    assert response.status_code == HTTPStatus.OK
    return [person.handle for person in response.context["page_obj"]]


def test_members_are_found_by_name_handle_or_email(mod):
    UserFactory(display_name="Annabelle Runner", handle="annabelle", email="a.run@example.org")
    UserFactory(display_name="Jeremy Lanfranco", handle="jeremy-l", email="jl@massage.example")
    UserFactory(display_name="Zoe", handle="ann-z", email="zoe@example.com")

    assert found(mod, "belle") == ["annabelle"]  # part of a name
    assert found(mod, "ANN") == ["ann-z", "annabelle"]  # name or handle, newest first
    assert found(mod, "@jeremy") == ["jeremy-l"]  # a handle as written in a mention
    assert found(mod, "JL@MASSAGE.example") == ["jeremy-l"]  # an e-mail, any case
    assert found(mod, "jl@") == ["jeremy-l"]  # the start of one
    assert found(mod, "massage.example") == []  # not the middle of one
    assert found(mod, "nobody-at-all") == []


def test_the_search_shows_each_member_s_standing_and_links_to_their_page(mod, moderator):
    suspended = UserFactory(
        display_name="Sam Suspended", suspended_at=timezone.now(), suspended_until=None
    )
    expert = ExpertProfileFactory(user__display_name="Erin Expert").user

    html = mod.get(reverse("moderation:members")).text

    assert f'href="{page_of(suspended)}"' in html and f'href="{page_of(expert)}"' in html
    assert 'badge-danger">Suspended' in html
    assert "Expert: approved" in html
    assert 'badge-accent">Moderator' in html
    assert suspended.email in html and suspended.date_joined.strftime("%-d %B %Y") in html


def test_an_empty_search_lists_the_newest_members_first(mod, moderator):
    old = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    new = UserFactory()

    handles = found(mod, "")

    assert handles.index(new.handle) < handles.index(old.handle)
    assert "Newest members" in mod.get(reverse("moderation:members")).text


@pytest.mark.parametrize("query", ["x" * 300, "%", "_", "' OR 1=1 --", "\u202e", "a\u00e9"])
def test_a_hostile_query_gets_an_answer_not_an_error(mod, query):
    UserFactory(display_name="Plain Name")

    response = mod.get(reverse("moderation:members"), {"q": query})

    assert response.status_code == HTTPStatus.OK
    if len(query) > 254:
        assert "at most 254 characters" in response.text
    else:
        assert list(response.context["page_obj"]) == []


def test_the_moderation_nav_links_the_members(mod):
    assert f'href="{reverse("moderation:members")}"' in mod.get(reverse("moderation:log")).text


# -- What the pages cost ------------------------------------------------------------------------


def queries(client, url):
    # Nothing cached but the signed-in session, as between two requests.
    cache.clear()
    if settings.SESSION_COOKIE_NAME in client.cookies:
        client.session.load()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(captured)


def grow_member(person, moderator, count):
    """`count` more of everything the member page lists about `person`."""
    category = CategoryFactory()
    expert = ExpertProfileFactory(categories=[category]).user
    ids = bulk.threads(count, category, asker=person, expert=expert)
    questions = list(Question.objects.filter(pk__in=ids))
    other = bulk.threads(count, category, asker=UserFactory(), title="Other")
    Flag.objects.bulk_create(
        Flag(
            question_id=pk,
            flagger=person,
            reason="spam",
            status=[FlagStatus.OPEN, FlagStatus.DISMISSED, FlagStatus.ACTIONED][n % 3],
        )
        for n, pk in enumerate(other)
    )
    ModeratorNote.objects.bulk_create(
        ModeratorNote(member=person, author=moderator, body=f"Note {n}") for n in range(count)
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=moderator,
            action="hide",
            target_type="forum.question",
            target_id=question.pk,
            target_label=question.title,
            subject=person,
            before={"hidden": False},
            after={"hidden": True},
        )
        for question in questions
    )
    for question in questions[:3]:
        FollowUpFactory(answer=question.answers.first(), author=person)


@pytest.mark.parametrize("tab", ["posts", "flags", "notes", "history"])
def test_the_member_page_costs_the_same_at_few_and_many_rows(mod, moderator, pat, tab):
    grow_member(pat, moderator, 3)
    few = queries(mod, page_of(pat, tab=tab))

    grow_member(pat, moderator, 60)
    many = queries(mod, page_of(pat, tab=tab))

    assert few == many


def test_the_member_search_costs_the_same_at_few_and_many_members(mod):
    def grow(count):
        for _ in range(count):
            ExpertProfileFactory()
            ModeratorFactory()
            UserFactory(suspended_at=timezone.now())

    grow(2)
    few = queries(mod, reverse("moderation:members"))
    few_found = queries(mod, reverse("moderation:members") + "?q=member")

    grow(15)
    assert queries(mod, reverse("moderation:members")) == few
    assert queries(mod, reverse("moderation:members") + "?q=member") == few_found
