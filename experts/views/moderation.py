"""Moderators' decisions about experts: applications, suspensions, credentials, categories."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.actions import Refused
from accounts.decorators import moderator_required
from accounts.models import AuditEntry
from config.http import post_only

from .. import actions
from ..forms import OptionalReasonForm, ReasonForm
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
        "credentials": Credential.objects.filter(
            verified_at__isnull=True, profile__status=ExpertStatus.APPROVED
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


@moderator_required
def expert_detail(request, pk):
    profile = get_object_or_404(
        ExpertProfile.objects.select_related("user").prefetch_related("categories", "credentials"),
        pk=pk,
    )
    return render(
        request,
        "moderation/expert_detail.html",
        {
            "profile": profile,
            "entries": decisions_about(profile),
            "reason_form": ReasonForm(),
            "optional_form": OptionalReasonForm(),
        },
    )


def decisions_about(profile):
    """The audit log's entries about this expert, newest first."""
    return AuditEntry.objects.filter(subject=profile.user).select_related("actor", "subject")[:50]


def _decision(request, pk, *, needs_reason, act, done):
    profile = get_object_or_404(ExpertProfile.objects.select_related("user"), pk=pk)
    form = (ReasonForm if needs_reason else OptionalReasonForm)(request.POST)
    if not form.is_valid():
        return render(
            request,
            "moderation/expert_detail.html",
            {
                "profile": profile,
                "entries": decisions_about(profile),
                "reason_form": form if needs_reason else ReasonForm(),
                "optional_form": form if not needs_reason else OptionalReasonForm(),
            },
            status=200,
        )
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
        needs_reason=False,
        act=actions.approve,
        done="{name} is now an approved expert.",
    )


@moderator_required
@post_only(_back_to_expert)
def refuse(request, pk):
    return _decision(
        request,
        pk,
        needs_reason=True,
        act=actions.refuse,
        done="The application of {name} was refused; they will see your reason.",
    )


@moderator_required
@post_only(_back_to_expert)
def suspend(request, pk):
    return _decision(
        request,
        pk,
        needs_reason=True,
        act=actions.suspend,
        done="{name} is suspended as an expert.",
    )


@moderator_required
@post_only(_back_to_expert)
def restore(request, pk):
    return _decision(
        request,
        pk,
        needs_reason=False,
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
