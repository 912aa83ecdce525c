"""Reads for positions, shaped so that pages cost a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from accounts.models import Organisation, User
from accounts.rules import user_memberships
from consultations.models import Consultation
from core.permissions import has_perm

from .diff import DiffSummary, word_diff
from .models import (
    Amendment,
    AmendmentStatus,
    ParagraphComment,
    Position,
    PositionRevision,
    PositionStatus,
    Signature,
    paragraph_hash,
    split_paragraphs,
)
from .rules import designated_editor_ids, editing_organisation_ids


def position_list(*, consultation: Consultation) -> QuerySet[Position]:
    """The positions of a consultation, with their lead organisation (withdrawn ones last)."""
    return (
        Position.objects.filter(consultation=consultation)
        .select_related("lead_organisation")
        .order_by("status", "-updated_at", "-id")
    )


def position_get(*, pk: int) -> Position:
    """One position with what its rules and header need, editors' ids cached for the rules."""
    position = (
        Position.objects.select_related("consultation__forum", "lead_organisation")
        .prefetch_related("co_editing_organisations", "recommendations__session")
        .get(pk=pk)
    )
    position._editing_organisation_ids = {position.lead_organisation_id} | {
        organisation.pk for organisation in position.co_editing_organisations.all()
    }
    designated_editor_ids(position)
    return position


def revision_get(*, position: Position, number: int | None = None) -> PositionRevision | None:
    number = position.current_number if number is None else number
    if not number:
        return None
    return (
        PositionRevision.objects.select_related("author", "amendment__author")
        .filter(position=position, number=number)
        .first()
    )


def revision_history(*, position: Position) -> QuerySet[PositionRevision]:
    """Every revision, newest first, without their bodies."""
    return (
        PositionRevision.objects.filter(position=position)
        .select_related("author", "amendment__author")
        .defer("body")
        .order_by("-number")
    )


def revision_diff(
    *, position: Position, old: int, new: int
) -> tuple[PositionRevision, PositionRevision, DiffSummary]:
    revisions = {
        revision.number: revision
        for revision in PositionRevision.objects.select_related("author").filter(
            position=position, number__in=[old, new]
        )
    }
    if old not in revisions or new not in revisions:
        raise PositionRevision.DoesNotExist
    return revisions[old], revisions[new], word_diff(revisions[old].body, revisions[new].body)


def signature_list(*, position: Position) -> list[Signature]:
    return list(
        Signature.objects.filter(position=position, withdrawn_at__isnull=True)
        .select_related("organisation", "signed_by")
        .order_by("created_at", "id")
    )


@dataclass
class ParagraphView:
    index: int
    text: str
    hash: str
    comments: list = field(default_factory=list)
    amendments: list = field(default_factory=list)
    accepted: list = field(default_factory=list)


@dataclass
class PositionText:
    revision: PositionRevision | None
    paragraphs: list[ParagraphView]
    # Contributions whose paragraph no longer exists in the current text.
    earlier_comments: list[ParagraphComment]
    earlier_amendments: list[Amendment]
    open_amendments: list[Amendment]


def position_text(*, position: Position, revision: PositionRevision | None) -> PositionText:
    """The current text split in paragraphs, each with the contributions still attached to it.

    A contribution stays attached while a paragraph with its hash exists (at its
    old index if still there, else the first match); otherwise it is "on an
    earlier version". Two queries, whatever the number of contributions.
    """
    paragraphs = [
        ParagraphView(index=i, text=text, hash=paragraph_hash(text))
        for i, text in enumerate(split_paragraphs(revision.body if revision else ""))
    ]
    by_hash: dict[str, list[ParagraphView]] = {}
    for paragraph in paragraphs:
        by_hash.setdefault(paragraph.hash, []).append(paragraph)

    def place(contribution, digest: str):
        matches = by_hash.get(digest)
        if not matches:
            return None
        for paragraph in matches:
            if paragraph.index == contribution.paragraph_index:
                return paragraph
        return matches[0]

    comments = ParagraphComment.objects.filter(position=position).select_related(
        "author", "decided_by"
    )
    amendments = Amendment.objects.filter(position=position).select_related("author", "decided_by")
    earlier_comments, earlier_amendments, open_amendments = [], [], []
    for comment in comments:
        paragraph = place(comment, comment.paragraph_hash)
        comment.is_current = paragraph is not None
        if paragraph is None:
            earlier_comments.append(comment)
        else:
            paragraph.comments.append(comment)
    for amendment in amendments:
        if amendment.status == AmendmentStatus.ACCEPTED and amendment.result_hash:
            paragraph = place(amendment, amendment.result_hash)
            if paragraph is not None:
                paragraph.accepted.append(amendment)
                continue
        paragraph = place(amendment, amendment.paragraph_hash)
        amendment.is_current = paragraph is not None
        if amendment.status == AmendmentStatus.OPEN:
            open_amendments.append(amendment)
        if paragraph is None:
            earlier_amendments.append(amendment)
        else:
            paragraph.amendments.append(amendment)
    return PositionText(
        revision=revision,
        paragraphs=paragraphs,
        earlier_comments=earlier_comments,
        earlier_amendments=earlier_amendments,
        open_amendments=open_amendments,
    )


def amendment_get(*, pk: int) -> Amendment:
    return Amendment.objects.select_related(
        "author", "decided_by", "position__consultation", "position__lead_organisation"
    ).get(pk=pk)


def amendment_preview(*, amendment: Amendment) -> DiffSummary:
    return word_diff(amendment.paragraph_text, amendment.proposed_text)


def signable_organisations(*, user: User, position: Position) -> list[Organisation]:
    """The verified organisations the person represents that have not signed yet."""
    if position.status != PositionStatus.OPEN:
        return []
    signed = set(
        Signature.objects.filter(position=position, withdrawn_at__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )
    return [
        membership.organisation
        for membership in user_memberships(user)
        if has_perm(user, "accounts.act_for_organisation", membership.organisation)
        and membership.organisation_id not in signed
    ]


def represented_editing_organisations(*, user: User, position: Position) -> list[Organisation]:
    ids = editing_organisation_ids(position)
    return [
        membership.organisation
        for membership in user_memberships(user)
        if has_perm(user, "accounts.act_for_organisation", membership.organisation)
        and membership.organisation_id in ids
    ]


def organisation_signed_positions(*, organisation: Organisation) -> list[Signature]:
    """An organisation's current signatures, with their positions and consultations."""
    return list(
        Signature.objects.filter(organisation=organisation, withdrawn_at__isnull=True)
        .exclude(position__status=PositionStatus.WITHDRAWN)
        .select_related("position__consultation")
        .order_by("-created_at")
    )


def position_made(*, position: Position, revision: PositionRevision | None) -> PositionText:
    """For "How this text was made": the same placement, with every contribution."""
    return position_text(position=position, revision=revision)
