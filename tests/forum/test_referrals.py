"""“This needs a professional”: an expert tells the asker to see someone in person.

The forms take whom, how soon and a note; the thread shows it above the answer (and in
the declines list), the asker's notification and e-mail say it, the API gives it, the
scorecard counts it (public, visible answers only), and the thread page costs no more
queries with referrals than without.
"""

from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Notification
from experts import scorecard
from forum import actions, referrals
from forum.forms import AnswerEditForm, AnswerForm, DeclineForm
from forum.models import Answer, Decline
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    ExpertProfileFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def massage():
    return CategoryFactory(name="Massage", slug="massage", parent=CategoryFactory(slug="health"))


@pytest.fixture
def question(massage, jeremy):
    return QuestionFactory(
        category=massage, expert=jeremy, title="IT band pain need help", body="It hurts."
    )


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def answer_with_referral(question, author, commit=None, **referral):
    details = {"referral": "doctor", "referral_urgency": "urgent", **referral}
    run = commit or (lambda action, **kwargs: action(**kwargs))
    answer, _ = run(
        actions.post_answer, question=question, author=author, body="Rest it.", **details
    )
    return answer


# -- The forms ----------------------------------------------------------------------------------


class TestForms:
    def test_a_referral_needs_an_urgency(self):
        form = AnswerForm({"body": "Rest it.", "referral": "doctor"})

        assert not form.is_valid()
        assert "referral_urgency" in form.errors

    def test_a_referral_with_urgency_and_note_is_given_to_the_action(self):
        form = AnswerForm(
            {
                "body": "Rest it.",
                "referral": "doctor",
                "referral_urgency": "soon",
                "referral_note": "  a physiotherapist  ",
            }
        )

        assert form.is_valid(), form.errors
        assert form.details() == {
            "referral": "doctor",
            "referral_urgency": "soon",
            "referral_note": "a physiotherapist",
            "disclosure": "",
        }

    def test_no_clears_an_urgency_and_a_note_left_over(self):
        form = AnswerForm(
            {"body": "Rest it.", "referral": "", "referral_urgency": "urgent", "referral_note": "x"}
        )

        assert form.is_valid(), form.errors
        assert form.referral_data() == {
            "referral": "",
            "referral_urgency": "",
            "referral_note": "",
        }

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("referral", "witch_doctor"),
            ("referral_urgency", "yesterday"),
            ("referral_note", "x" * 201),
        ],
    )
    def test_unknown_choices_and_long_notes_are_refused(self, field, value):
        data = {"body": "Rest it.", "referral": "doctor", "referral_urgency": "soon", field: value}

        form = AnswerForm(data)

        assert not form.is_valid()
        assert field in form.errors

    def test_a_decline_for_a_professional_must_say_whom(self):
        form = DeclineForm({"reason": "needs_professional"})

        assert not form.is_valid()
        assert "referral" in form.errors

    def test_a_decline_with_a_referral_is_valid(self):
        form = DeclineForm(
            {"reason": "needs_professional", "referral": "vet", "referral_urgency": "routine"}
        )

        assert form.is_valid(), form.errors
        assert form.referral_data()["referral"] == "vet"

    def test_the_edit_form_starts_from_the_answers_referral(self, question, jeremy):
        answer = answer_with_referral(question, jeremy, referral_note="a sports physio")

        form = AnswerEditForm(
            initial={
                "body": answer.body,
                "base_version": answer.version,
                **{name: getattr(answer, name) for name in actions.ANSWER_DETAILS},
            }
        )

        assert form["referral"].value() == "doctor"
        assert form["referral_urgency"].value() == "urgent"
        assert form["referral_note"].value() == "a sports physio"


# -- Writing it, through the pages --------------------------------------------------------------


