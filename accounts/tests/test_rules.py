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


# --- every rule, as a role x state table ------------------------------------------------

ROLES = (
    "anonymous",
    "unverified",
    "person",
    "member",
    "representative",
    "other_representative",
    "registrant",
    "portal_moderator",
)
SIGNED_IN = set(ROLES) - {"anonymous"}
VERIFIED = SIGNED_IN - {"unverified"}
MODERATOR = {"portal_moderator"}
NOBODY: set[str] = set()

# (rule, the object it is asked about, who may when the organisation is verified, pending)
RULE_TABLE = [
    ("accounts.act", None, VERIFIED, VERIFIED),
    ("accounts.act_for_organisation", "organisation", {"representative"}, NOBODY),
    ("accounts.speak_for_organisation", "organisation", {"member", "representative"}, NOBODY),
    ("accounts.moderate", None, MODERATOR, MODERATOR),
    ("accounts.register_organisation", None, VERIFIED, VERIFIED),
    (
        "accounts.manage_organisation",
        "organisation",
        {"representative", *MODERATOR},
        {"representative", *MODERATOR},
    ),
    ("accounts.verify_organisation", "organisation", MODERATOR, MODERATOR),
    (
        "accounts.request_at_risk_organisation",
        "organisation",
        {"representative", "registrant"},
        {"representative", "registrant"},
    ),
    (
        "accounts.manage_membership",
        "own_membership",
        {"unverified", "member", "representative"},
        {"unverified", "member", "representative"},
    ),
    ("accounts.manage_membership", "others_membership", NOBODY, NOBODY),
    ("accounts.manage_user", "self", SIGNED_IN, SIGNED_IN),
    ("accounts.manage_user", "other_user", NOBODY, NOBODY),
]


def scene(role: str, status: str) -> tuple:
    organisation = OrganisationFactory(status=status)
    others_membership = MembershipFactory(organisation=organisation, role=MembershipRole.MEMBER)
    own_membership = others_membership
    if role == "anonymous":
        user = AnonymousUser()
    elif role == "portal_moderator":
        user = ModeratorFactory()
    else:
        user = UserFactory(verified=role != "unverified")
    if role in ("unverified", "member", "representative"):
        own_membership = MembershipFactory(
            user=user,
            organisation=organisation,
            role=MembershipRole.MEMBER if role == "member" else MembershipRole.REPRESENTATIVE,
        )
    elif role == "other_representative":
        MembershipFactory(user=user)
    elif role == "registrant":
        organisation.created_by = user
        organisation.save(update_fields=["created_by"])
    objects = {
        None: None,
        "organisation": organisation,
        "own_membership": own_membership,
        "others_membership": others_membership,
        "self": user,
        "other_user": others_membership.user,
    }
    return user, objects


@pytest.mark.parametrize("status", [VerificationStatus.VERIFIED, VerificationStatus.PENDING])
@pytest.mark.parametrize("role", ROLES)
def test_rule_table(role, status):
    from core.permissions import has_perm

    user, objects = scene(role, status)
    wrong = [
        (name, target)
        for name, target, when_verified, when_pending in RULE_TABLE
        if has_perm(user, name, objects[target])
        != (role in (when_verified if status == VerificationStatus.VERIFIED else when_pending))
    ]
    assert wrong == []


def test_every_accounts_rule_is_in_the_table():
    import rules as django_rules

    registered = {
        name for name in django_rules.permissions.permissions if name.startswith("accounts.")
    }
    assert registered == {row[0] for row in RULE_TABLE}


def test_every_rule_allows_someone_and_refuses_someone():
    for name in {row[0] for row in RULE_TABLE}:
        cells = [cell for row in RULE_TABLE if row[0] == name for cell in row[2:]]
        assert any(cells) and any(set(ROLES) - cell for cell in cells), name
