from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group

from .actions import staff_save_user
from .models import AuditEntry, User
from .roles import MODERATORS_GROUP


class ReadOnly:
    """Viewable by staff; no adding, changing or deleting in the admin.

    What people post and what moderators decide is written by the actions
    (accounts.actions and the other apps' actions), which check, audit and
    keep derived data in step: the admin is no back door around them.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "handle", "display_name"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["-date_joined"]
    list_display = ["email", "handle", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "handle", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Public profile", {"fields": ["handle", "display_name"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "handle",
                    "display_name",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        # Through the action: an audit row of what changed, and pages that show the name.
        staff_save_user(staff=request.user, user=obj, form=form, change=change)

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated (Active), or suspended on the moderation pages, never
        # deleted: their posts and the audit log keep pointing at them.
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: the audit trail is written by the actions alone."""

    list_display = ["created_at", "actor_name", "action", "target_label", "subject_name", "reason"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_label", "reason", "actor_name", "subject_name", "actor__handle"]
    date_hierarchy = "created_at"


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """The Moderators group is the moderator role: members join and leave it, audited,
    through accounts.actions.set_moderator or an account's page; the group stays."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.name == MODERATORS_GROUP:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
