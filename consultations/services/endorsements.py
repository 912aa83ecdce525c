"""Writes for organisations' stances on recommendations."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from activity.services import activity_record
from core.errors import Refusal
from core.permissions import require_perm
from recommendations.models import Recommendation

from ..models import (
    STANCE_COUNTER,
    STANCES_NEEDING_STATEMENT,
    STATEMENT_MAX_LENGTH,
    Consultation,
    Endorsement,
    EndorsementChange,
    Stance,
)
from ._common import (
    Verb,
    _add,
    _bump_stats,
    _check_in_scope,
    _record_participation,
    consultation_check_participant,
)

# --- endorsements ------------------------------------------------------------


def _may_act_for(by, organisation) -> None:
    if not organisation.is_verified:
        raise Refusal(
            _("This organisation has not been verified yet, so it cannot take a stance."),
            kind="conflict",
        )
    require_perm(
        by,
        "accounts.speak_for_organisation",
        organisation,
        message=_("You can only act for an organisation you represent."),
    )
    require_perm(
        by,
        "accounts.act_for_organisation",
        organisation,
        message=_("Only a representative of the organisation may take a stance on its behalf."),
    )


@transaction.atomic
def endorsement_set(
    *,
    consultation: Consultation,
    recommendation: Recommendation,
    organisation: Organisation,
    stance: str,
    statement: str = "",
    cosign: Endorsement | None = None,
    by: User,
) -> Endorsement:
    """Take or change an organisation's stance; one per organisation, recommendation, consultation.

    With ``cosign``, the organisation co-signs another organisation's statement
    of reservations or opposition: it takes that stance and that text.
    """
    consultation_check_participant(user=by, consultation=consultation)
    _check_in_scope(consultation, recommendation)
    _may_act_for(by, organisation)
    if cosign is not None:
        if (
            cosign.consultation_id != consultation.pk
            or cosign.recommendation_id != recommendation.pk
            or not cosign.is_active
            or cosign.stance not in STANCES_NEEDING_STATEMENT
        ):
            raise Refusal(_("This statement cannot be co-signed."))
        if cosign.cosigned_id:
            cosign = cosign.cosigned
        if cosign.organisation_id == organisation.pk:
            raise Refusal(_("An organisation cannot co-sign its own statement."))
        stance, statement = cosign.stance, cosign.statement
    if stance not in Stance.values:
        raise Refusal(_("Choose a stance."))
    statement = (statement or "").strip()
    if stance in STANCES_NEEDING_STATEMENT and not statement:
        raise Refusal(
            _("Give your reasons: a statement is required for reservations or opposition.")
        )
    if len(statement) > STATEMENT_MAX_LENGTH:
        raise Refusal(
            _("Please keep it under %(limit)d characters.") % {"limit": STATEMENT_MAX_LENGTH}
        )

    # The organisation's row is locked, or created under the unique constraint,
    # before its previous stance is read: two writers for one organisation
    # take turns, and the counters move by what each one changed. Other
    # organisations' stances on the same recommendation do not wait.
    endorsement = (
        Endorsement.objects.select_for_update()
        .filter(consultation=consultation, recommendation=recommendation, organisation=organisation)
        .first()
    )
    now = timezone.now()
    previous_stance = None
    if endorsement is None:
        try:
            with transaction.atomic():
                endorsement = Endorsement.objects.create(
                    consultation=consultation,
                    recommendation=recommendation,
                    organisation=organisation,
                    stance=stance,
                    statement=statement,
                    cosigned=cosign,
                    created_by=by,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            endorsement = Endorsement.objects.select_for_update().get(
                consultation=consultation,
                recommendation=recommendation,
                organisation=organisation,
            )
        else:
            previous_stance = ""
    if previous_stance is None:
        if (
            endorsement.is_active
            and endorsement.stance == stance
            and endorsement.statement == statement
            and endorsement.cosigned_id == (cosign.pk if cosign else None)
        ):
            return endorsement  # Nothing changes: no history, no activity.
        previous_stance = endorsement.stance if endorsement.is_active else ""
        endorsement.stance = stance
        endorsement.statement = statement
        endorsement.cosigned = cosign
        endorsement.withdrawn_at = None
        endorsement.updated_at = now
        endorsement.save(
            update_fields=["stance", "statement", "cosigned", "withdrawn_at", "updated_at"]
        )

    deltas = {}
    if previous_stance:
        deltas[STANCE_COUNTER[previous_stance]] = -1
    deltas[STANCE_COUNTER[stance]] = deltas.get(STANCE_COUNTER[stance], 0) + 1
    deltas = {name: delta for name, delta in deltas.items() if delta}
    EndorsementChange.objects.create(
        endorsement=endorsement, stance=stance, statement=statement, cosigned=cosign, by=by
    )
    _record_participation(consultation, by, organisation)
    activity_record(
        verb=Verb.ENDORSEMENT_CHANGED if previous_stance else Verb.ENDORSEMENT_SET,
        target=endorsement,
        actor=by,
        organisation=organisation,
        consultation=consultation,
        recommendation=recommendation,
        data={"stance": stance, "previous_stance": previous_stance},
    )
    # The shared counters last, so their row locks are held only until the commit.
    if deltas:
        _bump_stats(consultation, recommendation, **deltas)
    if not previous_stance:
        _add(consultation, endorsement_count=1)
    return endorsement


@transaction.atomic
def endorsement_withdraw(*, endorsement: Endorsement, by: User) -> Endorsement:
    """Withdraw an organisation's stance; the history keeps it."""
    consultation = endorsement.consultation
    consultation_check_participant(user=by, consultation=consultation)
    _may_act_for(by, endorsement.organisation)
    endorsement = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if not endorsement.is_active:
        raise Refusal(_("This stance has already been withdrawn."), kind="conflict")
    endorsement.withdrawn_at = timezone.now()
    endorsement.updated_at = endorsement.withdrawn_at
    endorsement.save(update_fields=["withdrawn_at", "updated_at"])
    EndorsementChange.objects.create(endorsement=endorsement, withdrawn=True, by=by)
    activity_record(
        verb=Verb.ENDORSEMENT_WITHDRAWN,
        target=endorsement,
        actor=by,
        organisation=endorsement.organisation,
        consultation=consultation,
        recommendation=endorsement.recommendation,
        data={"previous_stance": endorsement.stance},
    )
    _bump_stats(
        consultation, endorsement.recommendation, **{STANCE_COUNTER[endorsement.stance]: -1}
    )
    _add(consultation, endorsement_count=-1)
    return endorsement
