"""Organisations signing a position open for signature, and withdrawing their signature."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from core.errors import Refusal
from core.permissions import require_perm

from ..models import (
    VERB_POSITION_SIGNED,
    VERB_SIGNATURE_WITHDRAWN,
    Position,
    PositionStatus,
    Signature,
)
from ._common import _locked, _may_participate, _record


@transaction.atomic
def signature_add(*, position: Position, organisation: Organisation, by: User) -> Signature:
    """A representative signs an open position on behalf of a verified organisation."""
    _may_participate(by, position)
    if not organisation.is_verified:
        raise Refusal(
            _("This organisation has not been verified yet, so it cannot sign."), kind="conflict"
        )
    require_perm(
        by,
        "accounts.act_for_organisation",
        organisation,
        message=_("You can only sign for an organisation you represent."),
    )
    locked = _locked(position)
    if locked.status != PositionStatus.OPEN:
        raise Refusal(_("Only a position open for signature can be signed."), kind="conflict")
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                position=locked,
                organisation=organisation,
                revision_number=locked.current_number,
                signed_by=by,
            )
    except IntegrityError:
        raise Refusal(
            _("This organisation has already signed this position."), kind="conflict"
        ) from None
    Position.objects.filter(pk=locked.pk).update(signature_count=F("signature_count") + 1)
    _record(VERB_POSITION_SIGNED, locked, signature, by, organisation=organisation)
    position.signature_count = locked.signature_count + 1
    return signature


@transaction.atomic
def signature_withdraw(*, signature: Signature, by: User) -> Signature:
    """Withdraw an organisation's signature, which is possible until the position is final."""
    position = signature.position
    _may_participate(by, position)
    require_perm(
        by,
        "accounts.act_for_organisation",
        signature.organisation,
        message=_("You can only sign for an organisation you represent."),
    )
    locked = _locked(position)
    if locked.status == PositionStatus.FINAL:
        raise Refusal(
            _("This position is final: its signatures can no longer change."), kind="conflict"
        )
    updated = Signature.objects.filter(pk=signature.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if not updated:
        raise Refusal(_("This signature has already been withdrawn."), kind="conflict")
    Position.objects.filter(pk=locked.pk).update(signature_count=F("signature_count") - 1)
    signature.refresh_from_db()
    _record(VERB_SIGNATURE_WITHDRAWN, locked, signature, by, organisation=signature.organisation)
    return signature
