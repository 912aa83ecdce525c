"""Writes for positions: every action is one function here.

Each function checks who may act and that the consultation's window is open
(positions freeze when it closes), writes, records the Activity in the same
transaction, and queues notifications after the commit. Revisions are only
ever created, never updated: there is no function that changes one.
"""

from ._common import (
    OUTBOX_KINDS,
    ReopenConfirmationNeeded,
    RevisionConflict,
)
from .contributions import (
    amendment_accept,
    amendment_propose,
    amendment_reject,
    amendment_resolve,
    paragraph_comment_create,
    paragraph_comment_resolve,
)
from .positions import (
    position_create,
    position_editor_add,
    position_editor_remove,
    position_status_change,
    position_update,
)
from .revisions import (
    position_restore,
    position_revise,
)
from .signatures import (
    signature_add,
    signature_withdraw,
)

__all__ = [
    "OUTBOX_KINDS",
    "ReopenConfirmationNeeded",
    "RevisionConflict",
    "amendment_accept",
    "amendment_propose",
    "amendment_reject",
    "amendment_resolve",
    "paragraph_comment_create",
    "paragraph_comment_resolve",
    "position_create",
    "position_editor_add",
    "position_editor_remove",
    "position_restore",
    "position_revise",
    "position_status_change",
    "position_update",
    "signature_add",
    "signature_withdraw",
]
