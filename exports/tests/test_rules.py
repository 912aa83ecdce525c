"""Who may see and publish consolidated documents, as a role x state table without HTTP."""

import pytest
import rules

from consultations.tests.factories import ROLES, OrganisationFactory, person_in_role
from consultations.tests.test_rules import make_consultation
from core.permissions import has_perm
from exports.models import ConsolidatedExport

pytestmark = pytest.mark.django_db

EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
VERIFIED = SIGNED_IN - {"unverified"}
MODERATORS = {"consultation_moderator", "portal_moderator"}

# (rule, the object it is asked about, who may while the consultation is open, when closed)
RULE_TABLE = [
    ("exports.view_draft_consolidatedexport", "consultation", SIGNED_IN, MODERATORS),
    ("exports.request_consolidatedexport", "consultation", VERIFIED, MODERATORS),
    ("exports.view_consolidatedexport", "published", EVERYONE, EVERYONE),
    ("exports.view_consolidatedexport", "draft", SIGNED_IN, MODERATORS),
    # Moderators in the table have two-factor authentication on; without it they may not.
    ("exports.publish_consolidatedexport", "consultation", MODERATORS, MODERATORS),
]


def scene(role: str, state: str) -> tuple:
    consultation = make_consultation(state)
    user = person_in_role(role, organisation=OrganisationFactory(), consultation=consultation)
    objects = {
        "consultation": consultation,
        "published": ConsolidatedExport(consultation=consultation, version=1),
        "draft": ConsolidatedExport(consultation=consultation, version=None),
    }
    return user, objects


@pytest.mark.parametrize("state", ["open", "closed"])
@pytest.mark.parametrize("role", ROLES)
def test_rule_table(role, state):
    user, objects = scene(role, state)
    wrong = [
        (name, target)
        for name, target, when_open, when_closed in RULE_TABLE
        if has_perm(user, name, objects[target])
        != (role in (when_open if state == "open" else when_closed))
    ]
    assert wrong == []


def test_a_moderator_without_two_factor_may_not_publish():
    from consultations.tests.factories import ModeratorFactory

    consultation = make_consultation("open")
    assert not has_perm(
        ModeratorFactory(mfa=False), "exports.publish_consolidatedexport", consultation
    )


def test_every_exports_rule_is_in_the_table():
    registered = {name for name in rules.permissions.permissions if name.startswith("exports.")}
    assert registered == {row[0] for row in RULE_TABLE}


def test_every_rule_allows_someone_and_refuses_someone():
    for name in {row[0] for row in RULE_TABLE}:
        cells = [cell for row in RULE_TABLE if row[0] == name for cell in row[2:]]
        assert any(cells) and any(set(ROLES) - cell for cell in cells), name
