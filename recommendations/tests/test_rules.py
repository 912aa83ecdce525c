"""Who may change the report as data, as a role table without HTTP."""

import pytest
import rules

from consultations.tests.factories import ROLES, OrganisationFactory, person_in_role
from consultations.tests.test_rules import make_consultation
from core.permissions import has_perm

pytestmark = pytest.mark.django_db

PORTAL_MODERATOR = {"portal_moderator"}

# (rule, who may); the report's rules do not depend on a consultation's window.
RULE_TABLE = [
    ("recommendations.import_report", PORTAL_MODERATOR),
    ("recommendations.curate_recommendation", PORTAL_MODERATOR),
]


@pytest.mark.parametrize("role", ROLES)
def test_rule_table(role):
    consultation = make_consultation("open")
    user = person_in_role(role, organisation=OrganisationFactory(), consultation=consultation)
    wrong = [name for name, allowed in RULE_TABLE if has_perm(user, name) != (role in allowed)]
    assert wrong == []


def test_every_recommendations_rule_is_in_the_table():
    registered = {
        name for name in rules.permissions.permissions if name.startswith("recommendations.")
    }
    assert registered == {row[0] for row in RULE_TABLE}
