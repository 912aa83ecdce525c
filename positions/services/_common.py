"""Checks, refusals and helpers shared by the position services."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from activity.services import activity_record
from consultations.services import consultation_check_participant
from core.errors import Refusal
from core.notifications import notification_due
from core.permissions import require_perm
from core.tasks import enqueue_on_commit

from ..models import (
    BODY_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    STATUS_VERBS,
    VERB_POSITION_REVISED,
    Amendment,
    Position,
    PositionRevision,
    PositionStatus,
    Signature,
)


class RevisionConflict(Refusal):
    """Someone saved a newer revision after the one the editor started from."""

    def __init__(self, *, current: PositionRevision | None, mine: str, base_number: int):
        super().__init__(
            _(
                "Someone saved a newer version while you were editing. "
                "Nothing was overwritten: compare the texts and merge them."
            ),
            kind="conflict",
        )
        self.current = current
        self.mine = mine
        self.base_number = base_number


class ReopenConfirmationNeeded(Refusal):
    """Changing the text of a position open for signature needs the editor's explicit yes."""

    def __init__(self):
        super().__init__(
            _(
                "This position is open for signature. Changing its text sends it back to "
                "drafting and ends its signatures: confirm that you want this."
            )
        )


# --- checks -----------------------------------------------------------------------


# Each service asks the rules (positions/rules.py) through require_perm, after the
# consultation's: a verified email, then the open window (nothing is written once
# it closes, or before it opens), then not suspended; then the position's own rule.


def _may_participate(user: User, position: Position) -> None:
    consultation_check_participant(user=user, consultation=position.consultation)


def _may_edit(user: User, position: Position) -> None:
    _may_participate(user, position)
    require_perm(
        user,
        "positions.manage_position",
        position,
        message=_("Only the editors of this position, named by its organisations, may do this."),
    )


def _check_not_locked(position: Position) -> None:
    if position.status == PositionStatus.FINAL:
        raise Refusal(_("This position is final: its text can no longer change."), kind="conflict")
    if position.status == PositionStatus.WITHDRAWN:
        raise Refusal(_("This position has been withdrawn."), kind="conflict")


def _clean(text: str, *, max_length: int, required_message: str | None = None) -> str:
    # Browsers send textareas with CRLF; revisions compare and diff on LF only.
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text and required_message:
        raise Refusal(required_message)
    if len(text) > max_length:
        raise Refusal(_("Please keep it under %(limit)d characters.") % {"limit": max_length})
    return text


def _locked(position: Position) -> Position:
    """The position row, locked until the transaction ends, with the caller's caches."""
    fresh = (
        Position.objects.select_for_update(of=("self",))
        .select_related("consultation", "lead_organisation")
        .get(pk=position.pk)
    )
    for attribute in ("_editing_organisation_ids", "_designated_editor_ids"):
        if hasattr(position, attribute):
            setattr(fresh, attribute, getattr(position, attribute))
    return fresh


def _refresh(target: Position, source: Position) -> None:
    for field in ("status", "current_number", "signature_count", "updated_at", "status_changed_at"):
        setattr(target, field, getattr(source, field))


def _record(
    verb: str,
    position: Position,
    target: Model,
    by: User,
    organisation: Organisation | None = None,
    data: dict | None = None,
) -> None:
    activity_record(
        verb=verb,
        target=target,
        actor=by,
        organisation=organisation if organisation is not None else position.lead_organisation,
        consultation=position.consultation,
        data={"position_id": position.pk, "title": position.title, **(data or {})},
    )


# Notifications the digests' outbox knows, by this app's template name; the
# others go out as plain emails after the commit.
OUTBOX_KINDS = {
    "amendment_decided": "amendment_decided",
    "signatures_ended": "signed_position_changed",
}


def _notify(
    users: Iterable[User | None], template: str, position: Position, **objects: Model
) -> None:
    from ..tasks import notification_send

    seen = set()
    for user in users:
        if user is None or user.pk in seen or user.is_former_participant:
            continue
        seen.add(user.pk)
        if template in OUTBOX_KINDS:
            notification_due.send(
                sender=Position,
                user=user,
                kind=OUTBOX_KINDS[template],
                subject_template=f"positions/email/{template}_subject.txt",
                body_template=f"positions/email/{template}_message.txt",
                objects={"position": position, **objects},
            )
            continue
        enqueue_on_commit(
            notification_send,
            user_id=user.pk,
            template=template,
            position_id=position.pk,
            context={f"{name}_id": obj.pk for name, obj in objects.items()},
        )


def _current_revision(position: Position) -> PositionRevision | None:
    if not position.current_number:
        return None
    return PositionRevision.objects.select_related("author").get(
        position=position, number=position.current_number
    )


def _end_signatures(position: Position, by: User) -> list[User | None]:
    """Signatures end when the text goes back to drafting; returns the people to tell."""
    signatures = list(
        Signature.objects.filter(position=position, withdrawn_at__isnull=True).select_related(
            "signed_by"
        )
    )
    if signatures:
        Signature.objects.filter(pk__in=[s.pk for s in signatures]).update(
            withdrawn_at=timezone.now(), withdrawn_for_change=True
        )
    position.signature_count = 0
    return [signature.signed_by for signature in signatures]


# --- writing a revision ---------------------------------------------------------


def _save_revision(
    *,
    position: Position,
    body: str,
    message: str,
    base_number: int,
    by: User,
    confirm_reopen: bool,
    amendment: Amendment | None = None,
    restored_from: int | None = None,
) -> PositionRevision:
    """The one place a revision is written: the position row is locked first.

    The lock serialises saves on one position, so a save based on a stale
    revision sees the newer number and becomes a conflict; the unique
    (position, number) constraint guards anything that would bypass the lock.
    """
    locked = _locked(position)
    _check_not_locked(locked)
    body = _clean(body, max_length=BODY_MAX_LENGTH, required_message=_("The text cannot be empty."))
    message = _clean(message, max_length=MESSAGE_MAX_LENGTH)
    if base_number != locked.current_number:
        raise RevisionConflict(
            current=_current_revision(locked), mine=body, base_number=base_number
        )
    current = _current_revision(locked)
    if current is not None and current.body == body:
        raise Refusal(_("The text is unchanged, so no new revision was saved."))
    signatories = []
    if locked.status == PositionStatus.OPEN:
        if not confirm_reopen:
            raise ReopenConfirmationNeeded()
        signatories = _end_signatures(locked, by)
        locked.status = PositionStatus.DRAFTING
        locked.status_changed_at = timezone.now()
        _record(STATUS_VERBS[PositionStatus.DRAFTING], locked, locked, by)
    number = locked.current_number + 1
    try:
        with transaction.atomic():
            revision = PositionRevision.objects.create(
                position=locked,
                number=number,
                body=body,
                author=by,
                message=message,
                amendment=amendment,
                restored_from=restored_from,
            )
    except IntegrityError:
        raise RevisionConflict(
            current=_current_revision(locked), mine=body, base_number=base_number
        ) from None
    locked.current_number = number
    locked.updated_at = revision.created_at
    locked.save(
        update_fields=[
            "current_number",
            "updated_at",
            "status",
            "status_changed_at",
            "signature_count",
        ]
    )
    _record(VERB_POSITION_REVISED, locked, revision, by, data={"number": number})
    _notify(signatories, "signatures_ended", locked)
    _refresh(position, locked)
    return revision
