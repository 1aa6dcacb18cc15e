"""Conflicts of interest on answers: the expert's disclosure, shown with the answer on the
page, in the feeds and the API; a moderator's requirement of one, which hides the answer
until its author adds it; and the flag reason that leads there."""

from http import HTTPStatus

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import html

from accounts import actions as account_actions
from accounts.actions import NotFound, Refused
from accounts.models import AuditEntry, Notification
from accounts.models.audit import AuditAction
from accounts.models.notifications import NotificationKind, NotificationPreference
from forum import actions
from forum.models import Answer, Flag, FlagReason, FlagStatus
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    CredentialFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DISCLOSURE = "I sell the insoles I recommend."
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
# A word only the answer's text holds, to find it on every surface.
MARKER = "Zwieback"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def asker():
    return UserFactory(display_name="Casey Asker")


@pytest.fixture
def answer(massage, jeremy, asker):
    return AnswerFactory(
        question__category=massage,
        question__asker=asker,
        question__expert=jeremy,
        question__title="Flat feet and long runs",
        author=jeremy,
        body=f"Try {MARKER} insoles for a month.",
    )


def fresh(answer):
    return Answer.objects.get(pk=answer.pk)


def by_class(node, name, within=".//*"):
    """Elements with the class `name` (no cssselect here: XPath)."""
    return node.xpath(f"{within}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


def coi_boxes(response):
    page = html.fromstring(response.content)
    return [" ".join(box.text_content().split()) for box in by_class(page, "coi-disclosure")]


def require(answer, moderator, reason="You appear to sell what you recommend."):
    return actions.require_disclosure(moderator=moderator, answer=answer, reason=reason)


def disclose(answer, text=DISCLOSURE, body=None):
    """The author's edit, as the edit form sends it."""
    answer = fresh(answer)
    return actions.edit_answer(
        answer=answer,
        editor=answer.author,
        body=body or answer.body,
        base_version=answer.version,
        disclosure=text,
    )


# -- The disclosure, wherever the answer shows -------------------------------------------------


class TestShown:
    def test_the_answer_shows_its_disclosure_in_a_labelled_box(self, answer):
        Answer.objects.filter(pk=answer.pk).update(disclosure=DISCLOSURE)
        response = Client().get(answer.question.get_absolute_url())

        assert coi_boxes(response) == [f"Conflict of interest: {DISCLOSURE}"]

    def test_no_box_without_a_disclosure(self, answer):
        assert coi_boxes(Client().get(answer.question.get_absolute_url())) == []

    def test_the_author_adds_one_through_the_edit_form(self, answer):
        client = signed_in(answer.author)
        url = reverse("forum:edit_answer", args=[answer.pk])
        form = client.get(url)
        assert 'name="disclosure"' in form.text

        response = client.post(
            url, {"body": answer.body, "base_version": answer.version, "disclosure": DISCLOSURE}
        )

        assert response.status_code == HTTPStatus.FOUND
        assert fresh(answer).disclosure == DISCLOSURE
        assert DISCLOSURE in coi_boxes(Client().get(answer.question.get_absolute_url()))[0]

    def test_hostile_text_is_escaped(self, answer):
        Answer.objects.filter(pk=answer.pk).update(disclosure=HOSTILE)
        text = Client().get(answer.question.get_absolute_url()).content.decode()

        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text

    def test_the_profile_lists_it_with_the_answer(self, answer):
        Answer.objects.filter(pk=answer.pk).update(disclosure=HOSTILE)
        profile = answer.author.expert_profile
        text = Client().get(profile.get_absolute_url()).content.decode()

        assert "Conflict of interest:" in text
        assert "<script>alert" not in text and "&lt;script&gt;" in text

    @pytest.mark.parametrize(
        "route",
        ["answered", "category", "expert", "thread"],
    )
    @pytest.mark.parametrize("kind", ["rss", "atom"])
    def test_feeds_carry_it_as_an_element_of_its_own(self, answer, route, kind):
        Answer.objects.filter(pk=answer.pk).update(disclosure=f"{DISCLOSURE} {HOSTILE}")
        name = {
            "answered": ("feed_answered", []),
            "category": ("feed_category", [answer.question.category.path]),
            "expert": ("feed_expert", [answer.author.handle]),
            "thread": ("feed_thread", [answer.question.pk]),
        }[route]
        url = reverse(name[0] + ("_atom" if kind == "atom" else ""), args=name[1])
        response = Client().get(url)
        parsed = feedparser.parse(response.content)

        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.namespaces.get("ate") == "urn:x-ask-the-experts:feed:1"
        (entry,) = parsed.entries
        assert entry["ate_disclosure"] == f"{DISCLOSURE} {HOSTILE}"
        # Not pasted into the text.
        assert DISCLOSURE not in entry.get("summary", "") + entry.get("content", [{}])[0].get(
            "value", ""
        )
        # Text in an element: escaped, never markup.
        assert b"<script>" not in response.content

    def test_feeds_write_no_element_without_a_disclosure(self, answer):
        response = Client().get(reverse("feed_thread", args=[answer.question.pk]))
        assert b"ate:disclosure" not in response.content
        assert feedparser.parse(response.content).bozo == 0

    def test_the_api_gives_it_as_a_field(self, answer):
        Answer.objects.filter(pk=answer.pk).update(disclosure=DISCLOSURE)
        data = Client().get(f"/api/v1/questions/{answer.question.pk}").json()

        (shown,) = data["answers"]
        assert shown["disclosure"] == DISCLOSURE
        assert shown["disclosure_required"] is False


# -- Requiring a disclosure: who may -----------------------------------------------------------


class TestWhoMayRequire:
    def url(self, answer):
        return reverse("moderation:require_disclosure", args=[answer.pk])

    @pytest.mark.parametrize("role", ["visitor", "member", "expert", "author", "asker"])
    def test_only_moderators_reach_it(self, answer, asker, massage, role):
        user = {
            "visitor": None,
            "member": UserFactory(),
            "expert": ExpertProfileFactory(categories=[massage]).user,
            "author": answer.author,
            "asker": asker,
        }[role]
        client = signed_in(user) if user else Client()
        response = client.post(self.url(answer), {"reason": "Sells insoles."})

        if role == "visitor":
            assert response.status_code == HTTPStatus.FOUND
            assert reverse("account_login") in response["Location"]
        else:
            assert response.status_code == HTTPStatus.NOT_FOUND
        assert not fresh(answer).is_hidden
        assert fresh(answer).disclosure_required_at is None

    def test_a_moderator_requires_one(self, answer, moderator):
        client = signed_in(moderator)
        response = client.post(self.url(answer), {"reason": "Sells insoles."})

        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == answer.get_absolute_url()
        answer = fresh(answer)
        assert answer.is_hidden and answer.hidden_by == moderator
        assert answer.disclosure_required_at is not None
        assert answer.disclosure_required_reason == "Sells insoles."
        assert "A disclosure is required" in client.get(response["Location"]).text

    def test_a_reason_is_needed(self, answer, moderator):
        client = signed_in(moderator)
        response = client.post(self.url(answer), {"reason": "  "}, follow=True)

        assert "Pick a reason or write one" in response.text
        assert not fresh(answer).is_hidden

    def test_a_canned_reason_will_do(self, answer, moderator, canned_reasons):
        text = canned_reasons.filter(use="hide").first().text
        signed_in(moderator).post(self.url(answer), {"canned": text, "reason": ""})

        assert fresh(answer).disclosure_required_reason == text

    def test_an_unknown_answer_is_404_and_a_get_goes_back_to_the_answer(self, answer, moderator):
        client = signed_in(moderator)
        missing = reverse("moderation:require_disclosure", args=[answer.pk + 1000])

        assert client.post(missing, {"reason": "x"}).status_code == HTTPStatus.NOT_FOUND
        assert client.get(missing).status_code == HTTPStatus.NOT_FOUND
        assert client.get(self.url(answer))["Location"] == answer.get_absolute_url()

    def test_a_private_answer_is_404_to_everyone_else(self, massage, jeremy):
        private = AnswerFactory(
            question__category=massage,
            question__visibility="private",
            question__expert=jeremy,
            author=jeremy,
        )
        response = signed_in(UserFactory()).post(
            reverse("moderation:require_disclosure", args=[private.pk]), {"reason": "x"}
        )
        assert response.status_code == HTTPStatus.NOT_FOUND

    def test_the_action_checks_its_own_permission(self, answer, asker, moderator):
        for user in (UserFactory(), asker, answer.author):
            with pytest.raises(Refused):
                require(answer, user)
        assert not fresh(answer).is_hidden

    def test_a_moderator_does_not_require_one_of_their_own_answer(self, massage):
        own = ModeratorFactory()
        ExpertProfileFactory(user=own, categories=[massage])
        mine = AnswerFactory(question__category=massage, author=own)

        with pytest.raises(Refused):
            require(mine, own)
        response = signed_in(own).post(
            reverse("moderation:require_disclosure", args=[mine.pk]), {"reason": "x"}, follow=True
        )
        assert "Moderators act on other people&#x27;s posts" in response.text
        assert not fresh(mine).is_hidden

    def test_not_on_an_answer_hidden_for_another_reason(self, answer, moderator):
        actions.hide(item=answer, moderator=moderator, reason="Spam")
        with pytest.raises(Refused):
            require(answer, ModeratorFactory())
        response = signed_in(moderator).post(
            reverse("moderation:require_disclosure", args=[answer.pk]), {"reason": "x"}, follow=True
        )
        assert "hid this answer for another reason" in response.text
        assert fresh(answer).disclosure_required_at is None

    def test_not_in_a_locked_thread_its_author_could_not_edit(self, answer, moderator):
        actions.set_locked(question=answer.question, moderator=moderator, locked=True)
        with pytest.raises(Refused):
            require(answer, moderator)

    def test_an_answer_hidden_by_flags_alone_can_be_required_one(self, answer, moderator):
        Answer.objects.filter(pk=answer.pk).update(is_hidden=True)
        require(answer, moderator)
        assert fresh(answer).hidden_by == moderator

    def test_a_double_submit_does_it_once(self, answer, moderator):
        require(answer, moderator)
        require(answer, moderator)
        assert AuditEntry.objects.filter(action=AuditAction.REQUIRE_DISCLOSURE).count() == 1


# -- What a requirement does -------------------------------------------------------------------


class TestRequired:
    def test_audited_and_the_author_is_told_what_to_do(self, answer, moderator, commit):
        commit(require, answer, moderator, "Sells insoles.")

        entry = AuditEntry.objects.get(action=AuditAction.REQUIRE_DISCLOSURE)
        assert (entry.actor, entry.reason, entry.target_id) == (
            moderator,
            "Sells insoles.",
            answer.pk,
        )
        notice = Notification.objects.get(recipient=answer.author)
        assert "disclosure" in notice.title
        assert "Sells insoles." in notice.body
        assert reverse("forum:edit_answer", args=[answer.pk]) in notice.body
        assert "Conflict of interest" in notice.body

    def test_conflict_flags_are_resolved_others_stay_open(self, answer, moderator, commit):
        conflict = UserFactory()
        spam = UserFactory()
        actions.flag(item=answer, flagger=conflict, reason=FlagReason.CONFLICT)
        actions.flag(item=answer, flagger=spam, reason=FlagReason.SPAM)
        commit(require, answer, moderator)

        statuses = dict(Flag.objects.values_list("reason", "status"))
        assert statuses == {"conflict": FlagStatus.ACTIONED, "spam": FlagStatus.OPEN}
        outcome = Notification.objects.get(recipient=conflict)
        assert "asked" in outcome.title and "disclose" in outcome.title
        assert not Notification.objects.filter(recipient=spam).exists()

    def test_hidden_from_everyone_but_the_author_and_moderators(
        self, answer, asker, moderator, massage
    ):
        question = answer.question
        require(answer, moderator)
        url = question.get_absolute_url()

        for viewer in (None, UserFactory(), asker, ExpertProfileFactory(categories=[massage]).user):
            client = signed_in(viewer) if viewer else Client()
            assert MARKER not in client.get(url).text, viewer
        for viewer in (answer.author, moderator):
            assert MARKER in signed_in(viewer).get(url).text

        # Search: hidden posts are found by moderators only.
        for viewer in (None, asker, answer.author):
            client = signed_in(viewer) if viewer else Client()
            found = client.get(reverse("forum:search"), {"q": MARKER}).text
            assert question.title not in found and "for a month" not in found
        # Feeds are public documents.
        for name, args in [
            ("feed_answered", []),
            ("feed_thread", [question.pk]),
            ("feed_expert", [answer.author.handle]),
            ("feed_category_atom", [massage.path]),
        ]:
            assert MARKER.encode() not in Client().get(reverse(name, args=args)).content
        # The API answers each reader as the page does.
        api = f"/api/v1/questions/{question.pk}"
        anonymous = Client().get(api)
        assert anonymous.status_code == HTTPStatus.OK
        assert anonymous.json()["answers"] == []
        _, token = account_actions.create_api_token(user=answer.author, name="script")
        own = Client().get(api, HTTP_AUTHORIZATION=f"Bearer {token}").json()["answers"]
        assert [(a["hidden"], a["disclosure_required"]) for a in own] == [(True, True)]

    def test_the_author_reads_what_to_do_with_a_link_to_the_form(self, answer, moderator):
        require(answer, moderator, "Sells insoles.")
        page = html.fromstring(
            signed_in(answer.author).get(answer.question.get_absolute_url()).content
        )
        (notice,) = by_class(page, "hidden-own", f"//*[@id='answer-{answer.pk}']//*")
        text = " ".join(notice.text_content().split())

        assert "add a conflict-of-interest disclosure" in text
        assert "Reason: Sells insoles." in text
        link = by_class(notice, "btn", ".//a")[0].get("href")
        assert link.startswith(reverse("forum:edit_answer", args=[answer.pk]))
        form = signed_in(answer.author).get(link)
        assert form.status_code == HTTPStatus.OK
        assert "A moderator requires a conflict-of-interest disclosure" in form.text


# -- The author's disclosure shows it again -----------------------------------------------------


class TestDisclosed:
    def test_adding_one_shows_the_answer_again(self, answer, moderator, commit):
        require(answer, moderator)
        assert fresh(answer).question.answer_count == 0
        client = signed_in(answer.author)
        response = client.post(
            reverse("forum:edit_answer", args=[answer.pk]),
            {"body": answer.body, "base_version": answer.version, "disclosure": DISCLOSURE},
        )

        assert response.status_code == HTTPStatus.FOUND
        answer = fresh(answer)
        assert not answer.is_hidden and answer.hidden_by is None
        assert answer.disclosure_required_at is None and answer.disclosure_required_reason == ""
        assert answer.question.answer_count == 1
        visitor = Client().get(answer.question.get_absolute_url())
        assert MARKER in visitor.text
        assert coi_boxes(visitor) == [f"Conflict of interest: {DISCLOSURE}"]

    def test_recorded_as_restored_by_the_author_and_the_moderator_hears(
        self, answer, moderator, commit
    ):
        # Moderators opt in to hear of their work (the flags' channel, off by default).
        NotificationPreference.objects.create(
            user=moderator, kind=NotificationKind.NEW_FLAG, channel="onsite"
        )
        require(answer, moderator)
        commit(disclose, answer)

        entry = AuditEntry.objects.get(action=AuditAction.RESTORE)
        assert entry.actor == answer.author
        assert DISCLOSURE in entry.reason
        assert entry.after == {"hidden": False, "disclosure": DISCLOSURE}
        heard = Notification.objects.get(recipient=moderator)
        assert "added a disclosure" in heard.title and DISCLOSURE in heard.body

    def test_an_edit_without_a_disclosure_leaves_it_hidden(self, answer, moderator):
        require(answer, moderator)
        disclose(answer, text="", body="Try insoles for two months.")
        disclose(answer, text="   ")

        assert fresh(answer).is_hidden
        assert fresh(answer).disclosure_required_at is not None

    def test_an_unchanged_disclosure_does_not_count(self, answer, moderator):
        Answer.objects.filter(pk=answer.pk).update(disclosure="I know the maker.")
        require(answer, moderator, "Say that you sell them too.")
        disclose(answer, text="I know the maker.", body="Changed words.")
        assert fresh(answer).is_hidden

        disclose(answer, text="I know the maker and sell the insoles.")
        assert not fresh(answer).is_hidden

    def test_only_the_author_adds_one(self, answer, moderator, asker):
        require(answer, moderator)
        url = reverse("forum:edit_answer", args=[answer.pk])
        data = {"body": answer.body, "base_version": answer.version, "disclosure": "Not mine."}

        # The page admits the hidden answer to moderators only; they still may not edit it.
        for user, status, refusal in [
            (moderator, HTTPStatus.FORBIDDEN, Refused),
            (asker, HTTPStatus.NOT_FOUND, NotFound),
            (UserFactory(), HTTPStatus.NOT_FOUND, NotFound),
        ]:
            assert signed_in(user).post(url, data).status_code == status
            with pytest.raises(refusal):
                actions.edit_answer(
                    answer=answer, editor=user, body="x", base_version=1, disclosure="x"
                )
        assert Client().post(url, data).status_code == HTTPStatus.FOUND  # to sign in
        assert fresh(answer).disclosure == "" and fresh(answer).is_hidden

    def test_a_moderator_restore_drops_the_requirement(self, answer, moderator):
        require(answer, moderator)
        actions.restore(item=fresh(answer), moderator=moderator)

        answer = fresh(answer)
        assert not answer.is_hidden
        assert answer.disclosure_required_at is None and answer.disclosure_required_reason == ""


# -- Flags and the moderators' tools --------------------------------------------------------------


class TestFlagsAndTools:
    def test_the_flag_form_offers_the_reason(self, answer):
        client = signed_in(UserFactory())
        url = reverse("forum:flag", args=["answer", answer.pk])
        assert "Undisclosed conflict of interest" in client.get(url).text

        client.post(url, {"reason": "conflict"})
        assert Flag.objects.get().reason == FlagReason.CONFLICT

    def test_the_queue_shows_the_reason_and_offers_a_disclosure(self, answer, moderator):
        actions.flag(item=answer, flagger=UserFactory(), reason="conflict")
        other = AnswerFactory(question__category=answer.question.category)
        actions.flag(item=other, flagger=UserFactory(), reason="spam")
        client = signed_in(moderator)
        page = html.fromstring(client.get(reverse("moderation:queue")).content)

        assert "Undisclosed conflict of interest" in page.text_content()
        forms = (
            by_class(page, "require-disclosure", "//details")[0].xpath(".//form")
            if by_class(page, "require-disclosure", "//details")
            else []
        )
        assert [f.get("action") for f in forms] == [
            reverse("moderation:require_disclosure", args=[answer.pk])
        ]
        response = client.post(forms[0].get("action"), {"reason": "Sells.", "next": "queue"})
        assert response["Location"] == reverse("moderation:queue")
        assert fresh(answer).disclosure_required_at is not None

    def test_the_moderator_tools_on_the_thread_offer_it(self, answer, moderator):
        page = html.fromstring(signed_in(moderator).get(answer.question.get_absolute_url()).content)
        forms = [
            form
            for details in by_class(
                page, "require-disclosure", f"//*[@id='answer-{answer.pk}']//details"
            )
            for form in details.xpath(".//form")
        ]
        assert [f.get("action") for f in forms] == [
            reverse("moderation:require_disclosure", args=[answer.pk])
        ]
        # Nobody else sees the tools.
        for viewer in (answer.author, UserFactory()):
            assert (
                "Require a disclosure"
                not in signed_in(viewer).get(answer.question.get_absolute_url()).text
            )

    def test_the_tools_of_a_required_answer_say_what_it_waits_for(self, answer, moderator):
        require(answer, moderator)
        text = signed_in(ModeratorFactory()).get(answer.question.get_absolute_url()).text
        assert "Waiting for its expert to add a conflict-of-interest disclosure" in text


# -- Cost -------------------------------------------------------------------------------------


def thread_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


@pytest.mark.parametrize("viewer", ["visitor", "moderator"])
def test_disclosures_and_interests_cost_no_query_per_answer(viewer):
    category = CategoryFactory(name="Feet", slug="feet")
    question = QuestionFactory(category=category, title="Which insoles?")

    def grow(total):
        for n in range(total - question.answers.count()):
            expert = ExpertProfileFactory(categories=[category], interests=f"Sells insoles {n}.")
            CredentialFactory(profile=expert)
            AnswerFactory(question=question, author=expert.user, disclosure=f"I sell brand {n}.")

    client = signed_in(ModeratorFactory()) if viewer == "moderator" else Client()
    url = question.get_absolute_url()
    grow(2)
    small = thread_queries(client, url)
    grow(12)
    large = thread_queries(client, url)

    assert small == large
    assert client.get(url).text.count('class="coi-disclosure"') == 12
