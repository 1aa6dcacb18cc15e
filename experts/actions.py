"""The experts' actions: applying, keeping a profile, and moderators' decisions about experts.

Each is one transaction (see accounts.actions) that locks the profile row
first and ends with expert_changed(), the hook that refreshes the expert's
scorecard and moves the page cache on.
"""

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accounts.actions import NotFound, action, require
from accounts.audit import AuditAction, record
from accounts.notifications import NotificationKind, notify
from accounts.roles import is_suspended, why_cannot_post
from accounts.signals import stopped_taking_questions
from config.pagecache import content_changed

from . import scorecard
from .models import CategoryRequest, Credential, ExpertProfile, ExpertStatus, Rating, RequestStatus
from .permissions import can_apply, can_decide, can_manage, can_reply_to_thank_you

CREDENTIAL_FIELDS = ("kind", "title", "issuer", "year", "link")
REPLY_LENGTH = Rating._meta.get_field("reply").max_length
REJECTION_LENGTH = Credential._meta.get_field("rejection_reason").max_length


def expert_changed(profile):
    """The post-write hook of an expert: their scorecard, then the pages that show them."""
    scorecard.refresh(profile.user_id)
    content_changed()


def _lock(profile) -> ExpertProfile:
    locked = ExpertProfile.objects.select_for_update(of=("self",), no_key=True)
    return locked.select_related("user").get(pk=profile.pk)


def _save_form(form):
    """Save a profile form's own fields only: the scorecard on the row is the hook's to write."""
    instance = form.save(commit=False)
    fields = [name for name in form._meta.fields if not instance._meta.get_field(name).many_to_many]
    if instance.pk is None:
        instance.save()
    else:
        instance.save(update_fields=fields)
    form.save_m2m()
    return instance


def _save_credentials(formset, profile):
    """Save a credential formset; a material change to a verified credential unverifies it."""
    formset.instance = profile
    for form in formset.forms:
        credential = form.instance
        material = any(field in form.changed_data for field in CREDENTIAL_FIELDS)
        if credential.pk and credential.verified_at and material:
            credential.verified_at = None
            credential.verified_by = None
        if credential.pk and credential.rejected_at and material:
            # Corrected after a rejection: back in the moderators' queue.
            credential.rejected_at = None
            credential.rejected_by = None
            credential.rejection_reason = ""
    formset.save()


# -- The member's application and the expert's own page ---------------------------------------


@action
def submit_application(*, user, form, credentials) -> ExpertProfile:
    """Create or resubmit the member's application; a refused one goes back to pending.

    `form` is a bound, valid ApplicationForm for the user's profile (new or
    existing) and `credentials` its valid credential formset.
    """
    current = ExpertProfile.objects.select_for_update(no_key=True).filter(user=user).first()
    require(can_apply(user, current), "You are an expert already: keep your profile instead.")
    form.instance.user = user
    profile = _save_form(form)
    if profile.status in (ExpertStatus.REFUSED, ""):
        profile.status = ExpertStatus.PENDING
    profile.refusal_reason = ""
    profile.save(update_fields=["status", "refusal_reason"])
    _save_credentials(credentials, profile)
    expert_changed(profile)
    return profile


@action
def update_profile(*, user, form, credentials) -> ExpertProfile:
    require(can_manage(user, form.instance), "You can only change your own profile.")
    _lock(form.instance)
    profile = _save_form(form)
    _save_credentials(credentials, profile)
    expert_changed(profile)
    return profile


@action
def set_availability(*, user, form) -> ExpertProfile:
    """Vacation, return date and daily limit (`form`: a valid AvailabilityForm of theirs)."""
    require(can_manage(user, form.instance), "You can only change your own availability.")
    _lock(form.instance)
    profile = _save_form(form)
    if profile.is_away:
        stopped_taking_questions.send(sender=__name__, user=user)
    expert_changed(profile)
    return profile


