"""Comments on a paragraph and proposed amendments, and the editors' decisions on them."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Refusal

from ..models import (
    COMMENT_MAX_LENGTH,
    PARAGRAPH_MAX_LENGTH,
    REASON_MAX_LENGTH,
    VERB_AMENDMENT_ACCEPTED,
    VERB_AMENDMENT_PROPOSED,
    VERB_AMENDMENT_REJECTED,
    VERB_CONTRIBUTION_RESOLVED,
    VERB_PARAGRAPH_COMMENTED,
    Amendment,
    AmendmentStatus,
    Decision,
    ParagraphComment,
    Position,
    PositionRevision,
    PositionStatus,
    join_paragraphs,
    paragraph_hash,
)
from ._common import (
    _check_not_locked,
    _clean,
    _current_revision,
    _locked,
    _may_edit,
    _may_participate,
    _notify,
    _record,
    _save_revision,
)


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


def _may_contribute(by: User, position: Position) -> None:
    _may_participate(by, position)
    if position.status not in (PositionStatus.DRAFTING, PositionStatus.OPEN):
        _check_not_locked(position)


@transaction.atomic
def paragraph_comment_create(
    *, position: Position, paragraph_index: int, base_number: int, body: str, by: User
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
    by: User,
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
    by: User,
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
def amendment_reject(*, amendment: Amendment, reason: str, by: User) -> Amendment:
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
def amendment_resolve(*, amendment: Amendment, decision: str, reason: str, by: User) -> Amendment:
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
    *, comment: ParagraphComment, decision: str, reason: str, by: User
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
