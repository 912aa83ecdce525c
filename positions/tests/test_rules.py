"""Who may do what with a position, as a role x state table without HTTP."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import MembershipRole
from consultations.models import Consultation, Suspension
from consultations.tests.factories import ROLES as ROLES_IN_TABLES
from positions.models import PositionStatus
from positions.rules import can_contribute, can_edit_position, can_manage_position

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _people(position, lead, co_editor_org, editor, co_editor, participant):
    member = MembershipFactory(organisation=lead, role=MembershipRole.MEMBER).user
    suspended = UserFactory()
    Suspension.objects.create(
        consultation=position.consultation, user=suspended, reason="Abuse.", created_by=editor
    )
    return {
        "lead representative": editor,
        "co-editing representative": co_editor,
        "undesignated member": member,
        "participant": participant,
        "unverified": UserFactory(verified=False),
        "suspended": suspended,
        "anonymous": AnonymousUser(),
    }


EDITORS = {"lead representative", "co-editing representative"}
CONTRIBUTORS = EDITORS | {"undesignated member", "participant"}


@pytest.mark.parametrize("state", ["drafting", "open", "final", "withdrawn", "closed consultation"])
def test_permission_table(state, position, lead, co_editor_org, editor, co_editor, participant):
    people = _people(position, lead, co_editor_org, editor, co_editor, participant)
    if state == "closed consultation":
        now = timezone.now()
        Consultation.objects.filter(pk=position.consultation_id).update(
            opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1)
        )
        position.consultation.refresh_from_db()
    else:
        position.status = state
    writable = state in (PositionStatus.DRAFTING, PositionStatus.OPEN)
    for role, user in people.items():
        assert can_edit_position(user, position) == (writable and role in EDITORS), role
        assert can_contribute(user, position) == (writable and role in CONTRIBUTORS), role
        manage = state != "closed consultation" and role in EDITORS
        assert can_manage_position(user, position) == manage, role


# --- every rule, as a role x state table ------------------------------------------------

WRITERS = {
    "person",
    "member",
    "representative",
    "other_representative",
    "consultation_moderator",
    "portal_moderator",
}
VERIFIED = WRITERS | {"suspended"}
LEAD = {"representative"}
NOBODY: set[str] = set()

# (rule, the object it is asked about, who may while the consultation is open, when closed);
# the organisation of the roles leads the position, which is drafting unless said otherwise.
RULE_TABLE = [
    ("positions.change_position", "position", LEAD, NOBODY),
    ("positions.manage_position", "position", LEAD, NOBODY),
    ("positions.lead_position", "position", LEAD, NOBODY),
    ("positions.contribute_position", "position", WRITERS, NOBODY),
    ("positions.contribute_position", "final_position", NOBODY, NOBODY),
    ("positions.sign_position", "open_position", WRITERS, NOBODY),
    ("positions.sign_position", "position", NOBODY, NOBODY),
    ("positions.delete_positioneditor", "others_editor", LEAD, LEAD),
    ("positions.delete_positioneditor", "own_editor", VERIFIED, VERIFIED),
]


def scene(role: str, state: str) -> tuple:
    from consultations.tests.factories import person_in_role
    from consultations.tests.test_rules import make_consultation
    from positions.models import PositionEditor

    from .factories import PositionFactory

    consultation = make_consultation(state)
    position = PositionFactory(consultation=consultation)
    organisation = position.lead_organisation
    user = person_in_role(role, organisation=organisation, consultation=consultation)
    others = MembershipFactory(organisation=organisation, role=MembershipRole.MEMBER).user
    own = user if user.is_authenticated else others
    objects = {
        "position": position,
        "final_position": PositionFactory(
            consultation=consultation, lead_organisation=organisation, status=PositionStatus.FINAL
        ),
        "open_position": PositionFactory(
            consultation=consultation, lead_organisation=organisation, status=PositionStatus.OPEN
        ),
        "others_editor": PositionEditor(position=position, user=others, organisation=organisation),
        "own_editor": PositionEditor(position=position, user=own, organisation=organisation),
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


def test_every_positions_rule_is_in_the_table():
    import rules

    registered = {name for name in rules.permissions.permissions if name.startswith("positions.")}
    assert registered == {row[0] for row in RULE_TABLE}


def test_every_rule_allows_someone_and_refuses_someone():
    for name in {row[0] for row in RULE_TABLE}:
        cells = [cell for row in RULE_TABLE if row[0] == name for cell in row[2:]]
        assert any(cells) and any(set(ROLES_IN_TABLES) - cell for cell in cells), name
