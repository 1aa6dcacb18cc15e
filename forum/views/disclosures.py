"""A moderator requires a conflict-of-interest disclosure on an answer (forum.actions.disclosures).

The author adds it by editing the answer (forum.views.actions.edit_answer).
"""

from django.contrib import messages

from accounts.actions import Refused
from accounts.decorators import moderator_required
from config.http import post_only

from .. import actions
from ..forms_moderation import RequireDisclosureForm
from .moderation import back_to, get_item, on_item


@moderator_required
@post_only(on_item("answer"))
def require_disclosure(request, pk):
    answer = get_item("answer", pk)
    form = RequireDisclosureForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(form.errors.get("reason", ["Say what interest the answer should disclose."])),
        )
        return back_to(request, answer)
    try:
        actions.require_disclosure(
            moderator=request.user, answer=answer, reason=form.cleaned_data["reason"]
        )
    except Refused as refused:
        messages.error(request, str(refused))
        return back_to(request, answer)
    messages.success(
        request,
        "A disclosure is required: the answer is hidden until its expert adds one, "
        "and they are told how.",
    )
    return back_to(request, answer)
