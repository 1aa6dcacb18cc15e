"""The contact form, and the moderators' list of what it received."""

from http import HTTPStatus

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from config.http import post_only

from . import actions
from .decorators import moderator_required
from .forms_contact import ContactForm
from .models import ContactMessage, ContactTopic
from .ratelimit import Rate, hit

PAGE_SIZE = 20


def _sender_key(request) -> str:
    """Whom the rate limit counts: the member, or a visitor's address."""
    if request.user.is_authenticated:
        return f"member-{request.user.pk}"
    try:
        return f"ip-{get_adapter().get_client_ip(request)}"
    except PermissionDenied:
        return "ip-unknown"


def contact(request):
    """Write to the moderators. A refused send (rate limit, a mistake) keeps the text."""
    initial = {}
    if request.GET.get("topic") in ContactTopic.values:
        initial["topic"] = request.GET["topic"]
    form = ContactForm(request.POST or None, initial=initial, sender=request.user)
    if request.method == "POST" and form.is_valid():
        rate = Rate.parse(settings.CONTACT_RATE)
        if not hit("contact", _sender_key(request), rate):
            return render(
                request,
                "pages/contact.html",
                {"form": form, "rate": rate},
                status=HTTPStatus.TOO_MANY_REQUESTS,
            )
        data = form.cleaned_data
        actions.send_contact_message(
            sender=request.user,
            name=data.get("name", ""),
            email=data.get("email", ""),
            topic=data["topic"],
            subject=data["subject"],
            body=data["body"],
            submission_key=data["submission_key"],
        )
        messages.success(
            request,
            "Thank you: your message reached the moderators. "
            "They reply by e-mail, usually within two working days.",
        )
        return redirect("contact")
    return render(request, "pages/contact.html", {"form": form})


@moderator_required
def contact_messages(request):
    """Contact messages still to handle, oldest last; or the handled ones."""
    handled = request.GET.get("show") == "handled"
    if handled:
        found = ContactMessage.objects.exclude(handled_at=None).order_by("-handled_at", "-id")
    else:
        found = ContactMessage.objects.filter(handled_at=None).order_by("-created_at", "-id")
    page = Paginator(found.select_related("sender", "handled_by"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "moderation/contact_messages.html", {"page_obj": page, "handled": handled}
    )


@moderator_required
def contact_message(request, pk):
    """One message; opening it marks it read."""
    message = get_object_or_404(ContactMessage.objects.select_related("sender"), pk=pk)
    message = actions.update_contact_message(message=message, moderator=request.user)
    return render(request, "moderation/contact_message.html", {"message": message})


def _message_page(request, pk):
    return get_object_or_404(ContactMessage, pk=pk).get_absolute_url()


@moderator_required
@post_only(_message_page)
def handle_contact_message(request, pk):
    """Mark a message handled (handled=1), or open it again; a GET goes to the message."""
    message = get_object_or_404(ContactMessage, pk=pk)
    handled = request.POST.get("handled") == "1"
    actions.update_contact_message(message=message, moderator=request.user, handled=handled)
    if handled:
        messages.success(request, f"“{message.subject}” is marked handled.")
        return redirect("moderation:contact_messages")
    messages.success(request, f"“{message.subject}” is open again.")
    return redirect(message)
