"""The structured content: positions, masking and a fixed number of queries."""

import pytest
from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import Stance
from exports.selectors import consolidated_content
from positions.models import Position, PositionRevision, PositionStatus, Signature

from .factories import (
    AT_RISK_NAME,
    MembershipFactory,
    OrganisationFactory,
    RecommendationFactory,
    consultation_with_debate,
)

pytestmark = pytest.mark.django_db


def _final_position(consultation, rec, lead, signers, title="Joint position on remittances"):
    position = Position.objects.create(
        consultation=consultation,
        title=title,
        lead_organisation=lead,
        status=PositionStatus.FINAL,
        current_number=2,
    )
    position.recommendations.add(rec)
    PositionRevision.objects.create(position=position, number=1, body="Old text.")
    PositionRevision.objects.create(
        position=position, number=2, body="# Aims\n\nFinal **text** of the position."
    )
    for org in signers:
        Signature.objects.create(position=position, organisation=org, revision_number=2)
    return position


def test_positions_with_signatories_and_final_text(debate):
    consultation, recs, orgs, at_risk, _moderator = debate
    withdrawn = OrganisationFactory(name="Withdrawn Signer")
    position = _final_position(consultation, recs[0], orgs[0], [orgs[1], at_risk, withdrawn])
    Signature.objects.filter(organisation=withdrawn).update(withdrawn_at=timezone.now())
    Position.objects.create(
        consultation=consultation, title="Still drafting", lead_organisation=orgs[0]
    ).recommendations.add(recs[0])

    content = consolidated_content(consultation=consultation)

    assert content["positions_available"] is True
    assert [p["title"] for p in content["positions"]] == [position.title]
    entry = content["positions"][0]
    assert entry["body"].startswith("# Aims")
    names = [s["name"] for s in entry["signatories"]]
    assert orgs[1].name in names
    assert "an organisation from Eastern Africa" in names
    assert AT_RISK_NAME not in names and "Withdrawn Signer" not in names
    rec = content["sessions"][0]["recommendations"][0]
    assert rec["positions"][0]["title"] == position.title


def test_at_risk_organisation_never_named_nor_located(debate):
    consultation, *_rest = debate
    content = consolidated_content(consultation=consultation)
    masked = [o for o in content["organisations"] if o["at_risk"]]
    assert masked == [
        {
            "name": "an organisation from Eastern Africa",
            "kind": "",
            "country": "",
            "region": "Eastern Africa",
            "at_risk": True,
        }
    ]
    assert AT_RISK_NAME not in str(content)


def test_figures_are_the_consultation_pages_figures(debate):
    from consultations.selectors import consultation_figures

    consultation, *_rest = debate
    content = consolidated_content(consultation=consultation)
    figures = consultation_figures(consultation=consultation)
    assert content["participation"]["organisations"] == figures.organisations
    assert content["participation"]["endorsements"] == figures.endorsements
    assert content["participation"]["by_region"] == [
        {"label": label, "count": n} for label, n in figures.by_region
    ]


def test_content_issues_a_fixed_number_of_queries(django_assert_max_num_queries):
    consultation, recs, orgs, at_risk, _moderator = consultation_with_debate(
        recommendations=2, organisations=2
    )
    _final_position(consultation, recs[0], orgs[0], [orgs[1]], "P")
    with django_assert_max_num_queries(20) as small_run:
        consolidated_content(consultation=consultation)
    more_recs = [RecommendationFactory(session=recs[0].session) for _ in range(6)]
    more_orgs = [OrganisationFactory() for _ in range(8)]
    for org in more_orgs:
        rep = MembershipFactory(organisation=org).user
        for rec in more_recs:
            consultation_services.endorsement_set(
                consultation=consultation,
                recommendation=rec,
                organisation=org,
                stance=Stance.OPPOSE,
                statement="No.",
                by=rep,
            )
    for index in range(5):
        _final_position(
            consultation, more_recs[index], more_orgs[index], more_orgs[:4], f"P{index}"
        )
    with django_assert_max_num_queries(len(small_run.captured_queries)):
        content = consolidated_content(consultation=consultation)
    assert len(content["positions"]) == 6
