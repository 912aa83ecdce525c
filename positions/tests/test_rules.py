"""Who may do what with a position, as a role x state table without HTTP."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import MembershipRole
from consultations.models import Consultation, Suspension
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
