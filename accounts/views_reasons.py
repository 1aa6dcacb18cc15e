"""The moderators' list of canned reasons: add, reword, reorder, remove."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from . import actions
from .decorators import moderator_required
from .models import CannedReason, ReasonUse
from .reasons import CannedReasonForm


@moderator_required
def reasons(request):
    """Every canned reason by where it is offered, with a form to add one."""
    form = CannedReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.save_canned_reason(moderator=request.user, form=form)
        messages.success(request, "Added: moderators are offered it from now on.")
        return redirect("moderation:reasons")
    by_use = {use: [] for use in ReasonUse}
    for reason in CannedReason.objects.all():
        by_use[ReasonUse(reason.use)].append(reason)
    return render(
        request,
        "moderation/reasons.html",
        {"form": form, "groups": [(use.label, items) for use, items in by_use.items()]},
    )


@moderator_required
def edit_reason(request, pk):
    reason = get_object_or_404(CannedReason, pk=pk)
    form = CannedReasonForm(request.POST or None, instance=reason)
    if request.method == "POST":
        if request.POST.get("delete") == "1":
            actions.delete_canned_reason(moderator=request.user, reason=reason)
            messages.success(request, "Removed from the list; reasons already given are kept.")
            return redirect("moderation:reasons")
        if form.is_valid():
            actions.save_canned_reason(moderator=request.user, form=form)
            messages.success(request, "Saved.")
            return redirect("moderation:reasons")
    return render(request, "moderation/reason_edit.html", {"form": form, "reason": reason})
