from django.contrib import admin

from .models import DigestDelivery, DigestRun, NotificationPreference, OutboxMessage


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "frequency",
        "trigger",
        "dry_run",
        "people_count",
        "sent_count",
        "skipped_count",
        "failed_count",
        "finished_at",
    ]
    list_filter = ["frequency", "trigger", "dry_run"]
    readonly_fields = [field.name for field in DigestRun._meta.fields]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "frequency",
        "period_key",
        "status",
        "item_count",
        "attempts",
        "sent_at",
    ]
    list_filter = ["frequency", "status"]
    raw_id_fields = ["user", "run"]
    readonly_fields = [field.name for field in DigestDelivery._meta.fields]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "attempts", "sent_at", "abandoned_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "comment_reply",
        "amendment_decided",
        "organisation_decided",
        "signed_position_changed",
    ]
    raw_id_fields = ["user"]
