"""Position pages: status codes, denial paths, conflict screen, escaping and query counts."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ModeratorFactory
from consultations.models import Consultation
from positions import services
from positions.models import (
    Amendment,
    ParagraphComment,
    PositionRevision,
    PositionStatus,
    Signature,
    paragraph_hash,
)

from .factories import BODY, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _url(name, *args):
    return reverse(f"positions:{name}", args=args)


def test_list_and_detail_render_for_anyone(client, position):
    response = client.get(_url("position-list", position.consultation_id))
    assert response.status_code == 200
    assert position.title in response.content.decode()
    response = client.get(position.get_absolute_url())
    assert response.status_code == 200
    assert "First paragraph about remittances." in response.content.decode()


def test_consultation_page_links_to_positions(client, position):
    response = client.get(
        reverse("consultations:consultation-detail", args=[position.consultation_id])
    )
    assert _url("position-list", position.consultation_id) in response.content.decode()


def test_create_page(client, consultation, lead, editor):
    client.force_login(editor)
    url = _url("position-create", consultation.pk)
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "", "lead_organisation": lead.pk})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = client.post(
        url, {"title": "Decent work", "lead_organisation": lead.pk, "body": BODY}
    )
    assert response.status_code == 302
    assert consultation.positions.get().title == "Decent work"


def test_non_editor_gets_403_on_edit(client, position, participant):
    client.force_login(participant)
    assert client.get(_url("position-edit", position.pk)).status_code == 403
    response = client.post(
        _url("position-edit", position.pk), {"body": "Mine.", "base": 1, "message": ""}
    )
    assert response.status_code == 403
    assert PositionRevision.objects.filter(position=position).count() == 1


def test_edit_saves_a_revision(client, position, editor):
    client.force_login(editor)
    response = client.post(
        _url("position-edit", position.pk), {"body": "New text.", "base": 1, "message": "Shorter."}
    )
    assert response.status_code == 302
    assert PositionRevision.objects.get(position=position, number=2).message == "Shorter."


def test_stale_save_shows_the_conflict_screen(client, position, editor, co_editor):
    services.position_revise(position=position, body="Theirs wins.", base_number=1, by=editor)
    client.force_login(co_editor)
    response = client.post(
        _url("position-edit", position.pk), {"body": "Mine <b>here</b>.", "base": 1, "message": ""}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone saved a newer version" in page
    assert "Theirs wins." in page and "Mine &lt;b&gt;here&lt;/b&gt;." in page
    assert "<ins>" in page and "<del>" in page
    assert 'name="base" value="2"' in page
    assert PositionRevision.objects.filter(position=position).count() == 2


def test_open_position_edit_without_confirmation_shows_form_error(
    client, position, editor, signer, signer_org
):
    services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)
    services.signature_add(position=position, organisation=signer_org, by=signer)
    client.force_login(editor)
    response = client.post(_url("position-edit", position.pk), {"body": "Changed.", "base": 1})
    assert response.status_code == 200
    assert "confirm that you want this" in response.content.decode()
    position.refresh_from_db()
    assert position.status == PositionStatus.OPEN


def test_edit_after_close_redirects_with_message(client, position, editor):
    now = timezone.now()
    Consultation.objects.filter(pk=position.consultation_id).update(
        opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1)
    )
    client.force_login(editor)
    response = client.post(
        _url("position-edit", position.pk), {"body": "Late.", "base": 1}, follow=True
    )
    assert "closed" in response.content.decode()
    assert PositionRevision.objects.filter(position=position).count() == 1


def test_bad_input_gives_form_errors_not_500(client, position, editor):
    client.force_login(editor)
    response = client.post(_url("position-edit", position.pk), {"body": "x", "base": "nope"})
    assert response.status_code == 200
    response = client.get(_url("position-diff", position.pk), {"old": "a", "new": "2"})
    assert response.status_code == 302
    response = client.get(_url("position-diff", position.pk), {"old": "7", "new": "9"})
    assert response.status_code == 404
    # Past what the database holds (SQLite raised OverflowError): a form error too.
    huge = "99999999999999999999"
    response = client.get(_url("position-diff", position.pk), {"old": "1", "new": huge})
    assert response.status_code == 302
    assert client.get(_url("position-download", position.pk, "exe")).status_code == 404
    assert client.get(_url("paragraph-comment", position.pk, 99)).status_code == 404


def test_history_diff_and_restore(client, position, editor):
    services.position_revise(
        position=position, body=BODY.replace("remittances", "wages"), base_number=1, by=editor
    )
    client.force_login(editor)
    assert client.get(_url("position-history", position.pk)).status_code == 200
    response = client.get(_url("position-diff", position.pk), {"old": 1, "new": 2})
    page = response.content.decode()
    assert "<del>remittances.</del>" in page and "<ins>wages.</ins>" in page
    assert client.get(_url("revision-detail", position.pk, 1)).status_code == 200
    response = client.post(_url("revision-restore", position.pk, 1), {"base": 2})
    assert response.status_code == 302
    assert PositionRevision.objects.get(position=position, number=3).body == BODY


def test_comment_amend_accept_reject_through_pages(client, position, editor, participant):
    client.force_login(participant)
    response = client.post(
        _url("paragraph-comment", position.pk, 0), {"body": "Agreed.", "base": 1}
    )
    assert response.status_code == 302
    response = client.post(
        _url("amendment-create", position.pk, 1),
        {"proposed_text": "Better second.", "justification": "Clearer.", "base": 1},
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert client.get(amendment.get_absolute_url()).status_code == 200
    assert (
        client.post(_url("amendment-accept", amendment.pk), {"accept-text": "X"}).status_code == 302
    )
    assert Amendment.objects.get().status == "open"  # not an editor: refused
    client.force_login(editor)
    page = client.get(amendment.get_absolute_url()).content.decode()
    assert "Accept the amendment" in page
    response = client.post(
        _url("amendment-accept", amendment.pk), {"accept-text": "Better second."}
    )
    assert response.status_code == 302
    assert Amendment.objects.get().status == "accepted"
    comment = ParagraphComment.objects.get()
    response = client.post(
        _url("comment-resolve", comment.pk), {"decision": "not_taken_up", "reason": "Kept as is."}
    )
    assert response.status_code == 302
    page = client.get(_url("position-made", position.pk)).content.decode()
    assert "Kept as is." in page and "Better second." in page


def test_sign_and_withdraw_through_pages(client, position, editor, signer, signer_org):
    services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)
    client.force_login(signer)
    page = client.get(position.get_absolute_url()).content.decode()
    assert "Sign this position" in page
    response = client.post(_url("signature-add", position.pk), {"organisation": signer_org.pk})
    assert response.status_code == 302
    signature = Signature.objects.get()
    page = client.get(position.get_absolute_url()).content.decode()
    assert "Signing Association" in page and "South-eastern Asia" in page
    client.post(_url("signature-withdraw", signature.pk))
    assert Signature.objects.get().withdrawn_at is not None


def test_at_risk_signatory_masked_except_for_moderators(client, position, editor):
    hidden = OrganisationFactory(name="Secret Collective", is_at_risk=True, region="Western Asia")
    representative = MembershipFactory(organisation=hidden).user
    services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)
    services.signature_add(position=position, organisation=hidden, by=representative)
    page = client.get(position.get_absolute_url()).content.decode()
    assert "Secret Collective" not in page and "an organisation from Western Asia" in page
    client.force_login(ModeratorFactory())
    assert "Secret Collective" in client.get(position.get_absolute_url()).content.decode()


def test_user_text_is_inert(client, consultation, lead, editor, participant):
    position = services.position_create(
        consultation=consultation,
        title=XSS,
        lead_organisation=lead,
        body=f"Para {XSS}\n\nSecond [link](javascript:alert(1))",
        by=editor,
    )
    amendment = services.amendment_propose(
        position=position,
        paragraph_index=0,
        base_number=1,
        proposed_text=XSS,
        justification=XSS,
        by=participant,
    )
    services.paragraph_comment_create(
        position=position, paragraph_index=0, base_number=1, body=XSS, by=participant
    )
    services.position_revise(position=position, body=f"Other {XSS}", base_number=1, by=editor)
    pages = [
        position.get_absolute_url(),
        amendment.get_absolute_url(),
        _url("position-history", position.pk),
        _url("position-made", position.pk),
        _url("revision-detail", position.pk, 1),
        _url("position-list", consultation.pk),
        _url("position-diff", position.pk) + "?old=1&new=2",
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "onerror=alert" not in page or "&lt;img" in page, url
        assert 'href="javascript:' not in page, url


def test_downloads_carry_text_revision_and_signatories(
    client, position, editor, signer, signer_org
):
    from docx import Document
    from pypdf import PdfReader

    services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)
    services.signature_add(position=position, organisation=signer_org, by=signer)
    response = client.get(_url("position-download", position.pk, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Signing Association" in text and "Revision 1" in text
    assert "remittances" in text
    response = client.get(_url("position-download", position.pk, "docx"))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    content = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "Signing Association" in content and "Revision 1" in content


def test_download_masks_at_risk_signatory(client, position, editor):
    from pypdf import PdfReader

    hidden = OrganisationFactory(name="Secret Collective", is_at_risk=True, region="Western Asia")
    representative = MembershipFactory(organisation=hidden).user
    services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)
    services.signature_add(position=position, organisation=hidden, by=representative)
    response = client.get(_url("position-download", position.pk, "pdf"))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Secret Collective" not in text and "Western Asia" in text


def _busy_position(position, editor, participants=10):
    """A position with 200 revisions, 100 paragraph comments, amendments and signatures."""
    paragraphs = [f"Paragraph {i} about decent work." for i in range(20)]
    body = "\n\n".join(paragraphs)
    PositionRevision.objects.bulk_create(
        PositionRevision(
            position=position,
            number=n,
            body=body + f"\n\nVersion {n}.",
            author=editor,
            message=f"m{n}",
        )
        for n in range(2, 201)
    )
    position.current_number = 200
    position.save()
    people = [UserFactory() for _ in range(participants)]
    ParagraphComment.objects.bulk_create(
        ParagraphComment(
            position=position,
            revision_number=200,
            paragraph_index=i % 20,
            paragraph_hash=paragraph_hash(paragraphs[i % 20]) if i % 3 else "0" * 32,
            paragraph_text=paragraphs[i % 20],
            author=people[i % participants],
            body=f"Comment {i}.",
        )
        for i in range(100)
    )
    Amendment.objects.bulk_create(
        Amendment(
            position=position,
            revision_number=200,
            paragraph_index=i,
            paragraph_hash=paragraph_hash(paragraphs[i]),
            paragraph_text=paragraphs[i],
            author=people[i % participants],
            proposed_text="Instead.",
            justification="Because.",
        )
        for i in range(20)
    )
    for _ in range(5):
        membership = MembershipFactory()
        Signature.objects.create(
            position=position, organisation=membership.organisation, revision_number=200
        )


@pytest.mark.parametrize("viewer", ["anonymous", "editor", "participant"])
def test_busy_position_page_and_history_take_constant_queries(
    client, position, editor, participant, viewer, django_assert_max_num_queries
):
    _busy_position(position, editor)
    if viewer == "editor":
        client.force_login(editor)
    elif viewer == "participant":
        client.force_login(participant)
    urls = [
        position.get_absolute_url(),
        _url("position-history", position.pk),
        _url("position-made", position.pk),
        _url("position-list", position.consultation_id),
    ]
    for url in urls:
        with django_assert_max_num_queries(16):
            response = client.get(url)
        assert response.status_code == 200, url


def test_organisation_page_lists_signed_positions(client, position, editor, signer, signer_org):
    services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)
    services.signature_add(position=position, organisation=signer_org, by=signer)
    page = client.get(signer_org.get_absolute_url()).content.decode()
    assert position.title in page and position.get_absolute_url() in page


def test_at_risk_organisation_page_does_not_list_its_positions(client, position, editor):
    hidden = OrganisationFactory(name="Secret Collective", is_at_risk=True, region="Western Asia")
    representative = MembershipFactory(organisation=hidden).user
    services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)
    services.signature_add(position=position, organisation=hidden, by=representative)
    page = client.get(hidden.get_absolute_url()).content.decode()
    assert position.get_absolute_url() not in page


def test_amendment_decision_recorded_through_page(client, position, editor, participant):
    amendment = services.amendment_propose(
        position=position,
        paragraph_index=0,
        base_number=1,
        proposed_text="Other.",
        justification="Why not.",
        by=participant,
    )
    client.force_login(editor)
    response = client.post(
        _url("amendment-resolve", amendment.pk),
        {"resolve-decision": "not_taken_up", "resolve-reason": "Out of scope."},
    )
    assert response.status_code == 302
    assert Amendment.objects.get().decision == "not_taken_up"


def test_french_position_page(client, position):
    from django.utils import translation

    # The locale middleware leaves the language active in this thread: restore it.
    with translation.override("en"):
        response = client.get(position.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert "Signataires" in page and "En rédaction" in page


def test_at_risk_lead_masked_on_its_position(client, consultation):
    hidden = OrganisationFactory(name="Secret Collective", is_at_risk=True, region="Western Asia")
    representative = MembershipFactory(organisation=hidden).user
    position = services.position_create(
        consultation=consultation,
        title="Quiet",
        lead_organisation=hidden,
        body=BODY,
        by=representative,
    )
    for url in (position.get_absolute_url(), _url("position-list", consultation.pk)):
        page = client.get(url).content.decode()
        assert "Secret Collective" not in page and "an organisation from Western Asia" in page


def test_decline_through_page_needs_a_reason(client, position, editor, participant):
    amendment = services.amendment_propose(
        position=position,
        paragraph_index=0,
        base_number=1,
        proposed_text="Other.",
        justification="Why not.",
        by=participant,
    )
    client.force_login(editor)
    page = client.get(amendment.get_absolute_url()).content.decode()
    assert page.count('id="id_accept-reason"') == 1 and page.count('id="id_reject-reason"') == 1
    client.post(_url("amendment-reject", amendment.pk), {"reject-reason": ""})
    assert Amendment.objects.get().status == "open"
    client.post(_url("amendment-reject", amendment.pk), {"reject-reason": "Not now."})
    assert Amendment.objects.get().decision_reason == "Not now."


def test_anonymous_visitors_are_sent_to_log_in_with_the_full_path(client, position):
    url = _url("position-edit", position.pk) + "?from=list"
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(url, headers=headers)
        assert response.status_code == 302
        assert response["Location"] == (
            reverse("account_login") + "?next=" + url.replace("?", "%3F").replace("=", "%3D")
        )


def test_post_only_pages_refuse_a_get_before_asking_to_log_in(client, position):
    url = _url("position-status", position.pk)
    assert client.get(url).status_code == 405
    response = client.post(url, {"status": "finalised"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
