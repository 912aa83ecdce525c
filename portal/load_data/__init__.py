"""The large consultation ``generate_load_data`` writes for the load benchmark.

``generator`` runs the steps in order inside one transaction: ``people`` writes
organisations, people and memberships; ``debate`` the consultation, its threaded
comments, stances and joint positions; ``follows`` the follows and activity rows.
``summary`` sets the counters from the rows and builds what ``--describe`` prints.
The figures every step shares are in ``_common``.
"""

from ._common import LOAD_TITLE
from .generator import Generator
from .summary import load_summary, recount_consultation

__all__ = ["LOAD_TITLE", "Generator", "load_summary", "recount_consultation"]
