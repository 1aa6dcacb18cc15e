"""Writes that belong to the experts app."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import AuditAction, record
from accounts.notifications import NotificationKind, notify

from . import scorecard
from .models import (
    CategoryRequest,
    Credential,
    ExpertProfile,
    ExpertStatus,
    Rating,
    RequestStatus,
)


@transaction.atomic
def rate_answer(*, answer, rater, knowledgeability, clarity, politeness, thank_you_note=""):
    """Create or change the asker's rating of an answer. Returns (rating, created)."""
    rating, created = Rating.objects.update_or_create(
        answer=answer,
        defaults={
            "expert_id": answer.author_id,
            "rater": rater,
            "knowledgeability": knowledgeability,
            "clarity": clarity,
            "politeness": politeness,
            "thank_you_note": thank_you_note,
        },
    )
    scorecard.refresh(answer.author_id)
    question = answer.question
    notify(
        answer.author,
        NotificationKind.RATING,
        title=f"{rater.display_name} rated your answer to “{question.title}”",
        body=thank_you_note,
        url=answer.get_absolute_url(),
    )
    return rating, created


# -- Applications and moderator decisions ------------------------------------------------------

CREDENTIAL_FIELDS = ("kind", "title", "issuer", "year", "link")


def _decide(profile, moderator, action, reason="", target=None, before=None, after=None):
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


@transaction.atomic
def submit_application(*, user, form, credentials) -> ExpertProfile:
    """Create or resubmit the member's application; a refused one goes back to pending.

    `form` is a bound, valid ApplicationForm for the user's profile (new or
    existing) and `credentials` its valid credential formset.
    """
    profile = form.save(commit=False)
    profile.user = user
    if profile.status in (ExpertStatus.REFUSED, ""):
        profile.status = ExpertStatus.PENDING
    profile.refusal_reason = ""
    profile.save()
    form.save_m2m()
    credentials.instance = profile
    save_credentials(credentials)
    return profile


def save_credentials(formset):
    """Save a credential formset; a material change to a verified credential unverifies it."""
    for form in formset.forms:
        credential = form.instance
        material = any(field in form.changed_data for field in CREDENTIAL_FIELDS)
        if credential.pk and credential.verified_at and material:
            credential.verified_at = None
            credential.verified_by = None
    formset.save()


@transaction.atomic
def update_profile(*, form, credentials) -> ExpertProfile:
    profile = form.save()
    save_credentials(credentials)
    return profile


@transaction.atomic
def approve(*, profile, moderator) -> ExpertProfile:
    profile.status = ExpertStatus.APPROVED
    profile.approved_at = profile.approved_at or timezone.now()
    profile.refusal_reason = ""
    profile.save(update_fields=["status", "approved_at", "refusal_reason"])
    _decide(profile, moderator, AuditAction.APPROVE_EXPERT, after={"status": "approved"})
    # New experts hear about open questions in their categories until they say otherwise.
    profile.alert_categories.add(*profile.categories.all())
    scorecard.refresh(profile.user_id)
    notify(
        profile.user,
        NotificationKind.EXPERT_DECISION,
        title="You are now an approved expert",
        body="Askers can pick you, and questions for you arrive in your inbox.",
        url=reverse("forum:inbox"),
    )
    return profile


@transaction.atomic
def refuse(*, profile, moderator, reason) -> ExpertProfile:
    profile.status = ExpertStatus.REFUSED
    profile.refusal_reason = reason
    profile.save(update_fields=["status", "refusal_reason"])
    _decide(profile, moderator, AuditAction.REFUSE_EXPERT, reason, after={"status": "refused"})
    notify(
        profile.user,
        NotificationKind.EXPERT_DECISION,
        title="Your expert application was not approved",
        body=reason,
        url=reverse("experts:apply"),
    )
    return profile


@transaction.atomic
def suspend(*, profile, moderator, reason) -> ExpertProfile:
    profile.status = ExpertStatus.SUSPENDED
    profile.save(update_fields=["status"])
    _decide(profile, moderator, AuditAction.SUSPEND_EXPERT, reason, after={"status": "suspended"})
    return profile


@transaction.atomic
def restore(*, profile, moderator, reason="") -> ExpertProfile:
    profile.status = ExpertStatus.APPROVED
    profile.save(update_fields=["status"])
    _decide(profile, moderator, AuditAction.RESTORE_EXPERT, reason, after={"status": "approved"})
    return profile


@transaction.atomic
def verify_credential(*, credential, moderator, verified=True) -> Credential:
    credential.verified_at = timezone.now() if verified else None
    credential.verified_by = moderator if verified else None
    credential.save(update_fields=["verified_at", "verified_by"])
    action = AuditAction.VERIFY_CREDENTIAL if verified else AuditAction.UNVERIFY_CREDENTIAL
    _decide(credential.profile, moderator, action, target=credential)
    if verified:
        notify(
            credential.profile.user,
            NotificationKind.CREDENTIAL_VERIFIED,
            title=f"Your credential “{credential.title}” was verified",
            url=credential.profile.get_absolute_url(),
        )
    return credential


@transaction.atomic
def request_categories(*, profile, categories) -> list[CategoryRequest]:
    """An approved expert asks for more categories; moderators decide each."""
    requests = []
    for category in categories:
        request, _ = CategoryRequest.objects.get_or_create(
            profile=profile, category=category, status=RequestStatus.PENDING
        )
        requests.append(request)
    return requests


@transaction.atomic
def decide_category_request(*, request, moderator, approved, reason="") -> CategoryRequest:
    request.status = RequestStatus.APPROVED if approved else RequestStatus.REFUSED
    request.reason = reason
    request.decided_by = moderator
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    if approved:
        request.profile.categories.add(request.category)
    action = AuditAction.APPROVE_CATEGORY if approved else AuditAction.REFUSE_CATEGORY
    _decide(request.profile, moderator, action, reason, after={"category": request.category.name})
    return request
