"""The audit log: every moderator action, newest first, with filters."""

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.decorators import moderator_required
from accounts.models import AuditAction, AuditEntry

PAGE_SIZE = 40


@moderator_required
def log(request):
    """The audit log, newest first, filtered by action, moderator or member."""
    entries = AuditEntry.objects.select_related("actor", "subject")
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        entries = entries.filter(action=action)
    for param, field in (("actor", "actor__handle"), ("subject", "subject__handle")):
        value = request.GET.get(param, "").strip()
        if value:
            entries = entries.filter(**{field: value.lower()})
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/log.html",
        {
            "page_obj": page,
            "actions": AuditAction.choices,
            "action": action,
            "actor": request.GET.get("actor", ""),
            "subject": request.GET.get("subject", ""),
        },
    )
