"""The positions endpoints: read with revisions and signatories; revise, amend, sign, withdraw."""

import pytest
from rest_framework.test import APIClient

from accounts.models import MembershipRole
from positions import services
from positions.models import Amendment, PositionStatus, Signature

from .factories import (
    BODY,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    PositionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def open_position(position, editor):
    services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)
    return position


def test_position_list_shape(api, position, consultation):
    response = api.get(f"/api/v1/consultations/{consultation.pk}/positions/")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["title"] == position.title
    assert row["lead_organisation"]["name"] == "Lead Network"
    assert row["current_revision"] == 1
    assert row["co_editing_organisations"][0]["name"] == "Co-editing Union"


def test_position_list_constant_queries(api, consultation, django_assert_max_num_queries):
    for _ in range(30):
        position = PositionFactory(consultation=consultation)
        position.co_editing_organisations.add(OrganisationFactory())
    with django_assert_max_num_queries(8):
        response = api.get(
            f"/api/v1/consultations/{consultation.pk}/positions/", {"page_size": 100}
        )
    assert len(response.json()["results"]) == 30


def test_position_detail_with_text_revisions_and_signatories(
    api, open_position, signer, signer_org
):
    services.signature_add(position=open_position, organisation=signer_org, by=signer)
    body = api.get(f"/api/v1/positions/{open_position.pk}/").json()
    assert body["revision"]["body"] == BODY
    assert [r["number"] for r in body["revisions"]] == [1]
    assert body["signatories"][0]["organisation"]["name"] == "Signing Association"
    assert api.get(f"/api/v1/positions/{open_position.pk}/revisions/1/").json()["body"] == BODY
    assert api.get(f"/api/v1/positions/{open_position.pk}/revisions/2/").status_code == 404


def test_at_risk_lead_and_signatory_are_masked(api, consultation):
    at_risk = OrganisationFactory(name="Secret Sisters", is_at_risk=True, region="Western Asia")
    rep = MembershipFactory(organisation=at_risk).user
    position = services.position_create(
        consultation=consultation, title="T", lead_organisation=at_risk, body=BODY, by=rep
    )
    services.position_status_change(position=position, status=PositionStatus.OPEN, by=rep)
    services.signature_add(position=position, organisation=at_risk, by=rep)
    for url in (
        f"/api/v1/positions/{position.pk}/",
        f"/api/v1/consultations/{consultation.pk}/positions/",
    ):
        assert "Secret Sisters" not in api.get(url).content.decode()
    api.force_authenticate(ModeratorFactory())
    assert "Secret Sisters" in api.get(f"/api/v1/positions/{position.pk}/").content.decode()


def _revise(api, position, body, base):
    return api.post(
        f"/api/v1/positions/{position.pk}/revisions/",
        {"body": body, "base_revision": base, "message": "Edit."},
        format="json",
    )


def test_editor_saves_a_revision(api, position, editor):
    api.force_authenticate(editor)
    response = _revise(api, position, BODY + "\n\nFourth paragraph.", 1)
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2


def test_stale_base_is_a_409_with_the_current_revision(api, position, editor, co_editor):
    api.force_authenticate(co_editor)
    assert _revise(api, position, BODY + "\n\nTheirs.", 1).status_code == 201
    api.force_authenticate(editor)
    response = _revise(api, position, BODY + "\n\nMine.", 1)
    assert response.status_code == 409
    body = response.json()
    assert body["current"]["number"] == 2
    assert body["current"]["body"].endswith("Theirs.")
    assert body["detail"]
    position.refresh_from_db()
    assert position.current_number == 2  # nothing overwritten


@pytest.mark.parametrize("who", ["anonymous", "participant", "member"])
def test_only_editors_save_revisions(api, position, lead, who):
    if who == "participant":
        api.force_authenticate(UserFactory())
    elif who == "member":
        api.force_authenticate(
            MembershipFactory(organisation=lead, role=MembershipRole.MEMBER).user
        )
    response = _revise(api, position, BODY + "\n\nX.", 1)
    assert response.status_code == (401 if who == "anonymous" else 403)
    if who != "anonymous":
        body = response.json()
        assert "editors" in body["detail"]
        assert body["errors"] == {"non_field_errors": [body["detail"]]}
    position.refresh_from_db()
    assert position.current_number == 1


