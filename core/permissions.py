"""The one way services, views and the API ask whether a person may do something.

Each app registers its permissions with ``rules.add_perm("<app>.<verb>_<model>", ...)`` in its
``rules.py``; everything else asks through ``has_perm`` or, to refuse, ``require_perm``.
They ask the rule set itself rather than ``User.has_perm``, which answers yes to every
permission for a superuser: here a superuser endorses only for an organisation they
represent, and writes nothing to a closed consultation, like everyone else.
"""

import rules

from .errors import Kind, Refusal


def has_perm(user, perm: str, obj=None) -> bool:
    """Whether the registered rule ``perm`` lets ``user`` act (on ``obj``)."""
    return rules.has_perm(perm, user, obj)


def require_perm(user, perm: str, obj=None, *, message: str, kind: Kind = "forbidden") -> None:
    """Refuse with ``message`` unless the registered rule ``perm`` lets ``user`` act."""
    if not rules.has_perm(perm, user, obj):
        raise Refusal(message, kind=kind)
