"""The organisation directory endpoint: verified only, filters, and at-risk masking."""

import pytest
from rest_framework.test import APIClient

from accounts.models import MembershipRole, VerificationStatus

from .factories import MembershipFactory, ModeratorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def at_risk():
    organisation = OrganisationFactory(
        name="Secret Sisters",
        is_at_risk=True,
        country="SY",
        region="Western Asia",
        website="https://secret.example.org",
        description="Based in Aleppo.",
    )
    MembershipFactory(organisation=organisation, user=UserFactory(display_name="Hidden Person"))
    return organisation


def test_verified_organisations_only(api):
    verified = OrganisationFactory()
    OrganisationFactory(status=VerificationStatus.PENDING)
    OrganisationFactory(status=VerificationStatus.REJECTED)
    body = api.get(URL).json()
    assert [o["id"] for o in body["results"]] == [verified.pk]


def test_pending_organisation_is_a_404(api):
    pending = OrganisationFactory(status=VerificationStatus.PENDING)
    assert api.get(f"{URL}{pending.pk}/").status_code == 404


def test_shape_with_public_members(api):
    organisation = OrganisationFactory(website="https://ngo.example.org")
    MembershipFactory(organisation=organisation, user=UserFactory(display_name="Ana"))
    MembershipFactory(
        organisation=organisation, user=UserFactory(display_name="Private"), is_public=False
    )
    row = api.get(URL).json()["results"][0]
    assert row["name"] == organisation.name
    assert row["country"] == "FR" and row["website"] == "https://ngo.example.org"
    assert row["members"] == [{"name": "Ana", "role": MembershipRole.REPRESENTATIVE}]


@pytest.mark.parametrize("role", ["anonymous", "member", "representative"])
def test_at_risk_organisation_is_masked_for_everyone_but_moderators(api, at_risk, role):
    if role != "anonymous":
        api.force_authenticate(
            MembershipFactory(
                organisation=OrganisationFactory(),
                role=MembershipRole.MEMBER if role == "member" else MembershipRole.REPRESENTATIVE,
            ).user
        )
    for response in (api.get(URL), api.get(f"{URL}{at_risk.pk}/")):
        text = response.content.decode()
        for secret in ("Secret Sisters", "secret.example.org", "Aleppo", "Hidden Person", '"SY"'):
            assert secret not in text
    row = api.get(f"{URL}{at_risk.pk}/").json()
    assert row["name"] == "an organisation from Western Asia"
    assert row["country"] is None and row["members"] == []


def test_moderator_sees_the_real_name(api, at_risk):
    api.force_authenticate(ModeratorFactory())
    row = api.get(f"{URL}{at_risk.pk}/").json()
    assert row["name"] == "Secret Sisters"
    assert row["members"][0]["name"] == "Hidden Person"


def test_filters_kind_region_country(api):
    ngo = OrganisationFactory(kind="ngo", country="FR", region="Western Europe")
    union = OrganisationFactory(kind="trade_union", country="SN", region="Sub-Saharan Africa")
    assert [o["id"] for o in api.get(URL, {"kind": "ngo"}).json()["results"]] == [ngo.pk]
    by_region = api.get(URL, {"region": "Sub-Saharan Africa"}).json()["results"]
    assert [o["id"] for o in by_region] == [union.pk]
    assert [o["id"] for o in api.get(URL, {"country": "SN"}).json()["results"]] == [union.pk]


@pytest.mark.parametrize(
    "params", [{"kind": "cult"}, {"region": "Atlantis"}, {"country": "XX"}, {"name": "Secret"}]
)
def test_undeclared_or_invalid_filters_are_a_400(api, params):
    assert api.get(URL, params).status_code == 400


def test_country_filter_never_finds_an_at_risk_organisation(api, at_risk):
    assert api.get(URL, {"country": "SY"}).json()["count"] == 0
    api.force_authenticate(ModeratorFactory())
    assert api.get(URL, {"country": "SY"}).json()["count"] == 1


def test_at_risk_organisations_come_last_so_order_gives_no_hint(api, at_risk):
    OrganisationFactory(name="Zeta")
    names = [o["name"] for o in api.get(URL).json()["results"]]
    assert names[-1] == "an organisation from Western Asia"


def test_constant_queries(api, django_assert_max_num_queries):
    for index in range(110):
        organisation = OrganisationFactory(is_at_risk=index % 10 == 0)
        MembershipFactory(organisation=organisation)
    for size in (2, 100):
        with django_assert_max_num_queries(3):
            assert api.get(URL, {"page_size": size}).status_code == 200
