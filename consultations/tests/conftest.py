"""Fixtures for the consultations tests."""

import pytest

from accounts.models import MembershipRole

from .factories import (
    ConsultationFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    RecommendationFactory,
    UserFactory,
)


@pytest.fixture
def consultation(db):
    return ConsultationFactory()


@pytest.fixture
def recommendation(db):
    return RecommendationFactory()


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def representative(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation, role=MembershipRole.MEMBER).user


@pytest.fixture
def person(db):
    return UserFactory()


@pytest.fixture
def moderator(db):
    return ModeratorFactory()


@pytest.fixture
def consultation_moderator(consultation):
    user = UserFactory()
    consultation.moderators.add(user)
    return user
