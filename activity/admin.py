"""Read-only views of the activity stream and the audit log for staff.

Both are written by the services only; the audit log is never edited or deleted.
"""

from django.contrib import admin

from .models import Activity, ModerationAction


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "target_label", "consultation")
    list_filter = ("action",)
    list_select_related = ("actor", "consultation")


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "verb", "actor", "consultation")
    list_filter = ("verb",)
    list_select_related = ("actor", "consultation")
