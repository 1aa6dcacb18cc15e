from django.contrib import admin

from .models import Credential, ExpertProfile


class CredentialInline(admin.TabularInline):
    model = Credential
    extra = 0
    fields = ["kind", "title", "issuer", "year", "link", "verified_at"]


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "headline", "status", "accepting_questions", "approved_at"]
    list_filter = ["status", "accepting_questions", "categories"]
    search_fields = ["user__display_name", "user__handle", "user__email", "headline"]
    raw_id_fields = ["user"]
    filter_horizontal = ["categories"]
    inlines = [CredentialInline]


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "profile", "year", "verified_at"]
    list_filter = ["kind", ("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "issuer", "profile__user__display_name"]
    raw_id_fields = ["profile", "verified_by"]
