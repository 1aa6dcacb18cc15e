from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        user.display_name = form.cleaned_data.get("display_name", "").strip()
        if not user.handle:
            user.handle = get_user_model().objects.unique_handle(
                user.display_name or user.email.split("@")[0]
            )
        if commit:
            user.save()
        return user

    def format_email_subject(self, subject):
        return f"[{settings.SITE_NAME}] {subject}"

    def send_mail(self, template_prefix, email, context):
        # allauth's e-mails greet with the site's name; without the sites
        # framework that would be the bare host name.
        request = allauth_context.request
        domain = request.get_host() if request is not None else ""
        context = {
            "current_site": SimpleNamespace(name=settings.SITE_NAME, domain=domain),
            **context,
        }
        super().send_mail(template_prefix, email, context)
