"""Starting a position, its details, its editors and its status."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.rules import is_member_of
from consultations.models import Consultation
from consultations.services import consultation_check_participant, recommendation_in_scope
from core.errors import Refusal
from core.permissions import require_perm
from recommendations.models import Recommendation

from ..models import (
    ALLOWED_TRANSITIONS,
    BODY_MAX_LENGTH,
    STATUS_VERBS,
    TITLE_MAX_LENGTH,
    VERB_EDITOR_ADDED,
    VERB_POSITION_CREATED,
    Position,
    PositionEditor,
    PositionRevision,
    PositionStatus,
)
from ..rules import editing_organisation_ids, forget_cached_editors
from ._common import (
    _check_not_locked,
    _clean,
    _end_signatures,
    _locked,
    _may_edit,
    _may_participate,
    _notify,
    _record,
    _refresh,
)


def _check_recommendations(
    consultation: Consultation, recommendations: Iterable[Recommendation] | None
) -> list[Recommendation]:
    recommendations = list(recommendations or [])
    for recommendation in recommendations:
        if not recommendation_in_scope(consultation=consultation, recommendation=recommendation):
            raise Refusal(_("This recommendation is not part of this consultation."))
    return recommendations


def _check_co_editors(
    lead: Organisation, organisations: Iterable[Organisation] | None
) -> list[Organisation]:
    organisations = [o for o in (organisations or []) if o.pk != lead.pk]
    for organisation in organisations:
        if not organisation.is_verified:
            raise Refusal(_("Only verified organisations can edit a position."), kind="conflict")
    return organisations


@transaction.atomic
def position_create(
    *,
    consultation: Consultation,
    title: str,
    lead_organisation: Organisation,
    body: str = "",
    recommendations: Iterable[Recommendation] = (),
    co_editing_organisations: Iterable[Organisation] = (),
    by: User,
) -> Position:
    """Start a position led by an organisation the person represents, with its first text."""
    consultation_check_participant(user=by, consultation=consultation)
    require_perm(
        by,
        "accounts.act_for_organisation",
        lead_organisation,
        message=_("Only a representative of a verified organisation may start a position for it."),
    )
    title = _clean(title, max_length=TITLE_MAX_LENGTH, required_message=_("Give it a title."))
    body = _clean(body, max_length=BODY_MAX_LENGTH)
    recommendations = _check_recommendations(consultation, recommendations)
    co_editors = _check_co_editors(lead_organisation, co_editing_organisations)
    now = timezone.now()
    position = Position.objects.create(
        consultation=consultation,
        title=title,
        lead_organisation=lead_organisation,
        created_by=by,
        created_at=now,
        updated_at=now,
        status_changed_at=now,
    )
    position.recommendations.set(recommendations)
    position.co_editing_organisations.set(co_editors)
    if body:
        PositionRevision.objects.create(
            position=position, number=1, body=body, author=by, message=_("First draft.")
        )
        position.current_number = 1
        position.save(update_fields=["current_number"])
    _record(VERB_POSITION_CREATED, position, position, by)
    return position


@transaction.atomic
def position_update(
    *,
    position: Position,
    title: str,
    recommendations: Iterable[Recommendation] = (),
    co_editing_organisations: Iterable[Organisation] = (),
    by: User,
) -> Position:
    """Change the title, the recommendations and the co-editing organisations (lead only)."""
    _may_participate(by, position)
    require_perm(
        by,
        "positions.lead_position",
        position,
        message=_("Only a representative of the lead organisation may change these details."),
    )
    locked = _locked(position)
    _check_not_locked(locked)
    locked.title = _clean(
        title, max_length=TITLE_MAX_LENGTH, required_message=_("Give it a title.")
    )
    locked.updated_at = timezone.now()
    locked.save(update_fields=["title", "updated_at"])
    locked.recommendations.set(_check_recommendations(locked.consultation, recommendations))
    locked.co_editing_organisations.set(
        _check_co_editors(locked.lead_organisation, co_editing_organisations)
    )
    forget_cached_editors(position)
    position.title = locked.title
    return locked


@transaction.atomic
def position_editor_add(
    *, position: Position, user: User, organisation: Organisation, by: User
) -> PositionEditor:
    """A representative of an editing organisation designates one of its members as editor."""
    _may_participate(by, position)
    if organisation.pk not in editing_organisation_ids(position):
        raise Refusal(_("This organisation does not edit this position."))
    require_perm(
        by,
        "accounts.act_for_organisation",
        organisation,
        message=_("You can only designate editors for an organisation you represent."),
    )
    if not is_member_of(user, organisation):
        raise Refusal(_("Only members of the organisation can be designated as editors."))
    editor, created = PositionEditor.objects.get_or_create(
        position=position, user=user, defaults={"organisation": organisation, "added_by": by}
    )
    if created:
        _record(VERB_EDITOR_ADDED, position, editor, by, organisation=organisation)
        _notify([user], "editor_added", position)
    forget_cached_editors(position)
    return editor


@transaction.atomic
def position_editor_remove(*, editor: PositionEditor, by: User) -> None:
    position = editor.position
    _may_participate(by, position)
    require_perm(
        by,
        "positions.delete_positioneditor",
        editor,
        message=_("You can only designate editors for an organisation you represent."),
    )
    editor.delete()
    forget_cached_editors(position)


@transaction.atomic
def position_status_change(*, position: Position, status: str, by: User) -> Position:
    """Move a position along its life: drafting, open for signature, final, withdrawn."""
    _may_edit(by, position)
    locked = _locked(position)
    if status not in ALLOWED_TRANSITIONS.get(locked.status, set()):
        raise Refusal(_("A position cannot move from this status to that one."), kind="conflict")
    if status == PositionStatus.OPEN and not locked.current_number:
        raise Refusal(
            _("Write the text before opening the position for signature."), kind="conflict"
        )
    previous = locked.status
    signatories = []
    if previous == PositionStatus.OPEN and status in (
        PositionStatus.DRAFTING,
        PositionStatus.WITHDRAWN,
    ):
        signatories = _end_signatures(locked, by)
    now = timezone.now()
    locked.status = status
    locked.status_changed_at = now
    locked.updated_at = now
    locked.save(update_fields=["status", "status_changed_at", "updated_at", "signature_count"])
    _record(STATUS_VERBS[status], locked, locked, by, data={"previous_status": previous})
    _notify(signatories, "signatures_ended", locked)
    _refresh(position, locked)
    return locked
