"""Every registered action keeps derived data whole and moves the page cache on.

The list comes from the action registry (accounts.actions.REGISTRY), so an
action added without a scenario here fails `test_every_action_has_a_scenario`.
Each scenario prepares what its action needs, then the action runs once; after
it, the search entries, answer counts and statuses, expert scorecards and
notification redactions must equal what a full rebuild computes from the
posts, and an action that changes what pages show must have moved the
page-cache generation. A write path that forgets its hook, or refreshes
another thread's or expert's figures than the ones it touched, fails here.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from accounts import actions as account_actions
from accounts.actions import REGISTRY
from accounts.forms import ProfileForm
from accounts.models import CannedReason, Notification
from accounts.reasons import CannedReasonForm
from config import pagecache
from experts import actions as expert_actions
from experts import scorecard
from experts.forms import AlertsForm, ApplicationForm, AvailabilityForm, CredentialFormSet
from experts.forms import ProfileForm as ExpertProfileForm
from experts.models import CategoryRequest, ExpertProfile
from forum import actions, search
from forum.actions.hooks import recount, redact_notifications
from forum.models import Answer, Question, SearchEntry
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


@pytest.fixture
def w():
    """A small site with a thread at every stage the actions start from."""
    health = CategoryFactory(name="Health", slug="health")
    massage = CategoryFactory(name="Massage", slug="massage", parent=health)
    law = CategoryFactory(name="Law", slug="law")
    asker = UserFactory()
    jeremy = ExpertProfileFactory(categories=[massage]).user
    erin = ExpertProfileFactory(categories=[massage]).user
    moderator = ModeratorFactory()
    answered = QuestionFactory(category=massage, asker=asker, expert=jeremy)
    answer = AnswerFactory(question=answered, author=jeremy, body="Ice it, then stretch.")
    FollowUpFactory(answer=answer, body="For how long?")
    actions.rate_answer(answer=answer, rater=asker, knowledgeability=8, clarity=8, politeness=9)
    open_answer = AnswerFactory(
        question=QuestionFactory(category=massage, asker=UserFactory(), expert=None), author=erin
    )
    declined = QuestionFactory(category=massage, asker=asker, expert=erin)
    actions.decline_question(question=declined, expert=erin, reason="not_my_area")
    return SimpleNamespace(
        health=health,
        massage=massage,
        law=law,
        asker=asker,
        jeremy=jeremy,
        erin=erin,
        moderator=moderator,
        staff=UserFactory(is_staff=True),
        member=UserFactory(),
        answered=answered,
        answer=answer,
        open_answer=open_answer,
        awaiting=QuestionFactory(category=massage, asker=asker, expert=jeremy),
        declined=declined,
        private=QuestionFactory(
            category=massage, asker=UserFactory(), expert=jeremy, visibility="private"
        ),
        pending=ExpertProfileFactory(status="pending", categories=[massage]),
        credential=CredentialFactory(profile=jeremy.expert_profile),
    )


# -- The scenarios: each prepares, then returns the one call of its action --------------------

SCENARIOS = {}


def scenario(name):
    def register(prepare):
        SCENARIOS[name] = prepare
        return prepare

    return register


def valid(form):
    assert form.is_valid(), form.errors
    return form


@scenario("accounts.suspend_user")
def _(w):
    return lambda: account_actions.suspend_user(user=w.jeremy, moderator=w.moderator, reason="x")


@scenario("accounts.lift_suspension")
def _(w):
    account_actions.suspend_user(user=w.jeremy, moderator=w.moderator, reason="x")
    return lambda: account_actions.lift_suspension(user=w.jeremy, moderator=w.moderator)


@scenario("accounts.warn_user")
def _(w):
    return lambda: account_actions.warn_user(
        user=w.jeremy, moderator=w.moderator, message="Be civil to askers."
    )


@scenario("accounts.add_moderator_note")
def _(w):
    return lambda: account_actions.add_moderator_note(
        member=w.jeremy, moderator=w.moderator, body="Rude twice this month."
    )


@scenario("accounts.create_api_token")
def _(w):
    return lambda: account_actions.create_api_token(user=w.asker, name="My script")


@scenario("accounts.revoke_api_token")
def _(w):
    token, _ = account_actions.create_api_token(user=w.asker, name="My script")
    return lambda: account_actions.revoke_api_token(user=w.asker, token=token)


@scenario("accounts.note_api_token_use")
def _(w):
    token, _ = account_actions.create_api_token(user=w.asker, name="My script")
    return lambda: account_actions.note_api_token_use(token_id=token.pk)


@scenario("accounts.expire_suspension")
def _(w):
    until = timezone.now() + timedelta(days=1)
    account_actions.suspend_user(user=w.jeremy, moderator=w.moderator, reason="x", until=until)
    type(w.jeremy).objects.filter(pk=w.jeremy.pk).update(suspended_until=timezone.now())
    return lambda: account_actions.expire_suspension(user=w.jeremy)


@scenario("accounts.set_moderator")
def _(w):
    return lambda: account_actions.set_moderator(user=w.member, granted=True)


@scenario("accounts.update_account")
def _(w):
    form = valid(
        ProfileForm({"display_name": "Jeremy L.", "handle": "jeremy-l"}, instance=w.jeremy)
    )
    return lambda: account_actions.update_account(user=w.jeremy, form=form)


@scenario("accounts.staff_save_user")
def _(w):
    w.jeremy.display_name = "Jeremy Lanfranco"
    form = SimpleNamespace(changed_data=["display_name"])
    return lambda: account_actions.staff_save_user(
        staff=w.staff, user=w.jeremy, form=form, change=True
    )


@scenario("accounts.set_notification_preferences")
def _(w):
    return lambda: account_actions.set_notification_preferences(
        user=w.asker, channels={"answer": "onsite"}, daily_digest=True
    )


@scenario("accounts.unsubscribe")
def _(w):
    return lambda: account_actions.unsubscribe(user=w.asker, kind="answer")


@scenario("accounts.mark_read")
def _(w):
    return lambda: account_actions.mark_read(user=w.asker)


@scenario("accounts.send_contact_message")
def _(w):
    return lambda: account_actions.send_contact_message(
        sender=w.member, email="", topic="other", subject="Hello", body="A question."
    )


@scenario("accounts.update_contact_message")
def _(w):
    message, _ = account_actions.send_contact_message(
        sender=None, email="visitor@example.com", topic="other", subject="Hi", body="Text."
    )
    return lambda: account_actions.update_contact_message(
        message=message, moderator=w.moderator, handled=True
    )


@scenario("accounts.save_canned_reason")
def _(w):
    form = valid(CannedReasonForm({"use": "hide", "text": "Spam.", "position": 0}))
    return lambda: account_actions.save_canned_reason(moderator=w.moderator, form=form)


@scenario("accounts.delete_canned_reason")
def _(w):
    reason = CannedReason.objects.create(use="hide", text="Spam.")
    return lambda: account_actions.delete_canned_reason(moderator=w.moderator, reason=reason)


@scenario("forum.save_category")
def _(w):
    w.massage.name = "Sports massage"
    w.massage.slug = "sports-massage"
    return lambda: actions.save_category(staff=w.staff, category=w.massage, changed=["name"])


@scenario("forum.set_guidance")
def _(w):
    return lambda: actions.set_guidance(
        moderator=w.moderator,
        category=w.massage,
        guidance="Answers are not medical advice; in an emergency call 112.",
    )


@scenario("forum.ask_question")
def _(w):
    return lambda: actions.ask_question(
        asker=w.member,
        category=w.massage,
        title="Shin splints after a marathon",
        body="They hurt on stairs.",
        visibility="public",
        expert=w.erin,
    )


@scenario("forum.post_answer")
def _(w):
    return lambda: actions.post_answer(question=w.awaiting, author=w.jeremy, body="Rest it.")


@scenario("forum.edit_answer")
def _(w):
    return lambda: actions.edit_answer(
        answer=w.answer, editor=w.jeremy, body="Heat, then stretch.", base_version=1
    )


@scenario("forum.decline_question")
def _(w):
    return lambda: actions.decline_question(
        question=w.awaiting, expert=w.jeremy, reason="too_vague"
    )


@scenario("forum.reroute_question")
def _(w):
    return lambda: actions.reroute_question(
        question=w.declined, asker=w.asker, category=w.massage, expert=w.jeremy
    )


@scenario("forum.post_follow_up")
def _(w):
    return lambda: actions.post_follow_up(answer=w.answer, author=w.jeremy, body="Two weeks.")


@scenario("forum.resolve_question")
def _(w):
    return lambda: actions.resolve_question(question=w.answered, asker=w.asker, confirmed=True)


@scenario("forum.reopen_question")
def _(w):
    actions.resolve_question(question=w.answered, asker=w.asker, confirmed=True)
    return lambda: actions.reopen_question(question=w.answered, asker=w.asker)


@scenario("forum.edit_own_question")
def _(w):
    return lambda: actions.edit_own_question(
        question=w.declined,
        asker=w.asker,
        title="IT band pain after long runs",
        body=w.declined.body,
        category=w.health,
        visibility="private",
        base_version=1,
    )


@scenario("forum.withdraw_question")
def _(w):
    return lambda: actions.withdraw_question(question=w.awaiting, asker=w.asker)


@scenario("forum.ask_again")
def _(w):
    actions.withdraw_question(question=w.awaiting, asker=w.asker)
    return lambda: actions.ask_again(question=w.awaiting, asker=w.asker)


@scenario("forum.expire_question")
def _(w):
    Question.objects.filter(pk=w.awaiting.pk).update(
        addressed_at=timezone.now() - timedelta(days=30)
    )
    return lambda: actions.expire_question(question=w.awaiting)


@scenario("forum.return_to_asker")
def _(w):
    ExpertProfile.objects.filter(user=w.jeremy).update(accepting_questions=False)
    return lambda: actions.return_to_asker(question=w.awaiting)


@scenario("experts.come_back")
def _(w):
    ExpertProfile.objects.filter(user=w.erin).update(
        accepting_questions=False, away_until=timezone.localdate() - timedelta(days=1)
    )
    return lambda: expert_actions.come_back(profile=w.erin.expert_profile)


@scenario("experts.start_vacation")
def _(w):
    ExpertProfile.objects.filter(user=w.jeremy).update(
        away_from=timezone.localdate(), away_until=timezone.localdate() + timedelta(days=7)
    )
    return lambda: expert_actions.start_vacation(profile=w.jeremy.expert_profile)


@scenario("experts.reply_to_thank_you")
def _(w):
    rating, _ = actions.rate_answer(
        answer=w.answer,
        rater=w.asker,
        knowledgeability=9,
        clarity=9,
        politeness=10,
        thank_you_note="Thank you, it helped.",
    )
    return lambda: expert_actions.reply_to_thank_you(
        rating=rating, expert=w.jeremy, text="Glad it did!"
    )


@scenario("forum.rate_answer")
def _(w):
    return lambda: actions.rate_answer(
        answer=w.answer, rater=w.asker, knowledgeability=2, clarity=3, politeness=4
    )


@scenario("forum.record_outcome")
def _(w):
    # A week and more after the answer, the asker says following it helped.
    Answer.objects.filter(pk=w.answer.pk).update(created_at=timezone.now() - timedelta(days=8))
    return lambda: actions.record_outcome(answer=w.answer, asker=w.asker, outcome="helped")


@scenario("forum.flag")
def _(w):
    # The third flag hides the answer automatically.
    for _ in range(2):
        actions.flag(item=w.open_answer, flagger=UserFactory(), reason="spam")
    return lambda: actions.flag(item=w.open_answer, flagger=UserFactory(), reason="spam")


@scenario("forum.hide")
def _(w):
    return lambda: actions.hide(item=w.answer, moderator=w.moderator, reason="Unsafe advice")


@scenario("forum.restore")
def _(w):
    actions.hide(item=w.answered, moderator=w.moderator, reason="Off topic")
    return lambda: actions.restore(item=w.answered, moderator=w.moderator)


@scenario("forum.dismiss_flags")
def _(w):
    actions.flag(item=w.answer, flagger=w.member, reason="spam")
    return lambda: actions.dismiss_flags(item=w.answer, moderator=w.moderator)


@scenario("forum.request_review")
def _(w):
    actions.hide(item=w.answer, moderator=w.moderator, reason="A shop link.")
    w.answer.refresh_from_db()
    actions.edit_answer(answer=w.answer, editor=w.jeremy, body="No link.", base_version=1)
    return lambda: actions.request_review(item=w.answer, author=w.jeremy)


@scenario("forum.keep_hidden")
def _(w):
    actions.hide(item=w.answer, moderator=w.moderator, reason="A shop link.")
    return lambda: actions.keep_hidden(item=w.answer, moderator=w.moderator, reason="Still.")


@scenario("forum.require_disclosure")
def _(w):
    # The answer's only one: hiding it returns the question; the author's disclosure is
    # the edit that shows it again (covered by tests/forum/test_disclosures.py).
    actions.flag(item=w.answer, flagger=w.member, reason="conflict")
    return lambda: actions.require_disclosure(
        moderator=w.moderator, answer=w.answer, reason="You sell what you recommend."
    )


@scenario("forum.set_featured")
def _(w):
    return lambda: actions.set_featured(answer=w.answer, moderator=w.moderator, featured=True)


@scenario("forum.set_locked")
def _(w):
    return lambda: actions.set_locked(question=w.answered, moderator=w.moderator, locked=True)


@scenario("forum.edit_question")
def _(w):
    return lambda: actions.edit_question(
        question=w.answered,
        moderator=w.moderator,
        title="IT band pain after long runs",
        body=w.answered.body,
        category=w.health,
        base_version=1,
    )


@scenario("forum.moderator_edit_answer")
def _(w):
    return lambda: actions.moderator_edit_answer(
        answer=w.answer, moderator=w.moderator, body="Ice it.", base_version=1
    )


@scenario("forum.roll_back")
def _(w):
    actions.edit_answer(answer=w.answer, editor=w.jeremy, body="Heat it.", base_version=1)
    revision = w.answer.revisions.get()
    return lambda: actions.roll_back(revision=revision, moderator=w.moderator, base_version=2)


@scenario("forum.refresh_thread")
def _(w):
    # Written around the actions, as a bulk load does: the hook puts it right.
    Answer.objects.filter(pk=w.answer.pk).update(is_hidden=True)
    return lambda: actions.refresh_thread(question=w.answered)


@scenario("forum.rerender_thread")
def _(w):
    Answer.objects.filter(pk=w.answer.pk).update(body_html="<p>An old rendering.</p>")
    return lambda: actions.rerender_thread(question=w.answered)


def credentials_data(**extra):
    return {"credentials-TOTAL_FORMS": "0", "credentials-INITIAL_FORMS": "0", **extra}


@scenario("experts.submit_application")
def _(w):
    data = credentials_data(
        headline="Sports physiotherapist",
        expertise="Running injuries.",
        categories=[w.massage.pk],
    )
    form = valid(ApplicationForm(data, instance=ExpertProfile(user=w.member)))
    formset = valid(CredentialFormSet(data, prefix="credentials"))
    return lambda: expert_actions.submit_application(user=w.member, form=form, credentials=formset)


@scenario("experts.update_profile")
def _(w):
    profile = w.erin.expert_profile
    data = credentials_data(headline="Massage therapist", expertise="Backs and shoulders.")
    form = valid(ExpertProfileForm(data, instance=profile))
    formset = valid(CredentialFormSet(data, instance=profile, prefix="credentials"))
    return lambda: expert_actions.update_profile(user=w.erin, form=form, credentials=formset)


@scenario("experts.set_availability")
def _(w):
    profile = w.jeremy.expert_profile
    form = valid(
        AvailabilityForm({"daily_question_limit": 2, "time_zone": "Asia/Tokyo"}, instance=profile)
    )
    return lambda: expert_actions.set_availability(user=w.jeremy, form=form)


@scenario("experts.set_alerts")
def _(w):
    profile = w.jeremy.expert_profile
    form = valid(AlertsForm({"alert_categories": [w.massage.pk]}, instance=profile))
    return lambda: expert_actions.set_alerts(user=w.jeremy, form=form)


@scenario("experts.remove_category")
def _(w):
    return lambda: expert_actions.remove_category(
        user=w.erin, profile=w.erin.expert_profile, category_id=w.massage.pk
    )


@scenario("experts.request_categories")
def _(w):
    return lambda: expert_actions.request_categories(
        user=w.jeremy, profile=w.jeremy.expert_profile, categories=[w.law]
    )


@scenario("experts.approve")
def _(w):
    return lambda: expert_actions.approve(profile=w.pending, moderator=w.moderator)


@scenario("experts.refuse")
def _(w):
    return lambda: expert_actions.refuse(profile=w.pending, moderator=w.moderator, reason="No.")


@scenario("experts.suspend")
def _(w):
    return lambda: expert_actions.suspend(
        profile=w.jeremy.expert_profile, moderator=w.moderator, reason="Rude."
    )


@scenario("experts.restore")
def _(w):
    profile = w.jeremy.expert_profile
    expert_actions.suspend(profile=profile, moderator=w.moderator, reason="Rude.")
    return lambda: expert_actions.restore(profile=profile, moderator=w.moderator)


@scenario("experts.verify_credential")
def _(w):
    return lambda: expert_actions.verify_credential(credential=w.credential, moderator=w.moderator)


@scenario("experts.reject_credential")
def _(w):
    return lambda: expert_actions.reject_credential(
        credential=w.credential, moderator=w.moderator, reason="The link does not open."
    )


@scenario("experts.decide_category_request")
def _(w):
    profile = w.jeremy.expert_profile
    expert_actions.request_categories(user=w.jeremy, profile=profile, categories=[w.law])
    request = CategoryRequest.objects.get(profile=profile)
    return lambda: expert_actions.decide_category_request(
        request=request, moderator=w.moderator, approved=True
    )


def _publication(w, steps=0):
    """w.private answered by its expert, its publication taken `steps` steps along."""
    actions.post_answer(question=w.private, author=w.jeremy, body="Private advice, Elmwood.")
    request = None
    if steps >= 1:
        request = actions.request_publication(question=w.private, user=w.jeremy)
    if steps >= 2:
        request = actions.agree_publication(request=request, user=w.private.asker)
    if steps >= 3:
        request = actions.submit_for_review(request=request, user=w.private.asker, text="Elmwood")
    return request


@scenario("forum.request_publication")
def _(w):
    _publication(w)
    return lambda: actions.request_publication(question=w.private, user=w.private.asker)


@scenario("forum.agree_publication")
def _(w):
    request = _publication(w, 1)
    return lambda: actions.agree_publication(request=request, user=w.private.asker)


@scenario("forum.withdraw_publication")
def _(w):
    request = _publication(w, 2)
    return lambda: actions.withdraw_publication(request=request, user=w.jeremy)


@scenario("forum.set_redactions")
def _(w):
    request = _publication(w, 2)
    return lambda: actions.set_redactions(request=request, user=w.private.asker, text="Elmwood")


@scenario("forum.submit_for_review")
def _(w):
    request = _publication(w, 2)
    return lambda: actions.submit_for_review(request=request, user=w.private.asker)


@scenario("forum.return_publication")
def _(w):
    request = _publication(w, 3)
    return lambda: actions.return_publication(
        request=request, moderator=w.moderator, note="Remove the park's name too."
    )


@scenario("forum.publish")
def _(w):
    request = _publication(w, 3)
    return lambda: actions.publish(request=request, moderator=w.moderator)


# -- What a full rebuild computes ----------------------------------------------------------------


ENTRY_FIELDS = [
    field.name for field in SearchEntry._meta.concrete_fields if field.name not in ("id", "vector")
]


def derived_state():
    """Everything the hooks keep, in a comparable form."""
    return {
        "search entries": sorted(SearchEntry.objects.values_list(*ENTRY_FIELDS)),
        "questions": list(
            Question.objects.order_by("pk").values_list(
                "pk", "answer_count", "answered_at", "best_rating", "status"
            )
        ),
        "scorecards": list(
            ExpertProfile.objects.order_by("pk").values_list("user_id", *scorecard.FIELDS)
        ),
        "redactions": list(Notification.objects.order_by("pk").values_list("pk", "redacted")),
    }


def full_rebuild():
    """Every piece of derived data made again from the posts, for every thread and expert."""
    search.rebuild_index()
    scorecard.refresh_all()
    with transaction.atomic():
        for question in Question.objects.select_for_update().order_by("pk"):
            recount(question)
            redact_notifications(question)


# -- The tests -----------------------------------------------------------------------------------

# What the issue lists as writes that must go through the layer.
EXPECTED = {
    "forum.ask_question", "forum.post_answer", "forum.decline_question",
    "forum.reroute_question", "forum.post_follow_up", "forum.rate_answer",
    "forum.resolve_question", "forum.reopen_question", "forum.expire_question",
    "forum.return_to_asker", "forum.edit_answer", "forum.flag", "forum.hide", "forum.restore",
    "forum.dismiss_flags", "forum.set_featured", "forum.set_locked", "forum.edit_question",
    "forum.moderator_edit_answer", "forum.roll_back", "accounts.suspend_user",
    "accounts.lift_suspension", "experts.submit_application", "experts.approve",
    "experts.refuse", "experts.suspend", "experts.restore", "experts.verify_credential",
    "experts.decide_category_request", "accounts.set_notification_preferences",
}  # fmt: skip


def test_the_registry_holds_every_write_the_site_makes():
    assert set(REGISTRY) >= EXPECTED


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_action_has_a_scenario(name):
    assert name in SCENARIOS, f"{name} is registered but never exercised here"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_an_action_leaves_derived_data_as_a_full_rebuild_would(
    name, w, django_capture_on_commit_callbacks
):
    act = SCENARIOS[name](w)
    before = pagecache.generation()

    with django_capture_on_commit_callbacks(execute=True):
        act()

    if REGISTRY[name].shown:
        assert pagecache.generation() > before, f"{name} did not move the page cache on"
    after = derived_state()
    full_rebuild()
    assert derived_state() == after


def test_the_rebuild_notices_a_write_that_skipped_its_hook(w):
    """The check above is not vacuous: a write around the actions is caught."""
    Answer.objects.filter(pk=w.answer.pk).update(is_hidden=True)
    before = derived_state()

    full_rebuild()

    assert derived_state() != before


def test_a_denied_action_writes_nothing(w):
    before = derived_state()
    generation = pagecache.generation()

    with pytest.raises(account_actions.Refused):
        actions.hide(item=w.answer, moderator=w.member, reason="Not a moderator")
    with pytest.raises(account_actions.NotFound):
        actions.resolve_question(question=w.private, asker=w.member)

    assert derived_state() == before
    assert pagecache.generation() == generation
