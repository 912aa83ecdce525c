"""Writes for the activity stream and the audit log, always in the caller's transaction."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import Activity, ModerationAction


@transaction.atomic
def moderation_action_record(
    *,
    actor: AbstractBaseUser,
    action: str,
    target: models.Model,
    reason: str = "",
    label: str | None = None,
    consultation: models.Model | None = None,
) -> ModerationAction:
    """Write one row of the audit log; call it inside the moderation service."""
    return ModerationAction.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_label=(label if label is not None else str(target))[:300],
        reason=reason,
        consultation=consultation,
    )


def activity_record(
    *,
    verb: str,
    target: models.Model,
    actor: AbstractBaseUser | None = None,
    organisation: models.Model | None = None,
    consultation: models.Model | None = None,
    recommendation: models.Model | None = None,
    data: dict | None = None,
) -> Activity:
    """Record an Activity row for the digests, in the caller's transaction."""
    return Activity.objects.create(
        verb=verb,
        actor=actor,
        organisation=organisation,
        consultation=consultation,
        recommendation=recommendation,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        data=data or {},
    )
