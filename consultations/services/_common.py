"""Checks and helpers shared by the consultation services."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from activity.models import Activity, ModerationAction
from core.errors import Refusal
from core.permissions import require_perm
from recommendations.models import Recommendation

from ..models import (
    Consultation,
    ConsultationScope,
    OrganisationParticipation,
    PersonParticipation,
    RecommendationStats,
)
from ..selectors import participated_consultation_ids

Action = ModerationAction.Action
Verb = Activity.Verb


# --- checks shared by the services -----------------------------------------


# Each service asks the rules (consultations/rules.py) through require_perm, the
# broadest first, so a refusal names the first thing missing: a verified email,
# then the open window (a "closed" refusal that says so), then the role.


def _may_act(user, perm: str = "accounts.act", obj=None) -> None:
    """Rules that ask only for a verified email refuse with the same sentence."""
    require_perm(
        user, perm, obj, message=_("Confirm your email address and sign in before taking part.")
    )


def _may_moderate(user, consultation: Consultation) -> None:
    _may_act(user)
    require_perm(
        user,
        "consultations.moderate_consultation",
        consultation,
        message=_("Only the moderators of this consultation may do this."),
    )


def _may_run_consultations(user, perm: str) -> None:
    _may_act(user)
    require_perm(user, perm, message=_("Only moderators may run Forum meetings and consultations."))


def consultation_closed_message(*, consultation: Consultation) -> str:
    """Why nothing can be written now, as a sentence for the page."""
    if consultation.status == "upcoming":
        return _("This consultation has not opened yet; contributions are accepted once it opens.")
    return _("This consultation is closed; its contributions remain readable.")


def consultation_check_open(*, consultation: Consultation) -> None:
    """Refuse, as "closed" and saying why, outside the consultation's window."""
    if not consultation.is_open:
        raise Refusal(consultation_closed_message(consultation=consultation), kind="closed")


def consultation_check_participant(
    *, user: User | AnonymousUser, consultation: Consultation
) -> None:
    """A verified person, the window open, and not suspended from the consultation."""
    _may_act(user)
    consultation_check_open(consultation=consultation)
    require_perm(
        user,
        "consultations.participate_consultation",
        consultation,
        message=_("You have been suspended from this consultation and cannot contribute to it."),
    )


def recommendation_in_scope(*, consultation: Consultation, recommendation: Recommendation) -> bool:
    if consultation.scope == ConsultationScope.ALL:
        return True
    if consultation.scope == ConsultationScope.SESSIONS:
        return consultation.sessions.filter(pk=recommendation.session_id).exists()
    return consultation.recommendations.filter(pk=recommendation.pk).exists()


def _check_in_scope(consultation: Consultation, recommendation) -> None:
    if not recommendation_in_scope(consultation=consultation, recommendation=recommendation):
        raise Refusal(_("This recommendation is not part of this consultation."))


def _clean_text(text: str, *, max_length: int, required_message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Refusal(required_message)
    if len(text) > max_length:
        raise Refusal(_("Please keep it under %(limit)d characters.") % {"limit": max_length})
    return text


def _stats_locked(consultation: Consultation, recommendation) -> RecommendationStats:
    """The counters row, created if missing and locked until the transaction ends.

    Locking it first serialises every write to one recommendation's counters
    within a consultation, so concurrent endorsements cannot lose an update.
    """
    locked = RecommendationStats.objects.select_for_update().filter(
        consultation=consultation, recommendation=recommendation
    )
    stats = locked.first()
    if stats is None:  # the first write to this recommendation in the consultation
        RecommendationStats.objects.get_or_create(
            consultation=consultation, recommendation=recommendation
        )
        stats = locked.get()
    # The rows it belongs to, known already: whoever reads them from it needs no query.
    stats.consultation, stats.recommendation = consultation, recommendation
    return stats


def _add(row, **deltas: int) -> None:
    """Add to a row's counters in one UPDATE, naming the row so the cache needs no read."""
    type(row).objects.of(row).update(**{name: F(name) + delta for name, delta in deltas.items()})


def _bump_stats(consultation: Consultation, recommendation, **deltas: int) -> None:
    """Add to the counters row in one UPDATE, creating the row on the first write.

    For plain increments: the UPDATE locks the row until the transaction ends
    and adds to the value it finds, so concurrent writers lose nothing and need
    no SELECT ... FOR UPDATE first (that stays for changes that read a stance).
    """
    rows = RecommendationStats.objects.filter(
        consultation=consultation, recommendation=recommendation
    ).written_as(RecommendationStats(consultation=consultation, recommendation=recommendation))
    changes = {name: F(name) + delta for name, delta in deltas.items()}
    if not rows.update(**changes):  # the first write to this recommendation
        RecommendationStats.objects.get_or_create(
            consultation=consultation, recommendation=recommendation
        )
        rows.update(**changes)


def _record_participation(consultation: Consultation, user, organisation=None) -> None:
    # Written once per person and consultation: the person is read with the
    # consultations they have written in, so later writes skip the INSERT.
    participated = participated_consultation_ids(user=user)
    if consultation.pk not in participated:
        PersonParticipation.objects.bulk_create(
            [PersonParticipation(consultation=consultation, user=user)], ignore_conflicts=True
        )
        participated.add(consultation.pk)
    if organisation is not None:
        OrganisationParticipation.objects.bulk_create(
            [OrganisationParticipation(consultation=consultation, organisation=organisation)],
            ignore_conflicts=True,
        )
