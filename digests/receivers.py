"""The digests' answers to what the apps below them announce: each puts a message in the outbox.

Connected once at start-up (digests.apps). Each runs inside the sender's
transaction, so the outbox row commits with the write and a broker outage
cannot lose it.
"""

from accounts.signals import organisation_decided
from consultations.signals import comment_replied
from core.notifications import notification_due

from .content import absolute
from .models import NotificationKind
from .services import comment_reply_notify, outbox_enqueue


def _on_organisation_decided(sender, *, organisation, verified: bool, reason: str, **kwargs):
    requester = organisation.created_by
    if requester is None or not requester.is_active or requester.is_former_participant:
        return
    template = "organisation_verified" if verified else "organisation_rejected"
    outbox_enqueue(
        user=requester,
        kind=NotificationKind.ORGANISATION_DECIDED,
        subject_template=f"accounts/email/{template}_subject.txt",
        body_template=f"accounts/email/{template}_message.txt",
        context={"reason": reason, "url": absolute(organisation.get_absolute_url())},
        objects={"organisation": organisation},
    )


def _on_comment_replied(sender, *, comment, **kwargs):
    comment_reply_notify(comment=comment)


def _on_notification_due(sender, signal, **message):
    outbox_enqueue(**message)


def connect_receivers() -> None:
    uid = "digests.receivers"
    organisation_decided.connect(_on_organisation_decided, dispatch_uid=f"{uid}.organisation")
    comment_replied.connect(_on_comment_replied, dispatch_uid=f"{uid}.reply")
    notification_due.connect(_on_notification_due, dispatch_uid=f"{uid}.notification")
