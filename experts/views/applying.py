"""Becoming an expert and being one: the application, the profile, availability, categories."""

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts.decorators import posting_required

from .. import actions
from ..forms import (
    AlertsForm,
    ApplicationForm,
    AvailabilityForm,
    CategoryRequestForm,
    CredentialFormSet,
    ProfileForm,
)
from ..models import ExpertProfile, ExpertStatus


def _own_profile(user):
    return ExpertProfile.objects.filter(user=user).first()


@posting_required
def apply(request):
    """Apply, or fix and resubmit an application that is pending or was refused."""
    profile = _own_profile(request.user)
    if profile is not None and profile.status in (ExpertStatus.APPROVED, ExpertStatus.SUSPENDED):
        return redirect("experts:manage")
    instance = profile or ExpertProfile(user=request.user)
    form = ApplicationForm(request.POST or None, instance=instance)
    credentials = CredentialFormSet(
        request.POST or None, instance=instance if profile else None, prefix="credentials"
    )
    if request.method == "POST" and form.is_valid() and credentials.is_valid():
        actions.submit_application(user=request.user, form=form, credentials=credentials)
        messages.success(
            request,
            "Thank you! Your application is with the moderators; this page shows its status.",
        )
        return redirect("experts:apply")
    return render(
        request,
        "experts/apply.html",
        {"form": form, "credentials": credentials, "profile": profile},
    )


@posting_required
def manage(request):
    """An approved expert's own page: profile and credentials, availability, categories."""
    profile = _own_profile(request.user)
    if profile is None or profile.status in (ExpertStatus.PENDING, ExpertStatus.REFUSED):
        return redirect("experts:apply")
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if request.method == "POST" else None
    profile_form = ProfileForm(data if action == "profile" else None, instance=profile)
    credentials = CredentialFormSet(
        data if action == "profile" else None, instance=profile, prefix="credentials"
    )
    availability = AvailabilityForm(data if action == "availability" else None, instance=profile)
    categories = CategoryRequestForm(data if action == "categories" else None, profile=profile)
    alerts = AlertsForm(data if action == "alerts" else None, instance=profile)

    if action == "profile" and profile_form.is_valid() and credentials.is_valid():
        actions.update_profile(user=request.user, form=profile_form, credentials=credentials)
        messages.success(request, "Your profile was saved.")
        return redirect("experts:manage")
    if action == "availability" and availability.is_valid():
        saved = actions.set_availability(user=request.user, form=availability)
        planned = (
            f" Your vacation starts on {saved.away_from:%-d %B %Y}: askers can pick you until then."
            if saved.vacation_planned
            else ""
        )
        messages.success(request, f"Your availability was saved.{planned}")
        return redirect("experts:manage")
    if action == "alerts" and alerts.is_valid():
        actions.set_alerts(user=request.user, form=alerts)
        messages.success(request, "Your open-question alerts were saved.")
        return redirect("experts:manage")
    if action == "categories" and categories.is_valid():
        actions.request_categories(
            user=request.user, profile=profile, categories=categories.cleaned_data["categories"]
        )
        messages.success(request, "Your request was sent to the moderators.")
        return redirect("experts:manage")
    if action == "remove_category":
        # Leaving a category needs no approval.
        category_id = request.POST.get("category", "")
        if category_id.isdigit():
            actions.remove_category(
                user=request.user, profile=profile, category_id=int(category_id)
            )
        messages.success(request, "The category was removed from your profile.")
        return redirect("experts:manage")
    return render(
        request,
        "experts/manage.html",
        {
            "profile": profile,
            "profile_form": profile_form,
            "credentials": credentials,
            "availability": availability,
            "categories_form": categories,
            "alerts_form": alerts,
            "pending_requests": profile.category_requests.filter(status="pending").select_related(
                "category"
            ),
        },
    )