class TestWriting:
    def test_the_answer_form_on_the_thread_offers_the_referral(self, question, jeremy):
        html = signed_in(jeremy).get(question.get_absolute_url()).text

        assert "This needs a professional" in html
        assert 'name="referral"' in html and 'name="referral_urgency"' in html

    def test_an_expert_answers_with_a_referral(self, question, jeremy):
        response = signed_in(jeremy).post(
            reverse("forum:answer_question", args=[question.pk]),
            {
                "body": "Ice it. If the knee swells, it is not the IT band.",
                "referral": "doctor",
                "referral_urgency": "soon",
                "referral_note": "a sports physician",
            },
        )

        assert response.status_code == HTTPStatus.FOUND
        answer = Answer.objects.get()
        assert (answer.referral, answer.referral_urgency, answer.referral_note) == (
            "doctor",
            "soon",
            "a sports physician",
        )

    def test_a_referral_without_urgency_is_sent_back_with_the_text_kept(self, question, jeremy):
        response = signed_in(jeremy).post(
            reverse("forum:answer_question", args=[question.pk]),
            {"body": "Ice it, twice a day.", "referral": "doctor"},
        )

        assert response.status_code == HTTPStatus.OK
        assert "Say how soon they should see them." in response.text
        assert "Ice it, twice a day." in response.text
        assert not Answer.objects.exists()

    def test_editing_the_answer_changes_or_clears_the_referral(self, question, jeremy):
        answer = answer_with_referral(question, jeremy, referral_note="a GP")
        client = signed_in(jeremy)
        url = reverse("forum:edit_answer", args=[answer.pk])
        base = {"body": answer.body, "base_version": answer.version}

        client.post(url, {**base, "referral": "lawyer", "referral_urgency": "routine"})
        answer.refresh_from_db()
        assert (answer.referral, answer.referral_urgency, answer.referral_note) == (
            "lawyer",
            "routine",
            "",
        )

        client.post(url, {**base, "referral": "", "referral_urgency": "urgent"})
        answer.refresh_from_db()
        assert (answer.referral, answer.referral_urgency, answer.referral_note) == ("", "", "")
        assert answer.version == 1  # the text did not change: no revision

    def test_an_expert_declines_with_a_referral(self, question, jeremy, commit):
        response = signed_in(jeremy).post(
            reverse("forum:decline", args=[question.pk]),
            {
                "reason": "needs_professional",
                "note": "This needs an examination.",
                "referral": "doctor",
                "referral_urgency": "urgent",
                "referral_note": "an emergency department",
            },
        )

        assert response.status_code == HTTPStatus.FOUND
        decline = Decline.objects.get()
        assert (decline.referral, decline.referral_urgency, decline.referral_note) == (
            "doctor",
            "urgent",
            "an emergency department",
        )

    def test_a_decline_for_a_professional_without_whom_is_sent_back(self, question, jeremy):
        response = signed_in(jeremy).post(
            reverse("forum:decline", args=[question.pk]), {"reason": "needs_professional"}
        )

        assert response.status_code == HTTPStatus.OK
        assert "Say whom the asker should see in person." in response.text
        assert not Decline.objects.exists()


# -- Showing it -----------------------------------------------------------------------------------


