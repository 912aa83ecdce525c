"""Read-only views of positions for staff: every change goes through the services."""

from django.contrib import admin

from .models import (
    Amendment,
    ParagraphComment,
    Position,
    PositionEditor,
    PositionRevision,
    Signature,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("title", "consultation", "lead_organisation", "status", "current_number")
    list_filter = ("status",)
    list_select_related = ("consultation", "lead_organisation")


@admin.register(PositionRevision)
class PositionRevisionAdmin(ReadOnlyAdmin):
    list_display = ("position", "number", "author", "message", "created_at")
    list_select_related = ("position", "author")
    raw_id_fields = ("position", "author", "amendment")


@admin.register(PositionEditor)
class PositionEditorAdmin(ReadOnlyAdmin):
    list_display = ("position", "user", "organisation", "created_at")
    list_select_related = ("position", "user", "organisation")


@admin.register(ParagraphComment)
class ParagraphCommentAdmin(ReadOnlyAdmin):
    list_display = ("pk", "position", "author", "revision_number", "decision", "created_at")
    list_select_related = ("position", "author")


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ("pk", "position", "author", "status", "decision", "created_at")
    list_select_related = ("position", "author")


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ("position", "organisation", "revision_number", "created_at", "withdrawn_at")
    list_select_related = ("position", "organisation")
