"""Constants and checks shared by the consultation selectors."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import (
    Consultation,
)
from ..rules import (
    is_consultation_moderator,
)

COMMENTS_PER_PAGE = 20
COMMENT_SORTS = {
    "oldest": ("created_at", "id"),
    "newest": ("-created_at", "-id"),
    "replies": ("-reply_count", "-created_at", "-id"),
}
# A gender figure is shown only for groups of at least this many people, and
# the breakdown only when the consultation has at least GENDER_MIN_TOTAL
# people; smaller groups are folded into "other or not stated".
GENDER_MIN_CELL = 5
GENDER_MIN_TOTAL = 10
GENDER_GROUPS = {
    "woman": ("woman", "female", "f", "women", "femme", "mujer", "girl"),
    "man": ("man", "male", "m", "men", "homme", "hombre", "boy"),
    "non_binary": ("non-binary", "nonbinary", "non binary", "enby", "genderqueer"),
}
GENDER_LABELS = {
    "woman": _("Women"),
    "man": _("Men"),
    "non_binary": _("Non-binary people"),
    "other": _("Other self-description or not stated"),
}


def acts_as_moderator(*, viewer: User | AnonymousUser, consultation: Consultation) -> bool:
    """A moderator of the consultation whose account has two-factor authentication on.

    Without it a moderator sees pages as a participant does: no hidden text,
    no moderation links (the moderation pages themselves send them to set it up).
    """
    if not is_consultation_moderator(viewer, consultation):
        return False
    cached = getattr(viewer, "_portal_mfa_enabled", None)
    if cached is None:
        cached = is_mfa_enabled(viewer)
        viewer._portal_mfa_enabled = cached
    return cached


class _Counted:
    """Stands for a list of ``count`` items, so a Paginator can be rebuilt from a count."""

    def __init__(self, count: int):
        self.count_value = count

    def __len__(self) -> int:
        return self.count_value

    def __getitem__(self, index):
        return []
