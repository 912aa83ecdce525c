import pytest

from accounts import selectors
from accounts.models import OrganisationKind, VerificationStatus

from .factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_delegate_user_ids_in_one_query(django_assert_num_queries):
    delegate = MembershipFactory(organisation__kind=OrganisationKind.GOVERNMENT).user
    pending = MembershipFactory(
        organisation__kind=OrganisationKind.GOVERNMENT,
        organisation__status=VerificationStatus.PENDING,
    ).user
    ngo = MembershipFactory().user
    loner = UserFactory()
    with django_assert_num_queries(1):
        ids = selectors.delegate_user_ids(user_ids=[delegate.pk, pending.pk, ngo.pk, loner.pk])
    assert ids == {delegate.pk}


def test_verification_queue_lists_pending_oldest_first_with_similar_names():
    OrganisationFactory(name="Solidarity Migrant Women", country="KE")
    first = OrganisationFactory(
        name="Migrant Women Solidarity", status=VerificationStatus.PENDING, country="UG"
    )
    second = OrganisationFactory(name="Other Thing", status=VerificationStatus.PENDING)
    queue = selectors.verification_queue()
    assert [organisation.pk for organisation in queue] == [first.pk, second.pk]
    assert [other.name for other in queue[0].similar] == ["Solidarity Migrant Women"]
    assert queue[1].similar == []


def test_directory_hides_nothing_from_moderators():
    OrganisationFactory(name="Hidden", country="EG", region="Northern Africa", is_at_risk=True)
    moderator = UserFactory(is_moderator=True)
    organisations, facets = selectors.organisation_directory(user=moderator, country="EG")
    assert [organisation.name for organisation in organisations] == ["Hidden"]
    assert {facet.value for facet in facets["country"]} == {"EG"}
