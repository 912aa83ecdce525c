"""Writes for positions: every action is one function here.

Each function checks who may act and that the consultation's window is open
(positions freeze when it closes), writes, records the Activity in the same
transaction, and queues notifications after the commit. Revisions are only
ever created, never updated: there is no function that changes one.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.rules import is_member_of
from activity.services import activity_record
from consultations.services import consultation_check_participant, recommendation_in_scope
from core.errors import Refusal
from core.notifications import notification_due
from core.permissions import require_perm
from core.tasks import enqueue_on_commit

from .models import (
    ALLOWED_TRANSITIONS,
    BODY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    PARAGRAPH_MAX_LENGTH,
    REASON_MAX_LENGTH,
    STATUS_VERBS,
    TITLE_MAX_LENGTH,
    VERB_AMENDMENT_ACCEPTED,
    VERB_AMENDMENT_PROPOSED,
    VERB_AMENDMENT_REJECTED,
    VERB_CONTRIBUTION_RESOLVED,
    VERB_EDITOR_ADDED,
    VERB_PARAGRAPH_COMMENTED,
    VERB_POSITION_CREATED,
    VERB_POSITION_REVISED,
    VERB_POSITION_SIGNED,
    VERB_SIGNATURE_WITHDRAWN,
    Amendment,
    AmendmentStatus,
    Decision,
    ParagraphComment,
    Position,
    PositionEditor,
    PositionRevision,
    PositionStatus,
    Signature,
    join_paragraphs,
    paragraph_hash,
)
from .rules import editing_organisation_ids, forget_cached_editors


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


def _may_participate(user, position: Position) -> None:
    consultation_check_participant(user=user, consultation=position.consultation)


def _may_edit(user, position: Position) -> None:
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


def _record(verb: str, position: Position, target, by, organisation=None, data=None) -> None:
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


def _notify(users, template: str, position: Position, **objects) -> None:
    from .tasks import notification_send

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


# --- positions ------------------------------------------------------------------


def _check_recommendations(consultation, recommendations) -> list:
    recommendations = list(recommendations or [])
    for recommendation in recommendations:
        if not recommendation_in_scope(consultation=consultation, recommendation=recommendation):
            raise Refusal(_("This recommendation is not part of this consultation."))
    return recommendations


def _check_co_editors(lead, organisations) -> list:
    organisations = [o for o in (organisations or []) if o.pk != lead.pk]
    for organisation in organisations:
        if not organisation.is_verified:
            raise Refusal(_("Only verified organisations can edit a position."), kind="conflict")
    return organisations


@transaction.atomic
def position_create(
    *,
    consultation,
    title: str,
    lead_organisation,
    body: str = "",
    recommendations=(),
    co_editing_organisations=(),
    by,
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
    *, position: Position, title: str, recommendations=(), co_editing_organisations=(), by
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
def position_editor_add(*, position: Position, user, organisation, by) -> PositionEditor:
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
def position_editor_remove(*, editor: PositionEditor, by) -> None:
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


def _end_signatures(position: Position, by) -> list:
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


@transaction.atomic
def position_status_change(*, position: Position, status: str, by) -> Position:
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


# --- revisions ------------------------------------------------------------------


def _save_revision(
    *,
    position: Position,
    body: str,
    message: str,
    base_number: int,
    by,
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


@transaction.atomic
def position_revise(
    *,
    position: Position,
    body: str,
    message: str = "",
    base_number: int,
    confirm_reopen: bool = False,
    by,
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
    *, position: Position, number: int, base_number: int, confirm_reopen: bool = False, by
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


# --- paragraph comments and amendments ------------------------------------------


def _anchor(position: Position, paragraph_index: int, base_number: int) -> tuple[int, str, str]:
    """The revision, index, hash and text of the paragraph a contribution is about."""
    if base_number != position.current_number:
        raise Refusal(
            _("The text changed while you were writing. Check the paragraph and try again."),
            kind="conflict",
        )
    revision = _current_revision(position)
    paragraphs = revision.paragraphs if revision else []
    if not 0 <= paragraph_index < len(paragraphs):
        raise Refusal(_("This paragraph does not exist in the current text."))
    text = paragraphs[paragraph_index]
    return paragraph_index, paragraph_hash(text), text


def _may_contribute(by, position: Position) -> None:
    _may_participate(by, position)
    if position.status not in (PositionStatus.DRAFTING, PositionStatus.OPEN):
        _check_not_locked(position)


@transaction.atomic
def paragraph_comment_create(
    *, position: Position, paragraph_index: int, base_number: int, body: str, by
) -> ParagraphComment:
    """Comment on one paragraph of the current text."""
    _may_contribute(by, position)
    body = _clean(body, max_length=COMMENT_MAX_LENGTH, required_message=_("Write a comment first."))
    index, digest, text = _anchor(position, paragraph_index, base_number)
    comment = ParagraphComment.objects.create(
        position=position,
        revision_number=position.current_number,
        paragraph_index=index,
        paragraph_hash=digest,
        paragraph_text=text,
        author=by,
        body=body,
    )
    _record(VERB_PARAGRAPH_COMMENTED, position, comment, by, data={"paragraph": index + 1})
    return comment


@transaction.atomic
def amendment_propose(
    *,
    position: Position,
    paragraph_index: int,
    base_number: int,
    proposed_text: str,
    justification: str,
    by,
) -> Amendment:
    """Propose replacement text for a paragraph, with the reasons for it."""
    _may_contribute(by, position)
    proposed_text = _clean(
        proposed_text,
        max_length=PARAGRAPH_MAX_LENGTH,
        required_message=_("Write the text you propose."),
    )
    justification = _clean(
        justification,
        max_length=COMMENT_MAX_LENGTH,
        required_message=_("Explain why you propose this change."),
    )
    index, digest, text = _anchor(position, paragraph_index, base_number)
    if paragraph_hash(proposed_text) == digest:
        raise Refusal(_("The proposed text is the same as the current paragraph."))
    amendment = Amendment.objects.create(
        position=position,
        revision_number=position.current_number,
        paragraph_index=index,
        paragraph_hash=digest,
        paragraph_text=text,
        author=by,
        proposed_text=proposed_text,
        justification=justification,
    )
    _record(VERB_AMENDMENT_PROPOSED, position, amendment, by, data={"paragraph": index + 1})
    return amendment


def _locate(paragraphs: list[str], digest: str, index: int) -> int | None:
    """Where a paragraph with ``digest`` is now: at its old index if it is still there."""
    hashes = [paragraph_hash(p) for p in paragraphs]
    if index < len(hashes) and hashes[index] == digest:
        return index
    return hashes.index(digest) if digest in hashes else None


def _locked_amendment(amendment: Amendment) -> Amendment:
    fresh = (
        Amendment.objects.select_for_update(of=("self",))
        .select_related("author")
        .get(pk=amendment.pk)
    )
    if fresh.status != AmendmentStatus.OPEN:
        raise Refusal(_("This amendment has already been decided."), kind="conflict")
    return fresh


@transaction.atomic
def amendment_accept(
    *,
    amendment: Amendment,
    text: str | None = None,
    reason: str = "",
    confirm_reopen: bool = False,
    by,
) -> PositionRevision:
    """Replace the paragraph with the proposal (or an edited form of it) in a new revision."""
    position = amendment.position
    _may_edit(by, position)
    locked_position = _locked(position)
    _check_not_locked(locked_position)
    amendment = _locked_amendment(amendment)
    current = _current_revision(locked_position)
    paragraphs = current.paragraphs if current else []
    where = _locate(paragraphs, amendment.paragraph_hash, amendment.paragraph_index)
    if where is None:
        raise Refusal(
            _(
                "The paragraph this amendment replaces has changed since it was proposed. "
                "Edit the text by hand, then record a decision on the amendment."
            ),
            kind="conflict",
        )
    incorporated = _clean(
        text if text is not None else amendment.proposed_text,
        max_length=PARAGRAPH_MAX_LENGTH,
        required_message=_("Write the text you propose."),
    )
    reason = _clean(reason, max_length=REASON_MAX_LENGTH)
    partly = paragraph_hash(incorporated) != paragraph_hash(amendment.proposed_text)
    if partly and not reason:
        raise Refusal(_("Say briefly why the proposal was changed before it was taken up."))
    paragraphs[where] = incorporated
    author_name = str(amendment.author) if amendment.author else _("a former participant")
    revision = _save_revision(
        position=position,
        body=join_paragraphs(paragraphs),
        message=_("Amendment #%(number)d by %(author)s accepted.")
        % {"number": amendment.pk, "author": author_name},
        base_number=locked_position.current_number,
        by=by,
        confirm_reopen=confirm_reopen,
        amendment=amendment,
    )
    amendment.status = AmendmentStatus.ACCEPTED
    amendment.decision = Decision.PARTLY if partly else Decision.INCORPORATED
    amendment.decision_reason = reason
    amendment.decided_by = by
    amendment.decided_at = timezone.now()
    amendment.result_revision_number = revision.number
    amendment.result_hash = paragraph_hash(incorporated)
    amendment.save()
    _record(
        VERB_AMENDMENT_ACCEPTED,
        position,
        amendment,
        by,
        data={"decision": amendment.decision, "number": revision.number},
    )
    _notify([amendment.author], "amendment_decided", position, amendment=amendment)
    return revision


@transaction.atomic
def amendment_reject(*, amendment: Amendment, reason: str, by) -> Amendment:
    """Decline an amendment, saying why."""
    position = amendment.position
    _may_edit(by, position)
    reason = _clean(
        reason,
        max_length=REASON_MAX_LENGTH,
        required_message=_("Say briefly why the amendment is not taken up."),
    )
    amendment = _locked_amendment(amendment)
    amendment.status = AmendmentStatus.REJECTED
    amendment.decision = Decision.NOT_TAKEN_UP
    amendment.decision_reason = reason
    amendment.decided_by = by
    amendment.decided_at = timezone.now()
    amendment.save()
    _record(VERB_AMENDMENT_REJECTED, position, amendment, by)
    _notify([amendment.author], "amendment_decided", position, amendment=amendment)
    return amendment


@transaction.atomic
def amendment_resolve(*, amendment: Amendment, decision: str, reason: str, by) -> Amendment:
    """Close an amendment the editors dealt with by hand, recording their decision and why."""
    position = amendment.position
    _may_edit(by, position)
    if decision not in Decision.values:
        raise Refusal(_("Choose a decision."))
    reason = _clean(
        reason, max_length=REASON_MAX_LENGTH, required_message=_("Give a short reason.")
    )
    amendment = _locked_amendment(amendment)
    amendment.status = (
        AmendmentStatus.REJECTED if decision == Decision.NOT_TAKEN_UP else AmendmentStatus.ACCEPTED
    )
    amendment.decision = decision
    amendment.decision_reason = reason
    amendment.decided_by = by
    amendment.decided_at = timezone.now()
    amendment.save()
    verb = VERB_AMENDMENT_REJECTED if decision == Decision.NOT_TAKEN_UP else VERB_AMENDMENT_ACCEPTED
    _record(verb, position, amendment, by, data={"decision": decision})
    _notify([amendment.author], "amendment_decided", position, amendment=amendment)
    return amendment


@transaction.atomic
def paragraph_comment_resolve(
    *, comment: ParagraphComment, decision: str, reason: str, by
) -> ParagraphComment:
    """Record how the editors dealt with a paragraph comment; its author sees the decision."""
    position = comment.position
    _may_edit(by, position)
    if decision not in Decision.values:
        raise Refusal(_("Choose a decision."))
    reason = _clean(
        reason, max_length=REASON_MAX_LENGTH, required_message=_("Give a short reason.")
    )
    comment = ParagraphComment.objects.select_for_update().get(pk=comment.pk)
    comment.decision = decision
    comment.decision_reason = reason
    comment.decided_by = by
    comment.decided_at = timezone.now()
    comment.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    _record(VERB_CONTRIBUTION_RESOLVED, position, comment, by, data={"decision": decision})
    _notify([comment.author], "comment_resolved", position, comment=comment)
    return comment


# --- signatures -----------------------------------------------------------------


@transaction.atomic
def signature_add(*, position: Position, organisation, by) -> Signature:
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
def signature_withdraw(*, signature: Signature, by) -> Signature:
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
