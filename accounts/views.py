from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import actions
from .forms import ProfileForm
from .forms_notifications import NotificationSettingsForm
from .models import NotificationKind
from .notifications import DIGEST, read_unsubscribe_token

PAGE_SIZE = 30


@login_required
def account(request):
    """The member's own account page: public name and handle, notifications, security."""
    action = request.POST.get("action", "profile") if request.method == "POST" else None
    form = ProfileForm(request.POST if action == "profile" else None, instance=request.user)
    settings_form = NotificationSettingsForm(
        request.POST if action == "notifications" else None, user=request.user
    )
    if action == "notifications" and settings_form.is_valid():
        actions.set_notification_preferences(
            user=request.user,
            channels=settings_form.channels(),
            daily_digest=settings_form.cleaned_data["daily_digest"],
        )
        messages.success(request, "Your notification settings were saved.")
        return redirect("accounts:account")
    if action == "profile" and form.is_valid():
        actions.update_account(user=request.user, form=form)
        messages.success(request, "Your profile was saved.")
        return redirect("accounts:account")
    return render(
        request, "accounts/account.html", {"form": form, "notifications_form": settings_form}
    )


@login_required
def notifications(request):
    """The member's notifications, newest first; the unread ones are marked."""
    page = Paginator(request.user.notifications.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page_obj": page})


# A GET, so that a notification is a plain link (a new tab, a copied address). It writes
# nothing but the reader's own read flag, on their own notification (someone else's is a
# 404): a prefetch or another site's link can at most mark it read early. POST is still
# taken from pages rendered before.
@require_http_methods(["GET", "POST"])
@login_required
def read_notification(request, pk):
    """Mark one notification read and go to the thing it is about."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    actions.mark_read(user=request.user, notification=notification)
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("accounts:notifications")


@require_POST
@login_required
def read_all_notifications(request):
    count = actions.mark_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("accounts:notifications")


# Mail clients' one-click unsubscribe (RFC 8058) POSTs here without a session or a
# CSRF token; the signed token in the URL is the authority.
@csrf_exempt
def unsubscribe(request, token):
    data = read_unsubscribe_token(token)
    if data is None:
        raise Http404
    user = get_object_or_404(get_user_model(), pk=data[0], is_active=True)
    kind = data[1]
    context = {
        "digest": kind == DIGEST,
        "label": "" if kind == DIGEST else NotificationKind(kind).label,
        "done": request.method == "POST",
    }
    if request.method == "POST":
        actions.unsubscribe(user=user, kind=kind)
    return render(request, "accounts/unsubscribed.html", context)
