"""Moderators' decisions about experts: applications, suspensions, credentials, categories."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.actions import Refused
from accounts.decorators import moderator_required
from accounts.models import AuditEntry
from accounts.reasons import canned_reasons
from config.http import post_only

from .. import actions
from ..forms import (
    OptionalReasonForm,
    RefuseApplicationForm,
    RejectCredentialForm,
    SuspendExpertForm,
)
from ..models import (
    CategoryRequest,
    Credential,
    ExpertProfile,
    ExpertStatus,
    RequestStatus,
)

PAGE_SIZE = 20


def pending_work():
    """What waits for a moderator's decision, for the queue and the experts page."""
    return {
        "applications": ExpertProfile.objects.filter(status=ExpertStatus.PENDING)
        .select_related("user")
        .prefetch_related("categories")
        .order_by("created_at", "pk"),
        # A rejected credential waits for its expert to correct it, not for a moderator.
        "credentials": Credential.objects.filter(
            verified_at__isnull=True,
            rejected_at__isnull=True,
            profile__status=ExpertStatus.APPROVED,
        )
        .select_related("profile__user")
        .order_by("profile__user__display_name", "pk"),
        "category_requests": CategoryRequest.objects.filter(status=RequestStatus.PENDING)
        .select_related("profile__user", "category")
        .order_by("created_at", "pk"),
    }


@moderator_required
def experts(request):
    """Pending applications and the directory of every expert, with their status."""
    status = request.GET.get("status", ExpertStatus.PENDING)
    if status not in ExpertStatus.values:
        status = ExpertStatus.PENDING
    profiles = (
        ExpertProfile.objects.filter(status=status)
        .select_related("user")
        .prefetch_related("categories")
        .order_by("created_at", "pk")
    )
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/experts.html",
        {"page_obj": page, "status": status, "statuses": ExpertStatus.choices, **pending_work()},
    )


def _detail_context(profile, **forms):
    """The expert's page: their decisions, and a form for each decision open to the moderator
    (`forms` replaces one with the bound form that failed)."""
    reasons = canned_reasons(RejectCredentialForm.use)
    credentials = list(profile.credentials.all())
    for credential in credentials:
        credential.reject_form = RejectCredentialForm(
            reasons=reasons, auto_id=f"id_reject_{credential.pk}_%s"
        )
    if bound := forms.pop("reject_form", None):
        for credential in credentials:
            if credential.pk == bound[0]:
                credential.reject_form = bound[1]
                credential.reject_open = True
    return {
        "profile": profile,
        "credentials": credentials,
        "entries": decisions_about(profile),
        "refuse_form": RefuseApplicationForm(auto_id="id_refuse_%s"),
        "suspend_form": SuspendExpertForm(auto_id="id_suspend_%s"),
        "optional_form": OptionalReasonForm(),
        **forms,
    }


@moderator_required
def expert_detail(request, pk):
    profile = get_object_or_404(
        ExpertProfile.objects.select_related("user").prefetch_related(
            "categories", "credentials__rejected_by"
        ),
        pk=pk,
    )
    return render(request, "moderation/expert_detail.html", _detail_context(profile))


def decisions_about(profile):
    """The audit log's entries about this expert, newest first."""
    return AuditEntry.objects.filter(subject=profile.user).select_related("actor", "subject")[:50]


def _decision(request, pk, *, form_class, name, act, done):
    profile = get_object_or_404(ExpertProfile.objects.select_related("user"), pk=pk)
    form = form_class(request.POST, **({"auto_id": f"id_{name}_%s"} if name else {}))
    if not form.is_valid():
        context = _detail_context(profile, **{f"{name or 'optional'}_form": form})
        return render(request, "moderation/expert_detail.html", context, status=200)
    try:
        act(profile=profile, moderator=request.user, reason=form.cleaned_data["reason"])
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect("moderation:expert", pk=profile.pk)
    messages.success(request, done.format(name=profile.user.display_name))
    return redirect("moderation:expert", pk=profile.pk)


def _back_to_expert(request, pk):
    return reverse("moderation:expert", kwargs={"pk": pk})


def _back_to_credential(request, pk):
    credential = get_object_or_404(Credential, pk=pk)
    return reverse("moderation:expert", kwargs={"pk": credential.profile_id})


def _back_to_queue(request, pk):
    return reverse("moderation:experts")


@moderator_required
@post_only(_back_to_expert)
def approve(request, pk):
    return _decision(
        request,
        pk,
        form_class=OptionalReasonForm,
        name=None,
        act=actions.approve,
        done="{name} is now an approved expert.",
    )


@moderator_required
@post_only(_back_to_expert)
def refuse(request, pk):
    return _decision(
        request,
        pk,
        form_class=RefuseApplicationForm,
        name="refuse",
        act=actions.refuse,
        done="The application of {name} was refused; they will see your reason.",
    )


@moderator_required
@post_only(_back_to_expert)
def suspend(request, pk):
    return _decision(
        request,
        pk,
        form_class=SuspendExpertForm,
        name="suspend",
        act=actions.suspend,
        done="{name} is suspended as an expert.",
    )


@moderator_required
@post_only(_back_to_expert)
def restore(request, pk):
    return _decision(
        request,
        pk,
        form_class=OptionalReasonForm,
        name=None,
        act=actions.restore,
        done="{name} is an approved expert again.",
    )


@moderator_required
@post_only(_back_to_credential)
def verify_credential(request, pk):
    credential = get_object_or_404(Credential.objects.select_related("profile__user"), pk=pk)
    verified = request.POST.get("verified", "1") == "1"
    actions.verify_credential(credential=credential, moderator=request.user, verified=verified)
    messages.success(
        request,
        f"“{credential.title}” is {'verified' if verified else 'no longer verified'}.",
    )
    if request.POST.get("next") == "queue":
        return redirect("moderation:experts")
    return redirect("moderation:expert", pk=credential.profile_id)


@moderator_required
@post_only(_back_to_credential)
def reject_credential(request, pk):
    """Reject a credential with a reason the expert reads; it leaves the queue."""
    credential = get_object_or_404(Credential.objects.select_related("profile__user"), pk=pk)
    form = RejectCredentialForm(request.POST, auto_id=f"id_reject_{credential.pk}_%s")
    if not form.is_valid():
        profile = (
            ExpertProfile.objects.select_related("user")
            .prefetch_related("categories", "credentials__rejected_by")
            .get(pk=credential.profile_id)
        )
        context = _detail_context(profile, reject_form=(credential.pk, form))
        return render(request, "moderation/expert_detail.html", context, status=200)
    try:
        actions.reject_credential(
            credential=credential, moderator=request.user, reason=form.cleaned_data["reason"]
        )
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"“{credential.title}” is rejected; {credential.profile.user.display_name} sees "
            "your reason and may correct it.",
        )
    if request.POST.get("next") == "queue":
        return redirect("moderation:experts")
    return redirect("moderation:expert", pk=credential.profile_id)


@moderator_required
@post_only(_back_to_queue)
def decide_category(request, pk):
    category_request = get_object_or_404(
        CategoryRequest.objects.select_related("profile__user", "category"),
        pk=pk,
        status=RequestStatus.PENDING,
    )
    approved = request.POST.get("decision") == "approve"
    actions.decide_category_request(
        request=category_request,
        moderator=request.user,
        approved=approved,
        reason=request.POST.get("reason", "")[:1000],
    )
    messages.success(
        request,
        f"{category_request.category.name} {'added to' if approved else 'refused for'} "
        f"{category_request.profile.user.display_name}.",
    )
    return redirect("moderation:experts")