@action
def come_back(*, profile) -> bool:
    """A vacation whose return date has passed ends (manage.py run_lifecycle).

    Pages already treat the expert as back from that date; this tidies the
    flags so the expert's own page says so too. Returns whether it changed.
    """
    profile = _lock(profile)
    if profile.is_away or profile.vacation_planned:
        return False
    if profile.accepting_questions and profile.away_from is None:
        return False
    profile.accepting_questions = True
    profile.away_until = None
    profile.away_from = None
    profile.save(update_fields=["accepting_questions", "away_until", "away_from"])
    expert_changed(profile)
    return True


@action
def start_vacation(*, profile) -> bool:
    """A vacation planned ahead starts on its first day (manage.py run_lifecycle).

    Pages count the expert away from that day already; this does what going
    away by hand does (their waiting questions go back to the askers, queued
    open-question e-mails are not sent) and unticks "Accepting questions", so
    it happens once however often the job runs. Returns whether it started.
    """
    profile = _lock(profile)
    if not (profile.accepting_questions and profile.away_from and profile.is_away):
        return False
    profile.accepting_questions = False
    profile.save(update_fields=["accepting_questions"])
    stopped_taking_questions.send(sender=__name__, user=profile.user)
    expert_changed(profile)
    return True


@action
def set_alerts(*, user, form) -> ExpertProfile:
    """The categories whose open questions the expert hears about (`form`: an AlertsForm)."""
    require(can_manage(user, form.instance), "You can only change your own alerts.")
    _lock(form.instance)
    profile = _save_form(form)
    expert_changed(profile)
    return profile


@action
def remove_category(*, user, profile, category_id) -> ExpertProfile:
    """Leaving a category needs no approval."""
    require(can_manage(user, profile), "You can only change your own categories.")
    profile = _lock(profile)
    profile.categories.remove(*profile.categories.filter(pk=category_id))
    expert_changed(profile)
    return profile


@action
def request_categories(*, user, profile, categories) -> list[CategoryRequest]:
    """An approved expert asks for more categories; moderators decide each."""
    require(can_manage(user, profile), "You can only ask for categories for yourself.")
    profile = _lock(profile)
    requests = []
    for category in categories:
        request, _ = CategoryRequest.objects.get_or_create(
            profile=profile, category=category, status=RequestStatus.PENDING
        )
        requests.append(request)
    expert_changed(profile)
    return requests


# -- Moderators' decisions -----------------------------------------------------------------------


def _decide(profile, moderator, *, allowed_from, verb):
    """Lock the profile and check the moderator and the move from its current status."""
    require(can_decide(moderator, profile), "Moderators decide about other experts only.")
    profile = _lock(profile)
    require(
        profile.status in allowed_from,
        f"This expert is {profile.get_status_display().lower()}: they cannot be {verb} now.",
    )
    return profile


def _record(profile, moderator, action, reason="", target=None, before=None, after=None):
    """Every decision about an expert goes into the audit log, in the same transaction."""
    return record(
        actor=moderator,
        action=action,
        target=target or profile,
        reason=reason,
        before=before,
        after=after,
        subject=profile.user,
    )


@action
def approve(*, profile, moderator, reason="") -> ExpertProfile:
    profile = _decide(
        profile,
        moderator,
        allowed_from={ExpertStatus.PENDING, ExpertStatus.REFUSED},
        verb="approved",
    )
    profile.status = ExpertStatus.APPROVED
    profile.approved_at = profile.approved_at or timezone.now()
    profile.refusal_reason = ""
    profile.save(update_fields=["status", "approved_at", "refusal_reason"])
    _record(profile, moderator, AuditAction.APPROVE_EXPERT, reason, after={"status": "approved"})
    # New experts hear about open questions in their categories until they say otherwise.
    profile.alert_categories.add(*profile.categories.all())
    notify(
        profile.user,
        NotificationKind.EXPERT_DECISION,
        title="You are now an approved expert",
        body="Askers can pick you, and questions for you arrive in your inbox.",
        url=reverse("forum:inbox"),
    )
    expert_changed(profile)
    return profile


