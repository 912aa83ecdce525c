"""Organisations: registering, verifying or rejecting, and the at-risk status."""

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.models import Activity, ModerationAction
from activity.services import activity_record, moderation_action_record
from core.errors import Refusal
from core.permissions import require_perm

from .. import rules, signals
from ..models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
    VerificationStatus,
)
from ..regions import region_for_country
from ._common import _lock_organisation, _may_act, _may_moderate, _validate


@transaction.atomic
def organisation_register(
    *,
    name: str,
    kind: str,
    country: str,
    website: str = "",
    description: str = "",
    at_risk_requested: bool = False,
    by: User,
) -> Organisation:
    """Register an organisation; it stays pending until a moderator verifies it."""
    _may_act(by)
    name = " ".join((name or "").split())
    if not name:
        raise Refusal(_("Give the organisation's name."), field="name")
    if len(name) > Organisation._meta.get_field("name").max_length:
        raise Refusal(_("The name is too long."), field="name")
    if kind not in OrganisationKind.values:
        raise Refusal(_("Choose a kind of organisation from the list."), field="kind")
    region = region_for_country(country)
    if not region:
        raise Refusal(
            _("Choose the country where the organisation is based from the list."),
            field="country",
        )
    duplicate = Organisation.objects.annotate(lower_name=Lower("name")).filter(
        lower_name=name.lower(), country=country
    )
    if duplicate.exists():
        raise Refusal(
            _("An organisation with this name is already registered in this country."),
            field="name",
        )
    organisation = Organisation(
        name=name,
        kind=kind,
        country=country,
        region=region,
        website=website or "",
        description=description or "",
        at_risk_requested=at_risk_requested,
        created_by=by,
    )
    _validate(organisation, exclude=["created_by", "decided_by"])
    # A TextField's max_length is enforced by forms only.
    if len(organisation.description) > Organisation._meta.get_field("description").max_length:
        raise Refusal(_("The description is too long."), field="description")
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as error:
        raise Refusal(
            _("An organisation with this name is already registered in this country."),
            field="name",
        ) from error
    Membership.objects.create(
        user=by, organisation=organisation, role=MembershipRole.REPRESENTATIVE
    )
    rules.forget_cached_permissions(by)
    return organisation


def _organisation_decide(
    *, organisation: Organisation, status: str, reason: str, by: User
) -> Organisation:
    _may_moderate(by, "accounts.verify_organisation")
    organisation = _lock_organisation(organisation)
    if organisation.status == status:
        raise Refusal(_("This decision has already been taken."), kind="conflict")
    organisation.status = status
    organisation.decision_reason = reason
    organisation.decided_at = timezone.now()
    organisation.decided_by = by
    organisation.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    verified = status == VerificationStatus.VERIFIED
    moderation_action_record(
        actor=by,
        action=(
            ModerationAction.Action.ORGANISATION_VERIFIED
            if verified
            else ModerationAction.Action.ORGANISATION_REJECTED
        ),
        target=organisation,
        reason=reason,
        label=organisation.name,
    )
    activity_record(
        verb=Activity.Verb.ORGANISATION_VERIFIED
        if verified
        else Activity.Verb.ORGANISATION_REJECTED,
        target=organisation,
        actor=by,
        organisation=organisation,
        data={"reason": reason},
    )
    # The digests tell the requester through their outbox, in this transaction.
    signals.organisation_decided.send(
        sender=Organisation, organisation=organisation, verified=verified, reason=reason
    )
    return organisation


@transaction.atomic
def organisation_verify(*, organisation: Organisation, reason: str = "", by: User) -> Organisation:
    """A moderator verifies an organisation; its requester is told."""
    return _organisation_decide(
        organisation=organisation, status=VerificationStatus.VERIFIED, reason=reason, by=by
    )


@transaction.atomic
def organisation_reject(*, organisation: Organisation, reason: str, by: User) -> Organisation:
    """A moderator rejects an organisation with a reason; its requester is told."""
    if not (reason or "").strip():
        raise Refusal(_("Give a reason for the rejection."), field="reason")
    return _organisation_decide(
        organisation=organisation, status=VerificationStatus.REJECTED, reason=reason, by=by
    )


@transaction.atomic
def organisation_at_risk_request(
    *, organisation: Organisation, requested: bool = True, by: User
) -> Organisation:
    """The registrant or a representative asks (or stops asking) to be shown without a name."""
    _may_act(by)
    require_perm(
        by,
        "accounts.request_at_risk_organisation",
        organisation,
        message=_("Only a representative of this organisation can do this."),
    )
    organisation.at_risk_requested = requested
    organisation.save(update_fields=["at_risk_requested"])
    return organisation


@transaction.atomic
def organisation_at_risk_set(
    *, organisation: Organisation, at_risk: bool, reason: str = "", by: User
) -> Organisation:
    """A moderator grants or revokes the at-risk status; the audit log records it."""
    _may_moderate(by, "accounts.moderate")
    organisation = _lock_organisation(organisation)
    if organisation.is_at_risk == at_risk:
        raise Refusal(_("This decision has already been taken."), kind="conflict")
    organisation.is_at_risk = at_risk
    organisation.save(update_fields=["is_at_risk"])
    moderation_action_record(
        actor=by,
        action=(
            ModerationAction.Action.AT_RISK_GRANTED
            if at_risk
            else ModerationAction.Action.AT_RISK_REVOKED
        ),
        target=organisation,
        reason=reason,
        label=organisation.name,
    )
    return organisation