class TestDisplay:
    @pytest.fixture
    def answer(self, question, jeremy):
        return answer_with_referral(question, jeremy, referral_note="a sports physician")

    @pytest.mark.parametrize("viewer", ["asker", "member", "visitor", "moderator", "expert"])
    def test_everyone_who_sees_the_answer_sees_the_referral_above_it(self, answer, viewer):
        client = {
            "asker": lambda: signed_in(answer.question.asker),
            "member": lambda: signed_in(UserFactory()),
            "visitor": Client,
            "moderator": lambda: signed_in(ModeratorFactory()),
            "expert": lambda: signed_in(answer.author),
        }[viewer]()

        html = client.get(answer.question.get_absolute_url()).text

        referral = html.index("Jeremy Lanfranco recommends you see a doctor in person")
        body = html.index('class="prose answer-body"')
        assert referral < body
        block = html[html.rindex('<div class="alert referral', 0, referral) : body]
        assert 'role="note"' in block
        assert "alert-error" in block and "referral-urgent" in block
        # Not colour alone: the urgency is said in words.
        assert "<strong>Urgent</strong>: today" in block
        assert "a sports physician" in block

    @pytest.mark.parametrize(
        ("urgency", "style", "words"),
        [
            ("routine", "alert-info", "<strong>Routine</strong>: when it suits you"),
            ("soon", "alert-warning", "<strong>Soon</strong>: within the next few days"),
            ("urgent", "alert-error", "<strong>Urgent</strong>: today"),
        ],
    )
    def test_each_urgency_has_its_words_and_style(self, question, jeremy, urgency, style, words):
        answer_with_referral(question, jeremy, referral="vet", referral_urgency=urgency)

        html = Client().get(question.get_absolute_url()).text

        assert "recommends you see a vet in person" in html
        assert f"referral-{urgency} {style}" in html
        assert words in html

    def test_no_referral_no_notice(self, question, jeremy):
        AnswerFactory(question=question, author=jeremy)

        html = Client().get(question.get_absolute_url()).text

        assert "recommends you see" not in html
        assert 'role="note"' not in html

    def test_a_hostile_note_is_escaped(self, question, jeremy):
        answer_with_referral(question, jeremy, referral_note=HOSTILE)

        html = Client().get(question.get_absolute_url()).text

        assert HOSTILE not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html

    def test_the_decline_shows_its_referral_to_the_asker(self, question, jeremy):
        actions.decline_question(
            question=question,
            expert=jeremy,
            reason="needs_professional",
            referral="doctor",
            referral_urgency="urgent",
            referral_note=HOSTILE,
        )

        html = signed_in(question.asker).get(question.get_absolute_url()).text

        declines = html[html.index('id="declines-title"') :]
        assert "Jeremy Lanfranco recommends you see a doctor in person" in declines
        assert "<strong>Urgent</strong>: today" in declines
        assert HOSTILE not in html
        # Declines are for the asker, the expert and moderators only.
        assert "recommends you see" not in Client().get(question.get_absolute_url()).text

    def test_the_cached_answers_of_a_bystander_follow_a_new_referral(
        self, question, jeremy, settings
    ):
        settings.PAGE_CACHE_SECONDS = 60
        answer = AnswerFactory(question=question, author=jeremy)
        member = signed_in(UserFactory())
        assert "recommends you see" not in member.get(question.get_absolute_url()).text

        actions.edit_answer(
            answer=answer,
            editor=jeremy,
            body=answer.body,
            base_version=answer.version,
            referral="therapist",
            referral_urgency="soon",
        )

        html = member.get(question.get_absolute_url()).text
        assert "recommends you see a therapist or counsellor in person" in html


# -- Telling the asker ----------------------------------------------------------------------------


class TestNotification:
    def test_the_answer_notice_and_its_email_say_it(self, question, jeremy, commit):
        answer_with_referral(question, jeremy, commit=commit, referral_note="a sports physician")

        notice = Notification.objects.get(recipient=question.asker, kind="answer")
        assert notice.title == (
            "Jeremy Lanfranco answered your question “IT band pain need help” "
            "and recommends you see a doctor in person (urgent)"
        )
        assert notice.body.startswith(
            "Jeremy Lanfranco recommends you see a doctor in person — Urgent: today. "
            "a sports physician\n\nRest it."
        )
        email = mail.outbox[-1]
        assert "recommends you see a doctor in person (urgent)" in email.subject
        assert "Urgent: today" in email.body
        html = email.alternatives[0][0]
        assert "Urgent: today" in html

    def test_without_a_referral_the_notice_is_as_before(self, question, jeremy):
        actions.post_answer(question=question, author=jeremy, body="Rest it.")

        notice = Notification.objects.get(recipient=question.asker, kind="answer")
        assert notice.title == "Jeremy Lanfranco answered your question “IT band pain need help”"
        assert notice.body == "Rest it."

    def test_a_long_title_is_shortened_so_the_referral_survives(self, massage, jeremy):
        question = QuestionFactory(category=massage, expert=jeremy, title="Why " * 48 + "knee?")

        answer_with_referral(question, jeremy)

        title = Notification.objects.get(recipient=question.asker, kind="answer").title
        assert len(title) <= 200
        assert title.endswith("…” and recommends you see a doctor in person (urgent)")

    def test_a_hostile_note_stays_text_in_the_email(self, question, jeremy, commit):
        answer_with_referral(question, jeremy, commit=commit, referral_note=HOSTILE)

        html = mail.outbox[-1].alternatives[0][0]
        assert HOSTILE not in html
        assert "&lt;script&gt;" in html

    def test_the_decline_notice_says_it(self, question, jeremy, commit):
        commit(
            actions.decline_question,
            question=question,
            expert=jeremy,
            reason="needs_professional",
            note="It needs an examination.",
            referral="vet",
            referral_urgency="soon",
        )

        notice = Notification.objects.get(recipient=question.asker, kind="decline")
        assert notice.title.endswith("and recommends you see a vet in person (soon)")
        assert notice.body == (
            "Needs a doctor or another professional in person. It needs an examination.\n\n"
            "Jeremy Lanfranco recommends you see a vet in person — Soon: within the next few days."
        )
        assert "recommends you see a vet in person (soon)" in mail.outbox[-1].subject

    def test_the_words(self, question, jeremy):
        answer = answer_with_referral(question, jeremy, referral="other", referral_urgency="soon")

        assert (
            referrals.phrase(answer) == "recommends you see another professional in person (soon)"
        )
        assert referrals.urgency_words(answer) == "Soon: within the next few days"
        assert referrals.as_data(answer) == {
            "kind": "other",
            "label": "another professional",
            "urgency": "soon",
            "note": "",
        }
        answer.referral = ""
        assert referrals.phrase(answer) == referrals.sentence(answer, "J") == ""
        assert referrals.as_data(answer) is None


