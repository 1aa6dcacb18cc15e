"""The moderators' page of one member: standing, suspensions and moderation history."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render

from accounts import actions as account_actions
from accounts.decorators import moderator_required
from accounts.models import AuditEntry

from ..forms_moderation import SuspendForm


@moderator_required
def member(request, handle):
    """A member's standing: suspension, and the moderation history about them."""
    person = get_object_or_404(get_user_model(), handle=handle)
    form = SuspendForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "lift":
            account_actions.lift_suspension(user=person, moderator=request.user)
            messages.success(request, f"{person.display_name} can post again.")
            return redirect("moderation:member", handle=person.handle)
        if form.is_valid():
            account_actions.suspend_user(
                user=person,
                moderator=request.user,
                reason=form.cleaned_data["reason"],
                until=form.until(),
            )
            messages.success(request, f"{person.display_name} is suspended.")
            return redirect("moderation:member", handle=person.handle)
    entries = AuditEntry.objects.filter(subject=person).select_related("actor", "subject")[:50]
    return render(
        request, "moderation/member.html", {"person": person, "form": form, "entries": entries}
    )
