from django.contrib import admin

from .models import Answer, Category, Flag, FollowUp, Question


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "path", "position"]
    list_filter = ["parent"]
    search_fields = ["name", "slug", "path", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["path"]


class AnswerInline(admin.StackedInline):
    can_delete = False
    model = Answer
    extra = 0
    fields = ["author", "body", "is_featured", "is_hidden", "hidden_reason"]
    raw_id_fields = ["author"]


class NoHardDelete:
    """Content is hidden, never deleted: moderators keep the archive recoverable."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(NoHardDelete, admin.ModelAdmin):
    list_display = ["title", "category", "asker", "expert", "visibility", "status", "created_at"]
    list_filter = ["status", "visibility", "locked", "is_hidden", "category"]
    search_fields = ["title", "body", "asker__email", "asker__handle", "expert__handle"]
    raw_id_fields = ["asker", "expert", "hidden_by"]
    date_hierarchy = "created_at"
    readonly_fields = ["answer_count", "answered_at"]
    inlines = [AnswerInline]


class FollowUpInline(admin.StackedInline):
    can_delete = False
    model = FollowUp
    extra = 0
    fields = ["author", "body", "is_hidden", "hidden_reason"]
    raw_id_fields = ["author"]


@admin.register(Answer)
class AnswerAdmin(NoHardDelete, admin.ModelAdmin):
    list_display = ["question", "author", "created_at", "is_featured", "is_hidden"]
    list_filter = ["is_featured", "is_hidden"]
    search_fields = ["body", "question__title", "author__handle", "author__email"]
    raw_id_fields = ["question", "author", "hidden_by"]
    date_hierarchy = "created_at"
    inlines = [FollowUpInline]


@admin.register(FollowUp)
class FollowUpAdmin(NoHardDelete, admin.ModelAdmin):
    list_display = ["answer", "author", "created_at", "is_hidden"]
    list_filter = ["is_hidden"]
    search_fields = ["body", "author__handle", "author__email"]
    raw_id_fields = ["answer", "author", "hidden_by"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "status", "created_at"]
    list_filter = ["status", "reason"]
    raw_id_fields = ["question", "answer", "follow_up", "flagger", "resolved_by"]
