"""The rules of positions, tested through the services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import MembershipRole, VerificationStatus
from activity.models import Activity
from consultations.models import Consultation, Suspension
from core.errors import Refusal
from positions import services
from positions.models import (
    Amendment,
    AmendmentStatus,
    Decision,
    ParagraphComment,
    PositionRevision,
    PositionStatus,
    Signature,
    paragraph_hash,
    split_paragraphs,
)
from positions.selectors import position_text, revision_get
from positions.services import ReopenConfirmationNeeded, RevisionConflict

from .factories import (
    BODY,
    MembershipFactory,
    OrganisationFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _close(consultation):
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=1)
    )
    consultation.refresh_from_db()


def _verbs():
    return list(Activity.objects.order_by("id").values_list("verb", flat=True))


def _open(position, editor):
    return services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)


# --- paragraphs -------------------------------------------------------------------


def test_paragraphs_split_on_blank_lines_and_hash_ignores_whitespace():
    assert split_paragraphs("One\nline two\n\n \n\nThree\r\n\r\nFour") == [
        "One\nline two",
        "Three",
        "Four",
    ]
    assert paragraph_hash("A  text\nhere") == paragraph_hash("A text here")
    assert paragraph_hash("A text") != paragraph_hash("A text.")


# --- creation and editors --------------------------------------------------------


def test_create_records_first_revision_and_activity(position, editor):
    assert position.current_number == 1
    revision = revision_get(position=position)
    assert revision.body == BODY and revision.author == editor
    assert "position_created" in _verbs()


def test_create_refused_for_organisation_one_does_not_represent(consultation, lead, participant):
    with pytest.raises(Refusal):
        services.position_create(
            consultation=consultation, title="T", lead_organisation=lead, by=participant
        )


def test_create_refused_for_recommendation_out_of_scope(consultation, lead, editor):
    from consultations.models import ConsultationScope

    inside, outside = RecommendationFactory(), RecommendationFactory()
    consultation.scope = ConsultationScope.RECOMMENDATIONS
    consultation.save()
    consultation.recommendations.set([inside])
    with pytest.raises(Refusal, match="not part of this consultation"):
        services.position_create(
            consultation=consultation,
            title="T",
            lead_organisation=lead,
            recommendations=[outside],
            by=editor,
        )
    position = services.position_create(
        consultation=consultation,
        title="T",
        lead_organisation=lead,
        recommendations=[inside],
        by=editor,
    )
    assert list(position.recommendations.all()) == [inside]


def test_co_editing_representative_can_edit(position, co_editor):
    revision = services.position_revise(
        position=position, body=BODY + "\n\nMore.", base_number=1, by=co_editor
    )
    assert revision.number == 2


def test_editing_by_non_editor_refused(position, participant):
    with pytest.raises(Refusal, match="Only the editors"):
        services.position_revise(position=position, body="Mine.", base_number=1, by=participant)
    assert PositionRevision.objects.filter(position=position).count() == 1


def test_plain_member_edits_only_once_designated(position, lead, editor):
    member = MembershipFactory(organisation=lead, role=MembershipRole.MEMBER).user
    with pytest.raises(Refusal):
        services.position_revise(position=position, body="Changed.", base_number=1, by=member)
    services.position_editor_add(position=position, user=member, organisation=lead, by=editor)
    revision = services.position_revise(
        position=position, body="Changed.", base_number=1, by=member
    )
    assert revision.author == member


def test_designating_a_non_member_refused(position, lead, editor, participant):
    with pytest.raises(Refusal):
        services.position_editor_add(
            position=position, user=participant, organisation=lead, by=editor
        )


def test_unverified_email_cannot_edit(position, lead):
    unverified = MembershipFactory(organisation=lead, user=UserFactory(verified=False)).user
    with pytest.raises(Refusal, match="Confirm your email"):
        services.position_revise(position=position, body="X.", base_number=1, by=unverified)


def test_editing_after_consultation_closed_refused(position, editor):
    _close(position.consultation)
    with pytest.raises(Refusal, match="closed") as refused:
        services.position_revise(position=position, body="Late.", base_number=1, by=editor)
    assert refused.value.kind == "closed"
    with pytest.raises(Refusal, match="closed"):
        services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)


def test_no_write_of_any_kind_after_close(position, editor, participant, signer, signer_org):
    _open(position, editor)
    amendment = services.amendment_propose(
        position=position,
        paragraph_index=0,
        base_number=1,
        proposed_text="Better.",
        justification="Clearer.",
        by=participant,
    )
    _close(position.consultation)
    attempts = [
        lambda: services.paragraph_comment_create(
            position=position, paragraph_index=0, base_number=1, body="Hi.", by=participant
        ),
        lambda: services.amendment_propose(
            position=position,
            paragraph_index=0,
            base_number=1,
            proposed_text="X.",
            justification="Y.",
            by=participant,
        ),
        lambda: services.amendment_reject(amendment=amendment, reason="No.", by=editor),
        lambda: services.signature_add(position=position, organisation=signer_org, by=signer),
        lambda: services.position_restore(position=position, number=1, base_number=1, by=editor),
    ]
    for attempt in attempts:
        with pytest.raises(Refusal):
            attempt()


# --- revisions and conflicts -------------------------------------------------------


def test_stale_base_is_a_conflict_not_an_overwrite(position, editor, co_editor):
    services.position_revise(position=position, body="Editor's text.", base_number=1, by=editor)
    with pytest.raises(RevisionConflict) as caught:
        services.position_revise(
            position=position, body="Co-editor's text.", base_number=1, by=co_editor
        )
    assert caught.value.current.number == 2
    assert caught.value.mine == "Co-editor's text."
    assert revision_get(position=position).body == "Editor's text."
    merged = services.position_revise(
        position=position, body="Merged text.", base_number=2, by=co_editor
    )
    assert merged.number == 3


def test_unchanged_text_saves_no_revision(position, editor):
    with pytest.raises(Refusal, match="unchanged"):
        services.position_revise(position=position, body=BODY, base_number=1, by=editor)


def test_restore_creates_a_new_revision(position, editor):
    services.position_revise(position=position, body="Second.", base_number=1, by=editor)
    restored = services.position_restore(position=position, number=1, base_number=2, by=editor)
    assert restored.number == 3 and restored.body == BODY and restored.restored_from == 1
    assert PositionRevision.objects.get(position=position, number=2).body == "Second."


def test_revisions_have_no_update_path():
    assert not any(name.startswith("revision_update") for name in dir(services))
    assert not hasattr(services, "position_revision_update")


def test_final_and_withdrawn_positions_are_locked(position, editor):
    _open(position, editor)
    services.position_status_change(position=position, status=PositionStatus.FINAL, by=editor)
    with pytest.raises(Refusal, match="final"):
        services.position_revise(position=position, body="New.", base_number=1, by=editor)
    with pytest.raises(Refusal):
        services.position_status_change(
            position=position, status=PositionStatus.DRAFTING, by=editor
        )


def test_disallowed_transition_refused(position, editor):
    with pytest.raises(Refusal):
        services.position_status_change(position=position, status=PositionStatus.FINAL, by=editor)


def test_status_changes_record_activities(position, editor):
    _open(position, editor)
    services.position_status_change(position=position, status=PositionStatus.FINAL, by=editor)
    verbs = _verbs()
    assert "position_opened_for_signature" in verbs and "position_finalised" in verbs


# --- paragraph comments --------------------------------------------------------------


def test_comment_stays_attached_while_paragraph_unchanged(position, editor, participant):
    comment = services.paragraph_comment_create(
        position=position, paragraph_index=1, base_number=1, body="Good point.", by=participant
    )
    # Another paragraph changes and a new one is inserted before it: still attached.
    paragraphs = split_paragraphs(BODY)
    services.position_revise(
        position=position,
        body="\n\n".join(
            ["New opening.", paragraphs[0] + " Edited.", paragraphs[1], paragraphs[2]]
        ),
        base_number=1,
        by=editor,
    )
    text = position_text(position=position, revision=revision_get(position=position))
    assert [c.pk for c in text.paragraphs[2].comments] == [comment.pk]
    assert text.earlier_comments == []
    # The paragraph itself changes: the comment is on an earlier version, old text kept.
    services.position_revise(
        position=position,
        body="\n\n".join(["New opening.", "Replaced.", paragraphs[2]]),
        base_number=2,
        by=editor,
    )
    text = position_text(position=position, revision=revision_get(position=position))
    assert [c.pk for c in text.earlier_comments] == [comment.pk]
    assert text.earlier_comments[0].paragraph_text == paragraphs[1]
    assert all(not p.comments for p in text.paragraphs)
    assert "position_paragraph_commented" in _verbs()


def test_comment_on_stale_base_refused(position, editor, participant):
    services.position_revise(position=position, body="Other.", base_number=1, by=editor)
    with pytest.raises(Refusal):
        services.paragraph_comment_create(
            position=position, paragraph_index=0, base_number=1, body="Hi.", by=participant
        )


def test_suspended_person_cannot_comment(position, participant, editor):
    Suspension.objects.create(
        consultation=position.consultation, user=participant, reason="Abuse.", created_by=editor
    )
    with pytest.raises(Refusal, match="suspended"):
        services.paragraph_comment_create(
            position=position, paragraph_index=0, base_number=1, body="Hi.", by=participant
        )


def test_resolving_a_comment_tells_its_author(
    position, editor, participant, django_capture_on_commit_callbacks
):
    comment = services.paragraph_comment_create(
        position=position, paragraph_index=0, base_number=1, body="Hi.", by=participant
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.paragraph_comment_resolve(
            comment=comment, decision=Decision.PARTLY, reason="Took the idea.", by=editor
        )
    comment.refresh_from_db()
    assert comment.decision == Decision.PARTLY and comment.decided_by == editor
    assert [m.to for m in mail.outbox] == [[participant.email]]


def test_only_editors_resolve(position, participant):
    comment = services.paragraph_comment_create(
        position=position, paragraph_index=0, base_number=1, body="Hi.", by=participant
    )
    with pytest.raises(Refusal):
        services.paragraph_comment_resolve(
            comment=comment, decision=Decision.INCORPORATED, reason="Me.", by=participant
        )


# --- amendments ------------------------------------------------------------------------


def _propose(position, by, index=1, text="Second paragraph, stronger on diaspora."):
    return services.amendment_propose(
        position=position,
        paragraph_index=index,
        base_number=position.current_number,
        proposed_text=text,
        justification="It is clearer.",
        by=by,
    )


def test_accepting_an_amendment_replaces_the_paragraph_and_credits_the_proposer(
    position, editor, participant, django_capture_on_commit_callbacks
):
    amendment = _propose(position, participant)
    with django_capture_on_commit_callbacks(execute=True):
        revision = services.amendment_accept(amendment=amendment, by=editor)
    assert revision.number == 2 and revision.amendment_id == amendment.pk
    assert str(participant) in revision.message
    assert split_paragraphs(revision.body)[1] == "Second paragraph, stronger on diaspora."
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.ACCEPTED
    assert amendment.decision == Decision.INCORPORATED
    assert amendment.result_revision_number == 2
    assert [m.to for m in mail.outbox] == [[participant.email]]
    assert {"amendment_proposed", "amendment_accepted", "position_revised"} <= set(_verbs())
    text = position_text(position=position, revision=revision_get(position=position))
    assert [a.pk for a in text.paragraphs[1].accepted] == [amendment.pk]


def test_accepting_in_part_needs_a_reason(position, editor, participant):
    amendment = _propose(position, participant)
    with pytest.raises(Refusal):
        services.amendment_accept(amendment=amendment, text="Partly.", by=editor)
    services.amendment_accept(amendment=amendment, text="Partly.", reason="Shorter.", by=editor)
    amendment.refresh_from_db()
    assert amendment.decision == Decision.PARTLY


def test_rejecting_needs_a_reason_and_tells_the_proposer(
    position, editor, participant, django_capture_on_commit_callbacks
):
    amendment = _propose(position, participant)
    with pytest.raises(Refusal):
        services.amendment_reject(amendment=amendment, reason="", by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        services.amendment_reject(amendment=amendment, reason="Out of scope.", by=editor)
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.REJECTED
    assert amendment.decision == Decision.NOT_TAKEN_UP
    assert position.current_number == 1
    assert len(mail.outbox) == 1 and "Out of scope." in mail.outbox[0].body
    with pytest.raises(Refusal, match="already been decided"):
        services.amendment_accept(amendment=amendment, by=editor)


def test_non_editor_cannot_accept(position, participant):
    amendment = _propose(position, participant)
    with pytest.raises(Refusal):
        services.amendment_accept(amendment=amendment, by=participant)
    assert Amendment.objects.get(pk=amendment.pk).status == AmendmentStatus.OPEN


def test_amendment_on_changed_paragraph_cannot_be_applied(position, editor, participant):
    amendment = _propose(position, participant)
    services.position_revise(position=position, body="All new.", base_number=1, by=editor)
    with pytest.raises(Refusal, match="changed since"):
        services.amendment_accept(amendment=amendment, by=editor)


def test_amendment_follows_a_moved_paragraph(position, editor, participant):
    amendment = _propose(position, participant, index=2, text="Third, amended.")
    services.position_revise(position=position, body="Intro.\n\n" + BODY, base_number=1, by=editor)
    revision = services.amendment_accept(amendment=amendment, by=editor)
    assert split_paragraphs(revision.body)[3] == "Third, amended."


def test_unverified_person_cannot_propose(position):
    with pytest.raises(Refusal):
        _propose(position, UserFactory(verified=False))


# --- signatures --------------------------------------------------------------------------


def test_signing_a_draft_refused(position, signer, signer_org):
    with pytest.raises(Refusal, match="open for signature"):
        services.signature_add(position=position, organisation=signer_org, by=signer)


def test_signing_for_an_organisation_one_does_not_represent_refused(
    position, editor, participant, signer_org
):
    _open(position, editor)
    with pytest.raises(Refusal, match="represent"):
        services.signature_add(position=position, organisation=signer_org, by=participant)
    member = MembershipFactory(organisation=signer_org, role=MembershipRole.MEMBER).user
    with pytest.raises(Refusal, match="represent"):
        services.signature_add(position=position, organisation=signer_org, by=member)


def test_unverified_organisation_cannot_sign(position, editor):
    membership = MembershipFactory(
        organisation=OrganisationFactory(status=VerificationStatus.PENDING)
    )
    _open(position, editor)
    with pytest.raises(Refusal, match="verified"):
        services.signature_add(
            position=position, organisation=membership.organisation, by=membership.user
        )


def test_sign_and_withdraw(position, editor, signer, signer_org):
    _open(position, editor)
    signature = services.signature_add(position=position, organisation=signer_org, by=signer)
    assert signature.revision_number == 1
    with pytest.raises(Refusal, match="already signed"):
        services.signature_add(position=position, organisation=signer_org, by=signer)
    position.refresh_from_db()
    assert position.signature_count == 1
    services.signature_withdraw(signature=signature, by=signer)
    position.refresh_from_db()
    assert position.signature_count == 0
    assert {"position_signed", "position_signature_withdrawn"} <= set(_verbs())


def test_signature_cannot_be_withdrawn_once_final(position, editor, signer, signer_org):
    _open(position, editor)
    signature = services.signature_add(position=position, organisation=signer_org, by=signer)
    services.position_status_change(position=position, status=PositionStatus.FINAL, by=editor)
    with pytest.raises(Refusal, match="final"):
        services.signature_withdraw(signature=signature, by=signer)


def test_changing_an_open_text_needs_confirmation_and_tells_signatories(
    position, editor, signer, signer_org, django_capture_on_commit_callbacks
):
    _open(position, editor)
    services.signature_add(position=position, organisation=signer_org, by=signer)
    with pytest.raises(ReopenConfirmationNeeded):
        services.position_revise(position=position, body="Changed.", base_number=1, by=editor)
    assert position.status == PositionStatus.OPEN
    assert Signature.objects.filter(withdrawn_at__isnull=True).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.position_revise(
            position=position, body="Changed.", base_number=1, confirm_reopen=True, by=editor
        )
    position.refresh_from_db()
    assert position.status == PositionStatus.DRAFTING and position.signature_count == 0
    assert Signature.objects.filter(withdrawn_at__isnull=True).count() == 0
    assert [m.to for m in mail.outbox] == [[signer.email]]
    assert "position_back_to_drafting" in _verbs()


def test_comments_and_amendments_kept_apart_by_position(
    position, participant, consultation, lead, editor
):
    other = services.position_create(
        consultation=consultation, title="Other", lead_organisation=lead, body=BODY, by=editor
    )
    services.paragraph_comment_create(
        position=other, paragraph_index=0, base_number=1, body="Elsewhere.", by=participant
    )
    assert ParagraphComment.objects.filter(position=position).count() == 0


def test_proposer_and_signatories_are_told_through_the_outbox(
    position, editor, participant, signer, signer_org, django_capture_on_commit_callbacks
):
    from digests.models import OutboxMessage

    amendment = _propose(position, participant)
    services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)
    services.signature_add(position=position, organisation=signer_org, by=signer)
    with django_capture_on_commit_callbacks(execute=True):
        services.amendment_accept(amendment=amendment, confirm_reopen=True, by=editor)
    kinds = sorted(OutboxMessage.objects.values_list("kind", "user_id"))
    assert kinds == [
        ("amendment_decided", participant.pk),
        ("signed_position_changed", signer.pk),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([participant.email, signer.email])


def test_amendment_resolved_by_hand_after_its_paragraph_changed(position, editor, participant):
    amendment = _propose(position, participant)
    services.position_revise(position=position, body="Rewritten by hand.", base_number=1, by=editor)
    services.amendment_resolve(
        amendment=amendment, decision=Decision.PARTLY, reason="Merged by hand.", by=editor
    )
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.ACCEPTED
    assert amendment.decision == Decision.PARTLY and amendment.decision_reason == "Merged by hand."
    with pytest.raises(Refusal):
        services.amendment_resolve(
            amendment=amendment, decision=Decision.INCORPORATED, reason="Again.", by=editor
        )


def test_position_started_without_text_gets_its_first_revision(consultation, lead, editor):
    position = services.position_create(
        consultation=consultation, title="Empty", lead_organisation=lead, by=editor
    )
    assert position.current_number == 0
    with pytest.raises(Refusal, match="Write the text"):
        services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)
    revision = services.position_revise(position=position, body="Now.", base_number=0, by=editor)
    assert revision.number == 1
