"""Writes for moderators' syntheses of a discussion."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from activity.services import activity_record, moderation_action_record
from recommendations.models import Recommendation

from ..models import (
    SYNTHESIS_MAX_LENGTH,
    Consultation,
    Synthesis,
)
from ._common import (
    Action,
    Verb,
    _check_in_scope,
    _clean_text,
    _may_moderate,
)

# --- synthesis -------------------------------------------------------------------


@transaction.atomic
def synthesis_write(
    *, consultation: Consultation, recommendation: Recommendation, body: str, by: User
) -> Synthesis:
    """Write or rewrite the moderators' synthesis of one recommendation's debate."""
    _may_moderate(by, consultation)
    _check_in_scope(consultation, recommendation)
    body = _clean_text(
        body, max_length=SYNTHESIS_MAX_LENGTH, required_message=_("Write the synthesis first.")
    )
    synthesis, _created = Synthesis.objects.update_or_create(
        consultation=consultation,
        recommendation=recommendation,
        defaults={"body": body, "updated_by": by, "updated_at": timezone.now()},
    )
    moderation_action_record(
        actor=by,
        action=Action.SYNTHESIS_WRITTEN,
        target=synthesis,
        label=f"{consultation} · {recommendation.citation}",
        consultation=consultation,
    )
    activity_record(
        verb=Verb.SYNTHESIS_WRITTEN,
        target=synthesis,
        actor=by,
        consultation=consultation,
        recommendation=recommendation,
    )
    return synthesis
