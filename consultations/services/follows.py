"""Writes for following consultations and recommendations."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from activity.services import activity_record
from core.errors import Refusal
from recommendations.models import Recommendation

from ..models import (
    Consultation,
    Follow,
)
from ._common import (
    Verb,
    _may_act,
)

# --- follows -------------------------------------------------------------------


@transaction.atomic
def follow_set(
    *,
    consultation: Consultation | None = None,
    recommendation: Recommendation | None = None,
    by: User,
) -> Follow:
    """Follow a consultation or a recommendation; following twice changes nothing."""
    _may_act(by, "consultations.follow_consultation")
    if (consultation is None) == (recommendation is None):
        raise Refusal(_("Choose what to follow."))
    follow, created = Follow.objects.get_or_create(
        user=by, consultation=consultation, recommendation=recommendation
    )
    if created:
        target = consultation or recommendation
        activity_record(
            verb=Verb.FOLLOWED,
            target=target,
            actor=by,
            consultation=consultation,
            recommendation=recommendation,
        )
    return follow


@transaction.atomic
def follow_remove(
    *,
    consultation: Consultation | None = None,
    recommendation: Recommendation | None = None,
    by: User,
) -> bool:
    _may_act(by, "consultations.follow_consultation")
    if (consultation is None) == (recommendation is None):
        raise Refusal(_("Choose what to stop following."))
    deleted, _rows = Follow.objects.filter(
        user=by, consultation=consultation, recommendation=recommendation
    ).delete()
    if deleted:
        activity_record(
            verb=Verb.UNFOLLOWED,
            target=consultation or recommendation,
            actor=by,
            consultation=consultation,
            recommendation=recommendation,
        )
    return bool(deleted)
