"""Factories for positions; people, organisations and consultations come from their apps."""

import factory

from consultations.tests.factories import (  # noqa: F401 - re-exported for the tests
    PASSWORD,
    ConsultationFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    RecommendationFactory,
    UserFactory,
)
from positions.models import Position, PositionRevision

BODY = "First paragraph about remittances.\n\nSecond paragraph about diaspora.\n\nThird paragraph."


class PositionFactory(factory.django.DjangoModelFactory):
    """A drafting position written straight to the database, with no revision."""

    class Meta:
        model = Position

    consultation = factory.SubFactory(ConsultationFactory)
    title = factory.Sequence(lambda n: f"Joint position {n}")
    lead_organisation = factory.SubFactory(OrganisationFactory)


class PositionRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PositionRevision

    position = factory.SubFactory(PositionFactory)
    number = factory.Sequence(lambda n: n + 1)
    body = BODY
