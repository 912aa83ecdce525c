"""Reads for moderators: queue, audit log, suspensions."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from activity.models import ModerationAction

from ..models import (
    Comment,
    Consultation,
    Flag,
    Suspension,
)
from ..rules import (
    is_moderator,
)


def moderation_queue(
    *, viewer: User, consultation: Consultation | None = None
) -> QuerySet[Comment]:
    """Flagged comments in the consultations the viewer moderates, most flagged first."""
    comments = Comment.objects.filter(open_flag_count__gt=0)
    if not is_moderator(viewer):
        comments = comments.filter(consultation__moderators=viewer)
    if consultation is not None:
        comments = comments.filter(consultation=consultation)
    return (
        comments.select_related(
            "author", "organisation", "consultation", "recommendation", "hidden_by"
        )
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.filter(resolved_at__isnull=True).select_related("user"),
                to_attr="open_flags",
            )
        )
        .order_by("-open_flag_count", "created_at", "id")
    )


def moderated_consultations(*, viewer: User) -> QuerySet[Consultation]:
    consultations = Consultation.objects.select_related("forum")
    if not is_moderator(viewer):
        consultations = consultations.filter(moderators=viewer)
    return consultations.order_by("-closes_at", "-id")


def audit_log(
    *,
    viewer: User,
    consultation_id: int | None = None,
    action: str = "",
    actor_id: int | None = None,
) -> QuerySet[ModerationAction]:
    """The audit log as a moderator may read it, filtered."""
    actions = ModerationAction.objects.select_related("actor", "consultation")
    if not is_moderator(viewer):
        actions = actions.filter(consultation__moderators=viewer)
    if consultation_id:
        actions = actions.filter(consultation_id=consultation_id)
    if action:
        actions = actions.filter(action=action)
    if actor_id:
        actions = actions.filter(actor_id=actor_id)
    return actions.order_by("-created_at", "-id")


def active_suspensions(*, consultation: Consultation) -> list[Suspension]:
    return list(
        Suspension.objects.filter(consultation=consultation, lifted_at__isnull=True)
        .select_related("user", "created_by")
        .order_by("-created_at")
    )
