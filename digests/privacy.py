"""A person's digest data, for the JSON download and for account deletion.

Called by accounts.services (user_data_export, user_delete). Everything here
concerned only the person, so deletion removes it all.
"""

from .models import DigestDelivery, NotificationPreference, OutboxMessage


def export_user_data(user) -> dict:
    preference = NotificationPreference.objects.filter(user=user).first()
    return {
        "notification_preferences": (
            {
                "comment_reply": preference.comment_reply,
                "amendment_decided": preference.amendment_decided,
                "organisation_decided": preference.organisation_decided,
                "signed_position_changed": preference.signed_position_changed,
            }
            if preference
            else None
        ),
        "digests": [
            {
                "frequency": delivery.frequency,
                "period": delivery.period_key,
                "status": delivery.status,
                "items": delivery.item_count,
                "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
            }
            for delivery in DigestDelivery.objects.filter(user=user).order_by("period_end")
        ],
        "notifications": [
            {
                "kind": message.kind,
                "created_at": message.created_at.isoformat(),
                "sent_at": message.sent_at.isoformat() if message.sent_at else None,
            }
            for message in OutboxMessage.objects.filter(user=user).order_by("created_at")
        ],
    }


def erase_user_data(user) -> None:
    OutboxMessage.objects.filter(user=user).delete()
    DigestDelivery.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
