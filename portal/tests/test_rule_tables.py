"""Every registered permission has a row in its app's role x state table."""

import rules

from accounts.tests import test_rules as accounts_rules
from consultations.tests import test_rules as consultations_rules
from exports.tests import test_rules as exports_rules
from positions.tests import test_rules as positions_rules
from recommendations.tests import test_rules as recommendations_rules

TABLES = [
    accounts_rules,
    consultations_rules,
    exports_rules,
    positions_rules,
    recommendations_rules,
]


def test_every_registered_rule_has_a_row_in_a_table():
    tabled = {row[0] for module in TABLES for row in module.RULE_TABLE}
    assert set(rules.permissions.permissions) - tabled == set()
