"""Writes for consultations: every action is one function here.

Web views, the API, admin actions, tasks and commands all call these, so each
rule holds in one place. Each function checks who may act, writes, keeps the
counters, and records an Activity (and, for moderation, the audit log).
"""

from ._common import (
    Action,
    Verb,
    consultation_check_open,
    consultation_check_participant,
    consultation_closed_message,
    recommendation_in_scope,
)
from .comments import (
    comment_create,
    comment_delete,
    comment_edit,
    comment_flag,
)
from .endorsements import (
    endorsement_set,
    endorsement_withdraw,
)
from .follows import (
    follow_remove,
    follow_set,
)
from .forums import (
    CLOSING_SOON,
    consultation_close,
    consultation_create,
    consultation_extend,
    consultation_update,
    consultation_window_events_record,
    forum_create,
    forum_update,
)
from .moderation import (
    comment_flags_dismiss,
    comment_hide,
    comment_restore,
    suspension_lift,
    thread_lock,
    thread_unlock,
    user_suspend,
)
from .syntheses import (
    synthesis_write,
)

__all__ = [
    "Action",
    "CLOSING_SOON",
    "Verb",
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_flag",
    "comment_flags_dismiss",
    "comment_hide",
    "comment_restore",
    "consultation_check_open",
    "consultation_check_participant",
    "consultation_close",
    "consultation_closed_message",
    "consultation_create",
    "consultation_extend",
    "consultation_update",
    "consultation_window_events_record",
    "endorsement_set",
    "endorsement_withdraw",
    "follow_remove",
    "follow_set",
    "forum_create",
    "forum_update",
    "recommendation_in_scope",
    "suspension_lift",
    "synthesis_write",
    "thread_lock",
    "thread_unlock",
    "user_suspend",
]
