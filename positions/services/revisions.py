"""New revisions of a position's text, and restoring an old one."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Refusal

from ..models import Position, PositionRevision
from ._common import _may_edit, _save_revision


@transaction.atomic
def position_revise(
    *,
    position: Position,
    body: str,
    message: str = "",
    base_number: int,
    confirm_reopen: bool = False,
    by: User,
) -> PositionRevision:
    """Save a new text based on revision ``base_number``; a stale base is a RevisionConflict."""
    _may_edit(by, position)
    return _save_revision(
        position=position,
        body=body,
        message=message,
        base_number=base_number,
        by=by,
        confirm_reopen=confirm_reopen,
    )


@transaction.atomic
def position_restore(
    *,
    position: Position,
    number: int,
    base_number: int,
    confirm_reopen: bool = False,
    by: User,
) -> PositionRevision:
    """Restoring an old revision writes a new one with its text; history is never rewritten."""
    _may_edit(by, position)
    old = PositionRevision.objects.filter(position=position, number=number).first()
    if old is None:
        raise Refusal(_("This revision does not exist."))
    return _save_revision(
        position=position,
        body=old.body,
        message=_("Restored revision %(number)d.") % {"number": number},
        base_number=base_number,
        by=by,
        confirm_reopen=confirm_reopen,
        restored_from=number,
    )
