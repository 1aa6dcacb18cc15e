"""Who sees what, on every page, list, count, notification and e-mail: one matrix.

Each case builds one thread in one state of its life, through the actions (so
the post-write hook runs as in production), then asks every surface as every
role and compares what it shows with what the rules allow. The rules, in
words (Question.objects.visible_to, Answer/FollowUp shown_to and visible_to,
accounts.roles.is_moderator):

- everyone sees public questions that are not hidden; the asker sees their
  own, hidden or private; the addressed expert sees what is addressed to them
  unless it is hidden; moderators see everything;
- hidden answers and follow-ups show only to their author and to moderators,
  and a post shows only where its question (and, for a follow-up, its answer)
  shows;
- "moderator" means powers now: in the group, active, not suspended, with
  two-factor authentication. Without 2FA, or suspended, a moderator reads the
  site as a member does; so does staff;
- a private object someone may not see answers 404, never 403;
- the public lists (home, categories, All Answers, similar questions, expert
  profiles and their counts) show public, visible, answered content only;
- a notification is redacted while its reader may not see what it is about:
  no title or text on the page, not in the unread count, not e-mailed, not in
  a digest.

`expected()` below writes these rules down without asking the code; every
mismatch between it and a page is collected, so one run reports them all.
Two narrower rules the code documents are taken as they are: search finds
hidden posts for moderators only (forum.search.visible_entries), and a
moderator without 2FA asking for a moderation page is sent to set it up
rather than answered 404 (accounts.decorators.moderator_required); neither
shows anything.

The surfaces: the thread page and the short URLs /q/<pk>/ and /a/<pk>/; home
(with its category counts), the category pages, All Answers, similar
questions; the experts directory, the profiles and the category's experts
(answer counts, public answers, thank-you notes); search; the moderation
history; the inbox's three tabs, my questions, the notifications page and its
unread count; the e-mails, and the daily digest. Three tests:

- test_every_role_sees_what_the_rules_allow: every surface but the digest;
- test_digests_carry_only_what_each_reader_may_see: the same story told to
  digest readers, then `manage.py send_digests`;
- test_cached_thread_pages_never_pass_from_one_reader_to_another: the thread
  page again with the page cache and its fragments on, as in production.

The roles:
    visitor              not signed in
    member               a member with no part in the thread
    asker                asked the question, wrote the follow-up, rated the answer
    expert               the expert the question is addressed to (who answers it;
                         in "open", the expert of the category who answered)
    target               the second expert of a re-addressed question; elsewhere an
                         expert of the category the question is not addressed to
    other_expert         an expert of the same category, not involved
    suspended            a member suspended indefinitely
    moderator            a moderator with two-factor authentication
    moderator_no_2fa     in the Moderators group, without two-factor authentication
    suspended_moderator  in the Moderators group, with 2FA, suspended
    staff                is_staff, not a moderator

Every expert has asked to hear about open questions of the category.
"""

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from forum.actions import (
    ask_question,
    decline_question,
    flag,
    hide,
    post_answer,
    post_follow_up,
    rate_answer,
    reroute_question,
    set_featured,
)
from tests.factories import (
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Marker words, one per piece of text; none is part of another or of any name.
TITLE = "zqtitle"
BODY = "zqbody"
ANSWER = "zqanswer"
FOLLOW = "zqfollow"
THANKS = "zqthanks"
MARKERS = (TITLE, BODY, ANSWER, FOLLOW, THANKS)

QUESTION_TITLE = f"Knee pain {TITLE} after running"
QUESTION_BODY = f"My knee hurts {BODY} after long runs downhill."
ANSWER_BODY = f"Rest it {ANSWER} for two weeks, then run on flat ground."
FOLLOW_UP_BODY = f"Thank you. Should I stretch {FOLLOW} every day?"
THANK_YOU_NOTE = f"Very helpful {THANKS}, my knee is better."

ROLES = [
    "visitor",
    "member",
    "asker",
    "expert",
    "target",
    "other_expert",
    "suspended",
    "moderator",
    "moderator_no_2fa",
    "suspended_moderator",
    "staff",
]
SIGNED_IN = [role for role in ROLES if role != "visitor"]
EXPERTS = ["expert", "target", "other_expert"]
# Who wrote each post (the asker follows up on the answer).
POST_AUTHOR = {"question": "asker", "follow_up": "asker"}


# -- The states -------------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """A thread at the end of its story: asked, maybe declined and re-addressed, answered,
    followed up on, rated and featured, then maybe hidden in part."""

    private: bool = False
    # The role the question is addressed to in the end (None: open to the category).
    addressed: str | None = "expert"
    # Who answered (None: no answer yet, so no follow-up and no rating either).
    answerer: str | None = "expert"
    # "expert" declined and the asker sent the question to "target".
    readdressed: bool = False
    # Posts a moderator hid at the end: "question", "answer", "follow_up".
    hidden: frozenset = field(default_factory=frozenset)
    # The answer was hidden automatically by three members' flags.
    flagged_answer: bool = False

    @property
    def answered(self):
        return self.answerer is not None

    @property
    def question_hidden(self):
        return "question" in self.hidden

    @property
    def answer_hidden(self):
        return "answer" in self.hidden or self.flagged_answer

    @property
    def follow_up_hidden(self):
        return "follow_up" in self.hidden

    def author(self, post):
        return self.answerer if post == "answer" else POST_AUTHOR[post]


STATES = {
    "public": State(),
    "private": State(private=True),
    "open": State(addressed=None),
    # Public and still waiting: in the Unanswered list, addressed or open.
    "awaiting": State(answerer=None),
    "open_awaiting": State(addressed=None, answerer=None),
    "hidden_question": State(hidden=frozenset({"question"})),
    "hidden_answer": State(hidden=frozenset({"answer"})),
    "hidden_follow_up": State(hidden=frozenset({"follow_up"})),
    "auto_hidden_answer": State(flagged_answer=True),
    "readdressed_private": State(
        private=True, addressed="target", answerer="target", readdressed=True
    ),
    # The same before "target" answers: waiting in their inbox.
    "readdressed_awaiting": State(
        private=True, addressed="target", answerer=None, readdressed=True
    ),
    "hidden_private": State(private=True, hidden=frozenset({"question"})),
}


# -- The rules, written down ------------------------------------------------------------------


@dataclass(frozen=True)
class Sight:
    """What one role may see of the thread."""

    question: bool
    answer: bool
    follow_up: bool

    def markers(self):
        seen = set()
        if self.question:
            seen |= {TITLE, BODY}
        if self.answer:
            seen |= {ANSWER, THANKS}  # the thank-you note goes with the answer it rates
        if self.follow_up:
            seen.add(FOLLOW)
        return seen

    def of(self, post):
        return getattr(self, post)


def expected(role, state) -> Sight:
    """What `role` may see of a thread in `state`, from the rules alone."""
    if role == "moderator":  # the only role with moderator powers now
        return Sight(True, state.answered, state.answered)
    question = (
        (not state.private and not state.question_hidden)
        or role == "asker"
        or (role == state.addressed and not state.question_hidden)
    )
    answer = question and state.answered and (not state.answer_hidden or role == state.answerer)
    follow_up = answer and (not state.follow_up_hidden or role == POST_AUTHOR["follow_up"])
    return Sight(question, answer, follow_up)


def listed(state) -> bool:
    """In the public archive: a public, visible question with a visible answer."""
    return (
        not state.private
        and not state.question_hidden
        and state.answered
        and not state.answer_hidden
    )


def waiting(state) -> bool:
    """In the Unanswered list: public and visible, no answer shown, waiting for an expert.

    A hidden last answer opens an open question again, but sends one addressed to
    an expert back to its asker (returned), who must choose: not waiting then.
    """
    if state.private or state.question_hidden:
        return False
    if not state.answered:
        return True
    return state.answer_hidden and state.addressed is None


def public_markers(state):
    """What anyone may see: all a public list may ever show."""
    return expected("visitor", state).markers()


def listing_markers(state):
    """What a public list shows of the thread: its title, while it is in the archive."""
    return {TITLE} if listed(state) else set()


def search_finds(role, state, post) -> bool:
    """Search finds a post its reader may see, but hidden posts only for moderators.

    The second half is forum.search.visible_entries' documented rule ("Hidden
    posts are found by moderators only"): narrower than the pages, never wider.
    """
    if not expected(role, state).of(post):
        return False
    if role == "moderator":
        return True
    hidden = state.question_hidden
    if post in ("answer", "follow_up"):
        hidden = hidden or state.answer_hidden
    if post == "follow_up":
        hidden = hidden or state.follow_up_hidden
    return not hidden


def inbox_lists(role, state, tab) -> bool:
    """Addressed: waiting for this expert by name. Open: unaddressed in their category, with
    no answer shown, not answered by them. Replies: the asker's follow-up under their shown
    answer. None shows a hidden question.

    A question whose only answer was hidden goes back to its asker when it was addressed,
    or to its category when it was open (forum.lifecycle: the "answer_hidden" step).
    """
    if role not in EXPERTS or state.question_hidden:
        return False
    shown_answer = state.answered and not state.answer_hidden
    if tab == "addressed":
        return role == state.addressed and not state.answered
    if tab == "open":
        return state.addressed is None and not shown_answer and role != state.answerer
    return role == state.answerer and shown_answer and not state.follow_up_hidden


INBOX_TABS = ("addressed", "open", "replies")


@dataclass(frozen=True)
class Note:
    """A notification the actions send: to whom, of what kind, about which post."""

    role: str
    kind: str
    about: str  # "question", "answer" or "follow_up"

    def markers(self):
        """The marker words of its title and text."""
        return {
            "question_addressed": {TITLE, BODY},
            "open_question": {TITLE, BODY},
            "decline": {TITLE},
            "answer": {TITLE, ANSWER},
            "follow_up": {TITLE, FOLLOW},
            "rating": {TITLE, THANKS},
            "account": set(),  # "Your answer was hidden by the moderators"
            "returned": {TITLE},  # "Your question … needs another expert"
        }[self.kind]


def expected_notes(state):
    """Who the actions tell about what, in this state's story."""
    notes = []
    if state.addressed is None:
        notes += [Note(role, "open_question", "question") for role in EXPERTS]
    else:
        notes.append(Note("expert", "question_addressed", "question"))
    if state.readdressed:
        notes.append(Note("asker", "decline", "question"))
        notes.append(Note("target", "question_addressed", "question"))
    if state.answered:
        notes.append(Note("asker", "answer", "answer"))
        notes.append(Note(state.answerer, "follow_up", "follow_up"))
        notes.append(Note(state.answerer, "rating", "answer"))
        # The answer is made an editor's pick, and its author told.
        notes.append(Note(state.answerer, "account", "answer"))
    hidden = set(state.hidden) | ({"answer"} if state.flagged_answer else set())
    for post in sorted(hidden):
        notes.append(Note(state.author(post), "account", post))
    if state.answered and state.addressed and state.answer_hidden and not state.question_hidden:
        # Its only answer hidden, an addressed question goes back to the asker, who is told.
        notes.append(Note("asker", "returned", "question"))
    return notes


def notes_for(role, state):
    """(shown, redacted): the role's notifications, split by whether they may see the post."""
    sight = expected(role, state)
    mine = [note for note in expected_notes(state) if note.role == role]
    return [n for n in mine if sight.of(n.about)], [n for n in mine if not sight.of(n.about)]


# -- The world --------------------------------------------------------------------------------


def build_world(state, *, digest=False):
    """The people, and one thread told through the actions to the end of `state`."""
    now = timezone.now()
    health = CategoryFactory(name="Health", slug="health")
    massage = CategoryFactory(name="Massage", slug="massage", parent=health)
    people = {
        "visitor": None,
        "member": UserFactory(daily_digest=digest),
        "asker": UserFactory(daily_digest=digest),
        "suspended": UserFactory(daily_digest=digest, suspended_at=now, suspended_until=None),
        "moderator": ModeratorFactory(daily_digest=digest),
        "moderator_no_2fa": ModeratorFactory(daily_digest=digest, mfa=False),
        "suspended_moderator": ModeratorFactory(
            daily_digest=digest, suspended_at=now, suspended_until=None
        ),
        "staff": UserFactory(daily_digest=digest, is_staff=True),
    }
    for role in EXPERTS:
        profile = ExpertProfileFactory(user__daily_digest=digest, categories=[massage])
        profile.alert_categories.set([massage])
        people[role] = profile.user
    # Who moderates and flags here takes no part in the matrix.
    hider = ModeratorFactory()
    asker = people["asker"]

    question, _ = ask_question(
        asker=asker,
        category=massage,
        title=QUESTION_TITLE,
        body=QUESTION_BODY,
        visibility="private" if state.private else "public",
        expert=people["expert"] if state.addressed else None,
    )
    if state.readdressed:
        decline_question(question=question, expert=people["expert"], reason="not_my_area")
        reroute_question(
            question=question,
            asker=asker,
            category=question.category,
            expert=people[state.addressed],
        )
    answer = follow_up = None
    if state.answered:
        answer, _ = post_answer(question=question, author=people[state.answerer], body=ANSWER_BODY)
        follow_up, _ = post_follow_up(answer=answer, author=asker, body=FOLLOW_UP_BODY)
        rate_answer(
            answer=answer,
            rater=asker,
            knowledgeability=9,
            clarity=8,
            politeness=10,
            thank_you_note=THANK_YOU_NOTE,
        )
        set_featured(answer=answer, moderator=hider, featured=True)
    posts = {"question": question, "answer": answer, "follow_up": follow_up}
    for post in ("follow_up", "answer", "question"):
        if post in state.hidden:
            hide(item=posts[post], moderator=hider, reason="Off topic for this forum.")
    if state.flagged_answer:
        for _ in range(3):
            flag(item=answer, flagger=UserFactory(), reason="spam")
    for post in posts.values():
        if post is not None:
            post.refresh_from_db()
    return SimpleNamespace(
        state=state,
        people=people,
        health=health,
        massage=massage,
        question=question,
        answer=answer,
        follow_up=follow_up,
    )


def notified(world):
    """Counter of Note(role, kind, about) from the notifications the actions wrote."""
    roles = {user.pk: role for role, user in world.people.items() if user is not None}
    posts = {
        ("forum.question", world.question.pk): "question",
        ("forum.answer", getattr(world.answer, "pk", None)): "answer",
        ("forum.followup", getattr(world.follow_up, "pk", None)): "follow_up",
    }
    found = Counter()
    for row in Notification.objects.all():
        role = roles.get(row.recipient_id, f"someone else ({row.recipient_id})")
        found[Note(role, row.kind, posts.get((row.target_type, row.target_id), "?"))] += 1
    return found


def check_world(world):
    """The story happened as told: the states, and who was told about what."""
    state, question = world.state, world.question
    assert question.is_hidden == state.question_hidden
    assert question.visibility == ("private" if state.private else "public")
    assert question.expert == world.people.get(state.addressed)
    if state.answered:
        assert world.answer.is_hidden == state.answer_hidden
        assert world.follow_up.is_hidden == state.follow_up_hidden
    assert notified(world) == Counter(expected_notes(state))


# -- Looking at pages -------------------------------------------------------------------------


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def markers_in(text):
    text = text.lower()
    return {marker for marker in MARKERS if marker in text}


def page_text(response):
    text = response.content.decode()
    location = response.headers.get("Location", "")
    return f"{location}\n{text}"


def badge_counts(text):
    """The unread count(s) the header shows (none when nothing is unread)."""
    return {int(n) for n in re.findall(r'class="badge notification-count">(\d+)<', text)}


def answer_total(profiles, user):
    for profile in profiles:
        if profile.user_id == user.pk:
            return profile.answer_total
    return None


class Matrix:
    """Runs the checks of one world, collecting each mismatch instead of stopping at it."""

    def __init__(self, world):
        self.world = world
        self.state_name = next(name for name, s in STATES.items() if s == world.state)
        self.mismatches = []
        # Each (role, surface) pair looked at, however many things were checked on it.
        self.checked = set()

    @property
    def checks(self):
        return len(self.checked)

    def fail(self, role, surface, message):
        self.mismatches.append(f"{self.state_name} | {role} | {surface}: {message}")

    def markers(self, role, surface, text, *, shown, allowed, ignore=()):
        """`shown` must appear; nothing outside `allowed` may (`ignore`: echoed input)."""
        self.checked.add((role, surface))
        found = markers_in(text) - set(ignore)
        missing = set(shown) - found
        leaked = found - set(allowed)
        if missing:
            self.fail(role, surface, f"does not show {sorted(missing)}, which it should")
        if leaked:
            self.fail(role, surface, f"shows {sorted(leaked)}, which this reader may not see")

    def equal(self, role, surface, what, actual, wanted):
        self.checked.add((role, surface))
        if actual != wanted:
            self.fail(role, surface, f"{what} is {actual!r}, expected {wanted!r}")

    def status(self, role, surface, response, wanted, location=None):
        """Check the status, and where a redirect goes (`location` is a prefix)."""
        self.checked.add((role, surface))
        actual = response.status_code
        if actual != wanted:
            self.fail(role, surface, f"answers {actual}, expected {wanted}")
        elif location is not None and not response.headers["Location"].startswith(location):
            self.fail(role, surface, f"redirects to {response.headers['Location']!r}")

    # -- The surfaces --------------------------------------------------------------------------

    def thread(self, role, client):
        """The thread page, and the short URLs of the question and the answer."""
        world, sight = self.world, expected(role, self.world.state)
        question = world.question
        url = question.get_absolute_url()
        response = client.get(url)
        if sight.question:
            self.status(role, "thread", response, HTTPStatus.OK)
            self.markers(
                role, "thread", page_text(response), shown=sight.markers(), allowed=sight.markers()
            )
        else:
            self.status(role, "thread", response, HTTPStatus.NOT_FOUND)
            self.markers(role, "thread", page_text(response), shown=(), allowed=())

        response = client.get(reverse("forum:question_short", kwargs={"pk": question.pk}))
        if sight.question:
            self.status(role, "/q/<pk>/", response, HTTPStatus.MOVED_PERMANENTLY, url)
        else:
            self.status(role, "/q/<pk>/", response, HTTPStatus.NOT_FOUND)
        allowed = {TITLE} if sight.question else set()  # the slug
        self.markers(role, "/q/<pk>/", page_text(response), shown=(), allowed=allowed)

        if world.answer is None:
            return
        response = client.get(reverse("forum:answer", kwargs={"pk": world.answer.pk}))
        if sight.answer:
            self.status(
                role, "/a/<pk>/", response, HTTPStatus.FOUND, world.answer.get_absolute_url()
            )
        else:
            self.status(role, "/a/<pk>/", response, HTTPStatus.NOT_FOUND)
        allowed = {TITLE} if sight.answer else set()
        self.markers(role, "/a/<pk>/", page_text(response), shown=(), allowed=allowed)

    def public_lists(self, role, client):
        """Home, the categories, All Answers, Unanswered and similar questions: the public lists."""
        world, state = self.world, self.world.state
        shown, allowed = listing_markers(state), public_markers(state)
        count = int(listed(state))

        response = client.get(reverse("home"))
        self.markers(role, "home", page_text(response), shown=shown, allowed=allowed)
        tree = {node.category.pk: node.count for node in response.context["tree"]}
        self.equal(role, "home", "the Health count", tree.get(world.health.pk), count)

        for category in (world.health, world.massage):
            surface = f"category {category.path}"
            response = client.get(category.get_absolute_url())
            self.markers(role, surface, page_text(response), shown=shown, allowed=allowed)
            self.equal(
                role, surface, "the count", response.context["page_obj"].paginator.count, count
            )

        response = client.get(reverse("forum:answers"))
        self.markers(role, "All Answers", page_text(response), shown=shown, allowed=allowed)
        self.equal(
            role, "All Answers", "the count", response.context["page_obj"].paginator.count, count
        )

        waits = waiting(state)
        response = client.get(reverse("forum:unanswered"))
        self.markers(
            role,
            "Unanswered",
            page_text(response),
            shown={TITLE} if waits else set(),
            allowed=allowed if waits else set(),
        )
        self.equal(
            role,
            "Unanswered",
            "the count",
            response.context["page_obj"].paginator.count,
            int(waits),
        )

        response = client.get(reverse("forum:similar"), {"title": f"{TITLE} knee"})
        self.markers(role, "similar questions", page_text(response), shown=shown, allowed=allowed)

    def experts(self, role, client):
        """The directory's answer counts and each involved expert's profile."""
        world, state = self.world, self.world.state
        allowed = public_markers(state)
        response = client.get(reverse("experts:directory"))
        self.markers(role, "experts directory", page_text(response), shown=(), allowed=())
        profiles = list(response.context["page_obj"])
        for expert in ("expert", "target"):
            user = world.people[expert]
            count = int(listed(state) and state.answerer == expert)
            surface = f"experts directory ({expert})"
            self.equal(role, surface, "the answer count", answer_total(profiles, user), count)

            surface = f"profile of {expert}"
            response = client.get(reverse("experts:profile", kwargs={"handle": user.handle}))
            shown = {TITLE, THANKS} if count else set()
            self.markers(role, surface, page_text(response), shown=shown, allowed=allowed)
            self.equal(
                role,
                surface,
                "the public answers",
                response.context["page_obj"].paginator.count,
                count,
            )
            self.equal(
                role, surface, "the answer count", response.context["profile"].answer_total, count
            )

        # The category page lists its experts with their counts too.
        response = client.get(world.massage.get_absolute_url())
        user = world.people[state.answerer or "expert"]
        count = int(listed(state))
        self.equal(
            role,
            "category experts",
            "the answer count",
            answer_total(response.context["experts"], user),
            count,
        )

    def search(self, role, client):
        """The search page finds each post only for those who may find it."""
        world, state = self.world, self.world.state
        sight = expected(role, state)
        for post, marker in (("question", TITLE), ("answer", ANSWER), ("follow_up", FOLLOW)):
            if getattr(world, post) is None:
                continue
            surface = f"search {marker}"
            response = client.get(reverse("forum:search"), {"q": marker})
            self.status(role, surface, response, HTTPStatus.OK)
            hits = [hit.question.pk for hit in response.context["hits"]]
            finds = search_finds(role, state, post)
            self.equal(role, surface, "found", world.question.pk in hits, finds)
            text = page_text(response)
            if not finds and "<mark>" in text:
                self.fail(role, surface, "highlights a match it must not show")
            # The query itself is echoed in the search box.
            self.markers(role, surface, text, shown=(), allowed=sight.markers(), ignore={marker})

    def history(self, role, client):
        """Moderation history: moderators only; for anyone else it does not exist."""
        world = self.world
        items = [("question", world.question)]
        if world.answer is not None:
            items.append(("answer", world.answer))
        for kind, item in items:
            surface = f"{kind} history"
            url = reverse("moderation:history", kwargs={"kind": kind, "pk": item.pk})
            response = client.get(url)
            if role == "moderator":
                self.status(role, surface, response, HTTPStatus.OK)
                self.markers(role, surface, page_text(response), shown={TITLE}, allowed=MARKERS)
                continue
            if role == "visitor":
                self.status(role, surface, response, HTTPStatus.FOUND, reverse("account_login"))
            elif role == "moderator_no_2fa":
                # Documented in accounts.decorators.moderator_required: sent to set up 2FA,
                # before anything is looked up (the same for an id that does not exist).
                self.status(
                    role, surface, response, HTTPStatus.FOUND, reverse("moderation:two_factor")
                )
            else:
                self.status(role, surface, response, HTTPStatus.NOT_FOUND)
            self.markers(role, surface, page_text(response), shown=(), allowed=())
            missing = client.get(reverse("moderation:history", kwargs={"kind": kind, "pk": 10**9}))
            self.equal(
                role,
                surface,
                "the answer (against a missing id's)",
                (response.status_code, response.headers.get("Location", "").split("?")[0]),
                (missing.status_code, missing.headers.get("Location", "").split("?")[0]),
            )

    def inbox(self, role, client):
        state = self.world.state
        sight = expected(role, state)
        counts = {}
        for tab in INBOX_TABS:
            surface = f"inbox {tab}"
            response = client.get(reverse("forum:inbox"), {"tab": tab})
            self.status(role, surface, response, HTTPStatus.OK)
            lists = inbox_lists(role, state, tab)
            shown = {TITLE} if lists else set()
            self.markers(role, surface, page_text(response), shown=shown, allowed=sight.markers())
            if role in EXPERTS:
                counts[tab] = response.context["counts"][tab]
        if role in EXPERTS:
            wanted = {tab: int(inbox_lists(role, state, tab)) for tab in INBOX_TABS}
            self.equal(role, "inbox", "the tab counts", counts, wanted)

    def my_questions(self, role, client):
        shown = {TITLE} if role == "asker" else set()
        response = client.get(reverse("forum:my_questions"))
        sight = expected(role, self.world.state)
        self.markers(
            role, "my questions", page_text(response), shown=shown, allowed=sight.markers()
        )

    def notifications(self, role, client):
        """The list, its redacted entries and the unread count in the header."""
        state = self.world.state
        sight = expected(role, state)
        shown_notes, redacted_notes = notes_for(role, state)
        response = client.get(reverse("accounts:notifications"))
        text = page_text(response)
        shown = set().union(*(note.markers() for note in shown_notes))
        self.markers(role, "notifications", text, shown=shown, allowed=sight.markers())
        self.equal(
            role,
            "notifications",
            "the redacted entries",
            text.count("no longer available to you"),
            len(redacted_notes),
        )
        # The thread page, visited before, marks read what it notified this reader about.
        unread = [] if sight.question else shown_notes
        self.equal(
            role,
            "unread badge",
            "the count",
            badge_counts(text),
            {len(unread)} if unread else set(),
        )
        user = self.world.people[role]
        rows = Counter(
            (row.kind, row.redacted) for row in Notification.objects.filter(recipient=user)
        )
        wanted = Counter(
            [(n.kind, False) for n in shown_notes] + [(n.kind, True) for n in redacted_notes]
        )
        self.equal(role, "notifications", "the rows (kind, redacted)", rows, wanted)

    def emails(self, role, messages):
        """What left by e-mail: only notifications the reader may still see, with their text."""
        state = self.world.state
        sight = expected(role, state)
        shown_notes, _ = notes_for(role, state)
        text = "\n".join(
            f"{m.subject}\n{m.body}\n" + "\n".join(str(a[0]) for a in m.alternatives)
            for m in messages
        )
        self.equal(role, "e-mails", "how many", len(messages), len(shown_notes))
        # Every notification links to its thread, whose URL holds the title's slug.
        shown = set().union(*(note.markers() | {TITLE} for note in shown_notes))
        self.markers(role, "e-mails", text, shown=shown, allowed=sight.markers())

    def digest(self, role, messages):
        """The daily digest: a line per notification the reader may see, none for the rest."""
        state = self.world.state
        sight = expected(role, state)
        shown_notes, _ = notes_for(role, state)
        self.equal(role, "digest", "how many digests", len(messages), 1 if shown_notes else 0)
        if not messages:
            return
        message = messages[0]
        self.equal(
            role,
            "digest",
            "the subject",
            message.subject.rsplit(": ", 1)[-1],
            f"{len(shown_notes)} new",
        )
        text = f"{message.subject}\n{message.body}\n{message.alternatives[0][0]}"
        # Titles and links only: the question's title (and its slug in every link).
        self.markers(role, "digest", text, shown={TITLE}, allowed=sight.markers())


def mail_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


# -- The matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize("state_name", list(STATES))
def test_every_role_sees_what_the_rules_allow(state_name, django_capture_on_commit_callbacks):
    """Every surface, as every role, shows exactly what the rules allow of one thread.

    The whole story is told before the e-mails leave (one commit), so each
    notification e-mail goes out, or not, as its post stands after the last
    write: what was hidden, or taken from its reader, meanwhile is withheld.
    """
    state = STATES[state_name]
    with django_capture_on_commit_callbacks(execute=True):
        world = build_world(state)
    check_world(world)
    matrix = Matrix(world)

    for role in ROLES:
        user = world.people[role]
        client = client_for(user)
        matrix.thread(role, client)
        matrix.public_lists(role, client)
        matrix.experts(role, client)
        matrix.search(role, client)
        matrix.history(role, client)
        if user is None:
            continue
        matrix.inbox(role, client)
        matrix.my_questions(role, client)
        matrix.notifications(role, client)
        matrix.emails(role, mail_to(user))

    people = {user.email for user in world.people.values() if user is not None}
    strangers = [m.to for m in mail.outbox if not set(m.to) <= people]
    assert strangers == [], "e-mails to people outside the matrix"
    assert matrix.mismatches == [], "\n".join(["", *matrix.mismatches])


@pytest.mark.parametrize("state_name", list(STATES))
def test_digests_carry_only_what_each_reader_may_see(
    state_name, django_capture_on_commit_callbacks
):
    """Digest readers get no single e-mails; their digest lists the notifications they may
    still see, and nothing of a post hidden, or taken from them, since."""
    state = STATES[state_name]
    with django_capture_on_commit_callbacks(execute=True):
        world = build_world(state, digest=True)
    check_world(world)
    readers = {world.people[role].email for role in SIGNED_IN}
    assert [m.to for m in mail.outbox if set(m.to) & readers] == []
    mail.outbox.clear()

    call_command("send_digests", stdout=io.StringIO())

    matrix = Matrix(world)
    for role in SIGNED_IN:
        matrix.digest(role, mail_to(world.people[role]))
    assert matrix.mismatches == [], "\n".join(["", *matrix.mismatches])


# Privileged readers first, then the reverse: a fragment cached for one reader and
# served to another shows up in one direction or the other.
CACHE_ORDER = [
    "moderator",
    "asker",
    "expert",
    "target",
    "other_expert",
    "member",
    "suspended",
    "moderator_no_2fa",
    "suspended_moderator",
    "staff",
    "visitor",
]


@pytest.mark.parametrize("state_name", list(STATES))
def test_cached_thread_pages_never_pass_from_one_reader_to_another(state_name, settings):
    """With the page cache and the thread's cached fragments on, as in production, every
    reader still gets their own thread page, whoever read it before them."""
    settings.PAGE_CACHE_SECONDS = 300
    world = build_world(STATES[state_name])
    matrix = Matrix(world)
    clients = {role: client_for(world.people[role]) for role in CACHE_ORDER}

    for role in [*CACHE_ORDER, *reversed(CACHE_ORDER)]:
        matrix.thread(role, clients[role])

    assert matrix.mismatches == [], "\n".join(["", *matrix.mismatches])
