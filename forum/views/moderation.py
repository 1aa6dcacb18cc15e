"""The moderation queue: everything that waits for a moderator, in one place."""

from django.shortcuts import render

from accounts.decorators import moderator_required
from experts.views.moderation import pending_work

QUEUE_LIMIT = 20


@moderator_required
def queue(request):
    work = pending_work()
    return render(
        request,
        "moderation/queue.html",
        {
            "applications": work["applications"][:QUEUE_LIMIT],
            "application_count": work["applications"].count(),
            "credentials": work["credentials"][:QUEUE_LIMIT],
            "credential_count": work["credentials"].count(),
            "category_requests": work["category_requests"][:QUEUE_LIMIT],
            "category_request_count": work["category_requests"].count(),
        },
    )