@action
def refuse(*, profile, moderator, reason) -> ExpertProfile:
    profile = _decide(profile, moderator, allowed_from={ExpertStatus.PENDING}, verb="refused")
    profile.status = ExpertStatus.REFUSED
    profile.refusal_reason = reason
    profile.save(update_fields=["status", "refusal_reason"])
    _record(profile, moderator, AuditAction.REFUSE_EXPERT, reason, after={"status": "refused"})
    notify(
        profile.user,
        NotificationKind.EXPERT_DECISION,
        title="Your expert application was not approved",
        body=reason,
        url=reverse("experts:apply"),
    )
    expert_changed(profile)
    return profile


@action
def suspend(*, profile, moderator, reason) -> ExpertProfile:
    profile = _decide(profile, moderator, allowed_from={ExpertStatus.APPROVED}, verb="suspended")
    profile.status = ExpertStatus.SUSPENDED
    profile.save(update_fields=["status"])
    stopped_taking_questions.send(sender=__name__, user=profile.user)
    _record(profile, moderator, AuditAction.SUSPEND_EXPERT, reason, after={"status": "suspended"})
    # An account notice: it cannot be switched off, and the form tells the moderator so.
    notify(
        profile.user,
        NotificationKind.ACCOUNT,
        title="Your expert profile is suspended",
        body=(
            f"Reason: {reason} Your profile is hidden and askers cannot pick you until a "
            "moderator restores it. You can still read and ask as a member."
        ),
        url=reverse("experts:manage"),
    )
    expert_changed(profile)
    return profile


@action
def restore(*, profile, moderator, reason="") -> ExpertProfile:
    profile = _decide(profile, moderator, allowed_from={ExpertStatus.SUSPENDED}, verb="restored")
    profile.status = ExpertStatus.APPROVED
    profile.save(update_fields=["status"])
    _record(profile, moderator, AuditAction.RESTORE_EXPERT, reason, after={"status": "approved"})
    note = f"Note from the moderators: {reason} " if reason else ""
    notify(
        profile.user,
        NotificationKind.ACCOUNT,
        title="Your expert profile is restored",
        body=f"{note}Your profile is public again, and questions for you arrive in your inbox.",
        url=reverse("forum:inbox"),
    )
    expert_changed(profile)
    return profile


@action
def verify_credential(*, credential, moderator, verified=True):
    require(
        can_decide(moderator, credential.profile),
        "Moderators verify other experts' credentials, not their own.",
    )
    profile = _lock(credential.profile)
    credential.verified_at = timezone.now() if verified else None
    credential.verified_by = moderator if verified else None
    fields = ["verified_at", "verified_by"]
    if verified:
        # Checked after all: a rejection made earlier no longer stands.
        credential.rejected_at, credential.rejected_by, credential.rejection_reason = None, None, ""
        fields += ["rejected_at", "rejected_by", "rejection_reason"]
    credential.save(update_fields=fields)
    action = AuditAction.VERIFY_CREDENTIAL if verified else AuditAction.UNVERIFY_CREDENTIAL
    _record(profile, moderator, action, target=credential)
    if verified:
        notify(
            profile.user,
            NotificationKind.CREDENTIAL_VERIFIED,
            title=f"Your credential “{credential.title}” was verified",
            url=profile.get_absolute_url(),
        )
    expert_changed(profile)
    return credential


