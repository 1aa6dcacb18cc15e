"""Expert profiles and credentials, shown to staff; decisions are made on the moderation pages.

Approving, refusing, suspending and verifying go through experts.actions,
which audit them and keep the scorecards and pages in step.
"""

from django.contrib import admin

from accounts.admin import ReadOnly

from .models import Credential, ExpertProfile


class CredentialInline(ReadOnly, admin.TabularInline):
    model = Credential
    extra = 0
    fields = ["kind", "title", "issuer", "year", "link", "verified_at"]


@admin.register(ExpertProfile)
class ExpertProfileAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["user", "headline", "status", "accepting_questions", "approved_at"]
    list_filter = ["status", "accepting_questions", "categories"]
    search_fields = ["user__display_name", "user__handle", "user__email", "headline"]
    inlines = [CredentialInline]


@admin.register(Credential)
class CredentialAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "kind", "profile", "year", "verified_at"]
    list_filter = ["kind", ("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "issuer", "profile__user__display_name"]
