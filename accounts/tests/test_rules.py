import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import rules
from accounts.models import MembershipRole, OrganisationKind, VerificationStatus

from .factories import MembershipFactory, ModeratorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def person(role, status=VerificationStatus.VERIFIED, verified_email=True):
    """A person in the given relation to a fresh organisation."""
    organisation = OrganisationFactory(status=status)
    if role == "anonymous":
        return AnonymousUser(), organisation
    if role == "moderator":
        return ModeratorFactory(), organisation
    user = UserFactory(verified=verified_email)
    if role in ("member", "representative"):
        MembershipFactory(user=user, organisation=organisation, role=role)
    return user, organisation


@pytest.mark.parametrize(
    ("role", "status", "verified_email", "act_for", "speak_for"),
    [
        ("anonymous", "verified", True, False, False),
        ("stranger", "verified", True, False, False),
        ("member", "verified", True, False, True),
        ("representative", "verified", True, True, True),
        ("representative", "verified", False, False, False),
        ("member", "verified", False, False, False),
        ("representative", "pending", True, False, False),
        ("member", "pending", True, False, False),
        ("representative", "rejected", True, False, False),
        ("moderator", "verified", True, False, False),
    ],
)
def test_acting_for_an_organisation(role, status, verified_email, act_for, speak_for):
    user, organisation = person(role, status, verified_email)
    assert rules.can_act_for_organisation(user, organisation) is act_for
    assert rules.can_speak_for_organisation(user, organisation) is speak_for
    assert user.has_perm("accounts.act_for_organisation", organisation) is act_for


@pytest.mark.parametrize(
    ("role", "verified_email", "can_act"),
    [("anonymous", True, False), ("stranger", True, True), ("stranger", False, False)],
)
def test_can_act_needs_a_verified_email(role, verified_email, can_act):
    user, _ = person(role, verified_email=verified_email)
    assert rules.can_act(user) is can_act


def test_inactive_user_cannot_act():
    user = UserFactory(is_active=False)
    assert not rules.can_act(user)


def test_moderator_predicate():
    assert rules.is_moderator(ModeratorFactory())
    assert not rules.is_moderator(UserFactory())
    assert rules.is_moderator(UserFactory(is_superuser=True))


def test_delegate_is_a_member_of_a_verified_government_delegation():
    delegate = MembershipFactory(
        organisation__kind=OrganisationKind.GOVERNMENT, role=MembershipRole.MEMBER
    ).user
    pending = MembershipFactory(
        organisation__kind=OrganisationKind.GOVERNMENT,
        organisation__status=VerificationStatus.PENDING,
    ).user
    assert rules.is_delegate(delegate)
    assert not rules.is_delegate(pending)
    assert not rules.is_delegate(MembershipFactory().user)


def test_memberships_are_read_once_per_user_object(django_assert_num_queries):
    membership = MembershipFactory()
    user = membership.user
    others = [OrganisationFactory() for _ in range(5)]
    with django_assert_num_queries(2):  # memberships, verified email
        for organisation in [membership.organisation, *others]:
            rules.can_act_for_organisation(user, organisation)
