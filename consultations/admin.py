"""Read-only views of consultation data for staff.

Every change goes through the portal's pages, which call the services, so the
rules, counters, activity rows and audit log stay right; the admin only shows.
"""

from django.contrib import admin

from .models import (
    Comment,
    Consultation,
    Endorsement,
    EndorsementChange,
    Flag,
    Follow,
    Forum,
    Suspension,
    Synthesis,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Forum)
class ForumAdmin(ReadOnlyAdmin):
    list_display = ("name", "city", "country", "starts_on", "ends_on")


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ("title", "forum", "opens_at", "closes_at", "scope", "comment_count")
    list_select_related = ("forum",)


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("pk", "consultation", "recommendation", "author", "created_at", "hidden_at")
    list_filter = ("consultation",)
    list_select_related = ("consultation", "recommendation", "author")
    raw_id_fields = ("root", "parent", "author", "organisation", "hidden_by")


class EndorsementChangeInline(admin.TabularInline):
    model = EndorsementChange
    fk_name = "endorsement"
    extra = 0
    can_delete = False
    raw_id_fields = ("by", "cosigned")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Endorsement)
class EndorsementAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "recommendation", "consultation", "stance", "withdrawn_at")
    list_filter = ("consultation", "stance")
    list_select_related = ("organisation", "recommendation", "consultation")
    inlines = [EndorsementChangeInline]


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ("comment", "user", "reason", "created_at", "resolved_at")
    list_select_related = ("comment", "user")


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ("user", "consultation", "created_at", "lifted_at")
    list_select_related = ("user", "consultation")


@admin.register(Synthesis)
class SynthesisAdmin(ReadOnlyAdmin):
    list_display = ("consultation", "recommendation", "updated_at")
    list_select_related = ("consultation", "recommendation")


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ("user", "consultation", "recommendation", "created_at")
    list_select_related = ("user", "consultation", "recommendation")