@action
def reject_credential(*, credential, moderator, reason) -> Credential:
    """A moderator could not check a credential: it leaves the queue, and the expert sees
    why beside it on their page. Correcting it puts it back (_save_credentials).

    A verified credential is not rejected: the moderator withdraws the verification
    first, a separate decision with its own audit entry.
    """
    require(
        can_decide(moderator, credential.profile),
        "Moderators check other experts' credentials, not their own.",
    )
    profile = _lock(credential.profile)
    credential = Credential.objects.select_for_update(no_key=True).get(pk=credential.pk)
    reason = reason.strip()
    require(reason, "Give a reason: the expert reads it.")
    require(
        credential.verified_at is None,
        f"“{credential.title}” is verified: withdraw the verification before rejecting it.",
    )
    require(credential.rejected_at is None, f"“{credential.title}” was rejected already.")
    credential.rejected_at = timezone.now()
    credential.rejected_by = moderator
    credential.rejection_reason = reason[:REJECTION_LENGTH]
    credential.save(update_fields=["rejected_at", "rejected_by", "rejection_reason"])
    _record(profile, moderator, AuditAction.REJECT_CREDENTIAL, reason, target=credential)
    notify(
        profile.user,
        NotificationKind.CREDENTIAL_VERIFIED,
        title=f"Your credential “{credential.title}” could not be verified",
        body=(
            f"Reason: {credential.rejection_reason} Correct it on your expert page and it goes "
            "back to the moderators."
        ),
        url=f"{reverse('experts:manage')}#credential-{credential.pk}",
    )
    expert_changed(profile)
    return credential


@action
def decide_category_request(*, request, moderator, approved, reason="") -> CategoryRequest:
    require(
        can_decide(moderator, request.profile),
        "Moderators decide other experts' category requests, not their own.",
    )
    profile = _lock(request.profile)
    request = CategoryRequest.objects.select_for_update().get(pk=request.pk)
    require(request.status == RequestStatus.PENDING, "This request was decided already.")
    request.status = RequestStatus.APPROVED if approved else RequestStatus.REFUSED
    request.reason = reason
    request.decided_by = moderator
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    if approved:
        profile.categories.add(request.category)
    action = AuditAction.APPROVE_CATEGORY if approved else AuditAction.REFUSE_CATEGORY
    _record(profile, moderator, action, reason, after={"category": request.category.name})
    expert_changed(profile)
    return request


# -- Ratings ---------------------------------------------------------------------------------


@action
def reply_to_thank_you(*, rating, expert, text) -> tuple[Rating, bool]:
    """The expert answers the asker's thank-you note, once; the asker is told.

    Returns (rating, sent): a second reply (a double click) changes nothing and
    sent is False. The thread's question row is locked first, as in every thread
    write, through the app registry: experts does not import forum.
    """
    Question = apps.get_model("forum", "Question")
    question_id = (
        Rating.objects.filter(pk=rating.pk).values_list("answer__question_id", flat=True).first()
    )
    question = (
        Question.objects.visible_to(expert)
        .select_for_update(of=("self",), no_key=True)
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise NotFound
    rating = (
        Rating.objects.select_for_update(of=("self",), no_key=True)
        .select_related("answer", "rater")
        .get(pk=rating.pk)
    )
    require(
        rating.expert_id == expert.pk and rating.answer.author_id == expert.pk,
        "Only the expert who wrote the answer can reply to its thank-you note.",
    )
    require(not rating.answer.is_hidden, "This answer is hidden: its note cannot be replied to.")
    if rating.replied_at is not None:
        return rating, False
    require(rating.thank_you_note, "There is no thank-you note to reply to.")
    require(
        can_reply_to_thank_you(expert, rating),
        "You cannot reply while your account or expert profile is suspended."
        if is_suspended(expert)
        or getattr(expert, "expert_profile", None) is None
        or expert.expert_profile.status == ExpertStatus.SUSPENDED
        else why_cannot_post(expert) or "You cannot reply to this note now.",
    )
    text = text.strip()
    require(text, "Write a few words before sending.")
    require(len(text) <= REPLY_LENGTH, f"Keep your reply to {REPLY_LENGTH} characters.")
    rating.reply = text
    rating.replied_at = timezone.now()
    rating.save(update_fields=["reply", "replied_at", "updated_at"])
    rating.answer.question = question
    notify(
        rating.rater,
        NotificationKind.FOLLOW_UP,
        title=f"{expert.display_name} replied to your thank-you note on “{question.title}”",
        body=text,
        url=rating.answer.get_absolute_url(),
        about=rating.answer,
        thread_id=question.pk,
    )
    expert_changed(expert.expert_profile)
    return rating, True
