"""Fixtures for the positions tests: a position with editors, signers and a participant."""

import pytest

from positions import services

from .factories import (
    BODY,
    ConsultationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)


@pytest.fixture
def consultation(db):
    return ConsultationFactory()


@pytest.fixture
def lead(db):
    return OrganisationFactory(name="Lead Network")


@pytest.fixture
def co_editor_org(db):
    return OrganisationFactory(name="Co-editing Union")


@pytest.fixture
def editor(lead):
    return MembershipFactory(organisation=lead).user


@pytest.fixture
def co_editor(co_editor_org):
    return MembershipFactory(organisation=co_editor_org).user


@pytest.fixture
def participant(db):
    return UserFactory()


@pytest.fixture
def position(consultation, lead, co_editor_org, editor):
    return services.position_create(
        consultation=consultation,
        title="Protecting migrant workers",
        lead_organisation=lead,
        body=BODY,
        co_editing_organisations=[co_editor_org],
        by=editor,
    )


@pytest.fixture
def signer_org(db):
    return OrganisationFactory(
        name="Signing Association", country="PH", region="South-eastern Asia"
    )


@pytest.fixture
def signer(signer_org):
    return MembershipFactory(organisation=signer_org).user