# -- The scorecard and the API --------------------------------------------------------------------


class TestScorecardAndApi:
    def test_only_public_visible_answers_with_a_referral_count(self, massage, jeremy):
        answer_with_referral(QuestionFactory(category=massage, expert=jeremy), jeremy)
        answer_with_referral(QuestionFactory(category=massage, expert=jeremy), jeremy)
        AnswerFactory(question=QuestionFactory(category=massage, expert=jeremy), author=jeremy)
        private = QuestionFactory(category=massage, expert=jeremy, visibility="private")
        answer_with_referral(private, jeremy)
        hidden = answer_with_referral(QuestionFactory(category=massage, expert=jeremy), jeremy)
        actions.hide(item=hidden, moderator=ModeratorFactory(), reason="Unsafe advice")

        profile = jeremy.expert_profile
        profile.refresh_from_db()
        assert (profile.answer_total, profile.referral_total) == (3, 2)
        assert scorecard.refresh(jeremy.pk).referral_total == 2

        html = Client().get(profile.get_absolute_url()).text
        assert "Refers to a professional" in html
        assert "In 67% of answers (2)" in html
        category = Client().get(massage.get_absolute_url()).text
        assert "refers to a professional in 67% of answers" in category

    def test_an_expert_who_never_refers_says_so(self, jeremy):
        html = Client().get(jeremy.expert_profile.get_absolute_url()).text

        assert "None so far" in html

    def test_the_api_gives_the_referral_of_each_answer(self, question, jeremy, massage):
        answer_with_referral(question, jeremy, referral_note="a GP")
        other = ExpertProfileFactory(categories=[massage]).user
        plain = QuestionFactory(category=massage)
        AnswerFactory(question=plain, author=other)

        data = Client().get(f"/api/v1/questions/{question.pk}").json()
        plain_data = Client().get(f"/api/v1/questions/{plain.pk}").json()
        expert = Client().get(f"/api/v1/experts/{jeremy.handle}").json()

        assert data["answers"][0]["referral"] == {
            "kind": "doctor",
            "label": "a doctor",
            "urgency": "urgent",
            "note": "a GP",
        }
        assert plain_data["answers"][0]["referral"] is None
        assert expert["scorecard"]["referral_total"] == 1


# -- What it costs --------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["visitor", "member", "asker", "moderator"])
def test_referrals_cost_the_thread_page_no_query(massage, viewer):
    from tests.test_query_counts import queries

    asker = UserFactory()
    plain = QuestionFactory(category=massage, asker=asker)
    referred = QuestionFactory(category=massage, asker=asker)
    for n in range(5):
        for thread, details in ((plain, {}), (referred, {"referral": "doctor"})):
            expert = ExpertProfileFactory(categories=[massage]).user
            if details:
                details = {**details, "referral_urgency": "urgent", "referral_note": f"n{n}"}
            AnswerFactory(question=thread, author=expert, **details)
    client = {
        "visitor": Client,
        "member": lambda: signed_in(UserFactory()),
        "asker": lambda: signed_in(asker),
        "moderator": lambda: signed_in(ModeratorFactory()),
    }[viewer]()

    assert queries(client, referred.get_absolute_url()) == queries(client, plain.get_absolute_url())
    assert "recommends you see a doctor" in client.get(referred.get_absolute_url()).text
