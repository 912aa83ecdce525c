"""Pages for positions: thin views over the selectors and services."""

from .contributions import (
    amendment_accept,
    amendment_create,
    amendment_detail,
    amendment_reject,
    amendment_resolve,
    paragraph_comment,
    paragraph_comment_resolve,
    position_made,
)
from .positions import (
    position_create,
    position_detail,
    position_download,
    position_editor_remove,
    position_editors,
    position_list,
    position_status,
    position_update,
)
from .revisions import (
    position_diff,
    position_edit,
    position_history,
    revision_detail,
    revision_restore,
)
from .signatures import (
    signature_add,
    signature_withdraw,
)

__all__ = [
    "amendment_accept",
    "amendment_create",
    "amendment_detail",
    "amendment_reject",
    "amendment_resolve",
    "paragraph_comment",
    "paragraph_comment_resolve",
    "position_create",
    "position_detail",
    "position_diff",
    "position_download",
    "position_edit",
    "position_editor_remove",
    "position_editors",
    "position_history",
    "position_list",
    "position_made",
    "position_status",
    "position_update",
    "revision_detail",
    "revision_restore",
    "signature_add",
    "signature_withdraw",
]
