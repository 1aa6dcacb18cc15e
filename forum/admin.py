"""The admin shows content to staff; it never writes it.

Questions, answers, follow-ups and flags change only through the actions
(forum.actions): moderators hide, restore, edit, lock and move them on the
site, where each change is checked, audited and refreshes what derives from
it. Categories are edited here, through their action.
"""

from django.contrib import admin

from accounts.admin import ReadOnly

from .actions import save_category
from .models import Answer, Category, Flag, FollowUp, Question


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "path", "position"]
    list_filter = ["parent"]
    search_fields = ["name", "slug", "path", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):
        save_category(staff=request.user, category=obj, changed=form.changed_data)

    def has_delete_permission(self, request, obj=None):
        return False  # Questions keep their category: PROTECT, and no deleting here.


class AnswerInline(ReadOnly, admin.StackedInline):
    model = Answer
    extra = 0
    fields = ["author", "body", "is_featured", "is_hidden", "hidden_reason"]


@admin.register(Question)
class QuestionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["title", "category", "asker", "expert", "visibility", "status", "created_at"]
    list_filter = ["status", "visibility", "locked", "is_hidden", "category"]
    search_fields = ["title", "body", "asker__email", "asker__handle", "expert__handle"]
    date_hierarchy = "created_at"
    inlines = [AnswerInline]


class FollowUpInline(ReadOnly, admin.StackedInline):
    model = FollowUp
    extra = 0
    fields = ["author", "body", "is_hidden", "hidden_reason"]


@admin.register(Answer)
class AnswerAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["question", "author", "created_at", "is_featured", "is_hidden"]
    list_filter = ["is_featured", "is_hidden"]
    search_fields = ["body", "question__title", "author__handle", "author__email"]
    date_hierarchy = "created_at"
    inlines = [FollowUpInline]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["answer", "author", "created_at", "is_hidden"]
    list_filter = ["is_hidden"]
    search_fields = ["body", "author__handle", "author__email"]


@admin.register(Flag)
class FlagAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "reason", "status", "created_at"]
    list_filter = ["status", "reason"]
