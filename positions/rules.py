"""Who may do what with positions, as django-rules predicates.

The consultation window is an input to every write: once it closes, positions
freeze. What a predicate needs from the database (a position's editing
organisations and designated editors) is read once and kept on the object.
"""

import rules

from accounts.rules import (
    can_act,
    can_act_for_organisation,
    is_authenticated,
    is_representative_of,
)
from consultations.rules import is_suspended_from

from .models import AmendmentStatus, PositionStatus


def editing_organisation_ids(position) -> set[int]:
    """The lead and co-editing organisations' ids, fetched once per position object."""
    cached = getattr(position, "_editing_organisation_ids", None)
    if cached is None:
        cached = {position.lead_organisation_id}
        cached |= set(position.co_editing_organisations.values_list("pk", flat=True))
        position._editing_organisation_ids = cached
    return cached


def designated_editor_ids(position) -> set[int]:
    cached = getattr(position, "_designated_editor_ids", None)
    if cached is None:
        cached = set(position.editors.values_list("user_id", flat=True))
        position._designated_editor_ids = cached
    return cached


def forget_cached_editors(position) -> None:
    for attribute in ("_editing_organisation_ids", "_designated_editor_ids"):
        if hasattr(position, attribute):
            delattr(position, attribute)


@rules.predicate
def is_position_editor(user, position) -> bool:
    """Representatives of the editing organisations and the members they designate."""
    if position is None or not is_authenticated(user):
        return False
    if user.pk in designated_editor_ids(position):
        return True
    from accounts.rules import user_memberships

    ids = editing_organisation_ids(position)
    return any(
        membership.organisation_id in ids and is_representative_of(user, membership.organisation)
        for membership in user_memberships(user)
    )


@rules.predicate
def is_window_open(user, position) -> bool:
    return position is not None and position.consultation.is_open


@rules.predicate
def is_drafting_or_open(user, position) -> bool:
    return position is not None and position.status in (
        PositionStatus.DRAFTING,
        PositionStatus.OPEN,
    )


@rules.predicate
def is_open_for_signature(user, position) -> bool:
    return position is not None and position.status == PositionStatus.OPEN


@rules.predicate
def is_not_suspended(user, position) -> bool:
    return position is not None and not is_suspended_from(user, position.consultation)


@rules.predicate
def is_lead_representative(user, position) -> bool:
    return position is not None and is_representative_of(user, position.lead_organisation)


@rules.predicate
def is_open_amendment(user, amendment) -> bool:
    return amendment is not None and amendment.status == AmendmentStatus.OPEN


@rules.predicate
def is_designated_editor(user, editor) -> bool:
    return editor is not None and is_authenticated(user) and editor.user_id == user.pk


@rules.predicate
def is_editor_organisation_representative(user, editor) -> bool:
    return editor is not None and can_act_for_organisation(user, editor.organisation)


can_take_part = can_act & is_window_open & is_not_suspended
can_edit_position = can_take_part & is_position_editor & is_drafting_or_open
can_contribute = can_take_part & is_drafting_or_open
can_manage_position = can_take_part & is_position_editor

rules.add_perm("positions.change_position", can_edit_position)
rules.add_perm("positions.manage_position", can_manage_position)
rules.add_perm("positions.contribute_position", can_contribute)
rules.add_perm("positions.sign_position", can_take_part & is_open_for_signature)
# Title, recommendations and co-editing organisations: the lead organisation's representatives.
rules.add_perm("positions.lead_position", can_take_part & is_lead_representative)
# A designated editor steps down, or a representative of their organisation removes them.
rules.add_perm(
    "positions.delete_positioneditor",
    can_act & (is_designated_editor | is_editor_organisation_representative),
)

__all__ = [
    "can_act_for_organisation",
    "can_contribute",
    "can_edit_position",
    "can_manage_position",
    "can_take_part",
    "is_position_editor",
]
