"""Permissions as a role x state table, without HTTP."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import MembershipRole, VerificationStatus

from .factories import ROLES as ROLES_IN_TABLES
from .factories import (
    ConsultationFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "unverified",
    "person",
    "member",
    "representative",
    "pending_representative",
    "suspended",
    "consultation_moderator",
    "portal_moderator",
]
STATES = ["upcoming", "open", "closed"]


def make_consultation(state):
    now = timezone.now()
    windows = {
        "upcoming": (now + timedelta(days=1), now + timedelta(days=2)),
        "open": (now - timedelta(days=1), now + timedelta(days=1)),
        "closed": (now - timedelta(days=2), now - timedelta(days=1)),
    }
    opens_at, closes_at = windows[state]
    return ConsultationFactory(opens_at=opens_at, closes_at=closes_at)


def make_user(role, consultation):
    """A user in ``role`` and the organisation they would act for."""
    organisation = OrganisationFactory()
    if role == "anonymous":
        return AnonymousUser(), organisation
    if role == "unverified":
        user = UserFactory(verified=False)
        MembershipFactory(user=user, organisation=organisation)
        return user, organisation
    if role == "member":
        return MembershipFactory(
            organisation=organisation, role=MembershipRole.MEMBER
        ).user, organisation
    if role in ("representative", "suspended"):
        user = MembershipFactory(organisation=organisation).user
        if role == "suspended":
            consultation.suspensions.create(user=user, reason="x")
        return user, organisation
    if role == "pending_representative":
        pending = OrganisationFactory(status=VerificationStatus.PENDING)
        return MembershipFactory(organisation=pending).user, pending
    if role == "consultation_moderator":
        user = UserFactory()
        consultation.moderators.add(user)
        return user, organisation
    if role == "portal_moderator":
        return ModeratorFactory(), organisation
    return UserFactory(), organisation


# role -> (participate, endorse for the organisation, moderate) while open
OPEN_TABLE = {
    "anonymous": (False, False, False),
    "unverified": (False, False, False),
    "person": (True, False, False),
    "member": (True, False, False),
    "representative": (True, True, False),
    "pending_representative": (True, False, False),
    "suspended": (False, False, False),
    "consultation_moderator": (True, False, True),
    "portal_moderator": (True, False, True),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(role, state):
    from consultations.rules import can_act_for_organisation, can_participate

    consultation = make_consultation(state)
    user, organisation = make_user(role, consultation)
    participate, endorse, moderate = OPEN_TABLE[role]
    is_open = state == "open"
    assert user.has_perm("consultations.participate_consultation", consultation) == (
        participate and is_open
    )
    assert can_participate(user, consultation) == (participate and is_open)
    can_endorse = bool(can_participate(user, consultation)) and bool(
        can_act_for_organisation(user, organisation)
    )
    assert can_endorse == (endorse and is_open)
    # Moderation does not depend on the window.
    assert user.has_perm("consultations.moderate_consultation", consultation) == moderate


@pytest.mark.parametrize("role", ROLES)
def test_only_portal_moderators_add_consultations(role):
    consultation = make_consultation("open")
    user, _organisation = make_user(role, consultation)
    assert user.has_perm("consultations.add_consultation") == (role == "portal_moderator")


def test_moderator_ids_are_read_once(django_assert_num_queries):
    from consultations.rules import is_consultation_moderator

    consultation = make_consultation("open")
    users = [UserFactory() for _n in range(5)]
    consultation.moderators.add(users[0])
    with django_assert_num_queries(1):
        results = [is_consultation_moderator(user, consultation) for user in users]
    assert results == [True, False, False, False, False]


# --- every rule, as a role x state table ------------------------------------------------

VERIFIED = {
    "person",
    "member",
    "representative",
    "other_representative",
    "suspended",
    "consultation_moderator",
    "portal_moderator",
}
MODERATORS = {"consultation_moderator", "portal_moderator"}
PORTAL_MODERATOR = {"portal_moderator"}
NOBODY: set[str] = set()

# (rule, the object it is asked about, who may while the consultation is open, when closed)
RULE_TABLE = [
    ("consultations.participate_consultation", "consultation", VERIFIED - {"suspended"}, NOBODY),
    ("consultations.moderate_consultation", "consultation", MODERATORS, MODERATORS),
    ("consultations.add_consultation", None, PORTAL_MODERATOR, PORTAL_MODERATOR),
    ("consultations.manage_forum", None, PORTAL_MODERATOR, PORTAL_MODERATOR),
    ("consultations.assign_moderator", None, PORTAL_MODERATOR, PORTAL_MODERATOR),
    ("consultations.view_moderation", None, MODERATORS, MODERATORS),
    ("consultations.follow_consultation", None, VERIFIED, VERIFIED),
    ("consultations.flag_comment", "others_comment", VERIFIED, VERIFIED),
    ("consultations.change_comment", "own_comment", VERIFIED - {"suspended"}, NOBODY),
    ("consultations.change_comment", "others_comment", NOBODY, NOBODY),
    ("consultations.delete_comment", "own_comment", VERIFIED - {"suspended"}, NOBODY),
    ("consultations.delete_comment", "others_comment", NOBODY, NOBODY),
    ("consultations.moderate_comment", "others_comment", MODERATORS, MODERATORS),
    # Today's pages let a representative read the history before confirming their email.
    (
        "consultations.view_endorsementchange",
        "endorsement",
        {"unverified", "representative", *MODERATORS},
        {"unverified", "representative", *MODERATORS},
    ),
]


def scene(role: str, state: str) -> tuple:
    from .factories import CommentFactory, EndorsementFactory, person_in_role

    consultation = make_consultation(state)
    organisation = OrganisationFactory()
    user = person_in_role(role, organisation=organisation, consultation=consultation)
    author = user if user.is_authenticated else UserFactory()
    objects = {
        None: None,
        "consultation": consultation,
        "own_comment": CommentFactory(consultation=consultation, author=author),
        "others_comment": CommentFactory(consultation=consultation),
        "endorsement": EndorsementFactory(consultation=consultation, organisation=organisation),
    }
    return user, objects


@pytest.mark.parametrize("state", ["open", "closed"])
@pytest.mark.parametrize("role", ROLES_IN_TABLES)
def test_rule_table(role, state):
    from core.permissions import has_perm

    user, objects = scene(role, state)
    wrong = [
        (name, target)
        for name, target, when_open, when_closed in RULE_TABLE
        if has_perm(user, name, objects[target])
        != (role in (when_open if state == "open" else when_closed))
    ]
    assert wrong == []


def test_every_consultations_rule_is_in_the_table():
    import rules

    registered = {
        name for name in rules.permissions.permissions if name.startswith("consultations.")
    }
    assert registered == {row[0] for row in RULE_TABLE}


def test_every_rule_allows_someone_and_refuses_someone():
    for name in {row[0] for row in RULE_TABLE}:
        cells = [cell for row in RULE_TABLE if row[0] == name for cell in row[2:]]
        assert any(cells) and any(set(ROLES_IN_TABLES) - cell for cell in cells), name
