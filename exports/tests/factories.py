"""Factories and a ready-made consultation for the exports tests."""

from consultations import services as consultation_services
from consultations.models import Stance
from consultations.tests.factories import (  # noqa: F401 - re-exported for the tests
    PASSWORD,
    ConsultationFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    RecommendationFactory,
    SessionFactory,
    UserFactory,
)

AT_RISK_NAME = "Secret Shelter Collective"


def consultation_with_debate(*, recommendations: int = 3, organisations: int = 4):
    """An open consultation with stances, statements, a synthesis and an at-risk organisation."""
    consultation = ConsultationFactory()
    session = SessionFactory()
    recs = [RecommendationFactory(session=session) for _ in range(recommendations)]
    moderator = ModeratorFactory()
    consultation.moderators.add(moderator)
    orgs = [OrganisationFactory() for _ in range(organisations)]
    at_risk = OrganisationFactory(name=AT_RISK_NAME, is_at_risk=True, region="Eastern Africa")
    reps = {org.pk: MembershipFactory(organisation=org).user for org in [*orgs, at_risk]}
    for index, rec in enumerate(recs):
        for org_index, org in enumerate(orgs):
            stance = [Stance.SUPPORT, Stance.RESERVATIONS, Stance.OPPOSE][(index + org_index) % 3]
            consultation_services.endorsement_set(
                consultation=consultation,
                recommendation=rec,
                organisation=org,
                stance=stance,
                statement="" if stance == Stance.SUPPORT else f"Because of {org.name} reasons.",
                by=reps[org.pk],
            )
        consultation_services.endorsement_set(
            consultation=consultation,
            recommendation=rec,
            organisation=at_risk,
            stance=Stance.OPPOSE,
            statement="We cannot say more in public.",
            by=reps[at_risk.pk],
        )
        consultation_services.synthesis_write(
            consultation=consultation,
            recommendation=rec,
            body=f"Synthesis of **{rec.citation}**: broad agreement.",
            by=moderator,
        )
    return consultation, recs, orgs, at_risk, moderator
