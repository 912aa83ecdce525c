from django.contrib import admin

from .models import ConsolidatedExport


@admin.register(ConsolidatedExport)
class ConsolidatedExportAdmin(admin.ModelAdmin):
    list_display = (
        "consultation",
        "format",
        "language",
        "version",
        "status",
        "size",
        "created_at",
    )
    list_filter = ("format", "language", "status")
    readonly_fields = [f.name for f in ConsolidatedExport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