def test_open_position_needs_confirmation_to_change(api, open_position, editor):
    api.force_authenticate(editor)
    response = _revise(api, open_position, BODY + "\n\nX.", 1)
    assert response.status_code == 400
    assert "confirm" in response.json()["detail"]


def test_participant_proposes_an_amendment(api, position, participant):
    api.force_authenticate(participant)
    response = api.post(
        f"/api/v1/positions/{position.pk}/amendments/",
        {
            "paragraph_index": 0,
            "base_revision": 1,
            "proposed_text": "A better first paragraph.",
            "justification": "Clearer.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Amendment.objects.get().proposed_text == "A better first paragraph."


def test_amendment_on_a_missing_paragraph_is_refused(api, position, participant):
    api.force_authenticate(participant)
    response = api.post(
        f"/api/v1/positions/{position.pk}/amendments/",
        {"paragraph_index": 99, "base_revision": 1, "proposed_text": "X", "justification": "Y"},
        format="json",
    )
    assert response.status_code == 400


def test_representative_signs_and_withdraws(api, open_position, signer, signer_org):
    api.force_authenticate(signer)
    response = api.post(
        f"/api/v1/positions/{open_position.pk}/signatures/",
        {"organisation": signer_org.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    signature = Signature.objects.get()
    assert api.delete(f"/api/v1/signatures/{signature.pk}/").status_code == 204
    signature.refresh_from_db()
    assert signature.withdrawn_at is not None


def test_member_cannot_sign(api, open_position, signer_org):
    member = MembershipFactory(organisation=signer_org, role=MembershipRole.MEMBER).user
    api.force_authenticate(member)
    response = api.post(
        f"/api/v1/positions/{open_position.pk}/signatures/",
        {"organisation": signer_org.pk},
        format="json",
    )
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_drafting_position_cannot_be_signed(api, position, signer, signer_org):
    api.force_authenticate(signer)
    response = api.post(
        f"/api/v1/positions/{position.pk}/signatures/",
        {"organisation": signer_org.pk},
        format="json",
    )
    assert response.status_code == 409
    assert "open for signature" in response.json()["detail"]


def test_member_cannot_withdraw_a_signature(api, open_position, signer, signer_org):
    signature = services.signature_add(position=open_position, organisation=signer_org, by=signer)
    member = MembershipFactory(organisation=signer_org, role=MembershipRole.MEMBER).user
    api.force_authenticate(member)
    assert api.delete(f"/api/v1/signatures/{signature.pk}/").status_code == 403
    signature.refresh_from_db()
    assert signature.withdrawn_at is None


def test_no_revision_once_the_consultation_closes(api, position, editor):
    from datetime import timedelta

    from django.utils import timezone

    consultation = position.consultation
    consultation.opens_at = timezone.now() - timedelta(days=30)
    consultation.closes_at = timezone.now() - timedelta(days=1)
    consultation.save()
    api.force_authenticate(editor)
    response = _revise(api, position, BODY + "\n\nLate.", 1)
    assert response.status_code == 409
    body = response.json()
    assert "closed" in body["detail"]
    assert body["errors"] == {"non_field_errors": [body["detail"]]}
    assert "current" not in body


def test_revision_validation_errors_are_per_field(api, position, editor):
    api.force_authenticate(editor)
    response = api.post(f"/api/v1/positions/{position.pk}/revisions/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"body", "base_revision"}


def test_unknown_position_is_a_404(api, db):
    assert api.get("/api/v1/positions/999999/").status_code == 404
    assert api.get("/api/v1/consultations/999999/positions/").status_code == 404


def test_position_detail_constant_queries(api, open_position, django_assert_max_num_queries):
    for _ in range(20):
        organisation = OrganisationFactory()
        rep = MembershipFactory(organisation=organisation).user
        services.signature_add(position=open_position, organisation=organisation, by=rep)
    with django_assert_max_num_queries(8):
        body = api.get(f"/api/v1/positions/{open_position.pk}/").json()
    assert len(body["signatories"]) == 20


def test_revision_from_an_accepted_amendment_names_it(api, position, editor, participant):
    amendment = services.amendment_propose(
        position=position,
        paragraph_index=0,
        base_number=1,
        proposed_text="A better first paragraph.",
        justification="Clearer.",
        by=participant,
    )
    services.amendment_accept(amendment=amendment, by=editor)
    body = api.get(f"/api/v1/positions/{position.pk}/").json()
    assert body["revisions"][0]["amendment"] == amendment.pk
    assert body["revisions"][1]["amendment"] is None
