"""Who may see and publish consolidated documents."""

import rules

from accounts.rules import can_act, is_authenticated
from consultations.rules import is_consultation_moderator, is_consultation_open
from consultations.selectors import acts_as_moderator


@rules.predicate
def is_published_export(user, export) -> bool:
    return export is not None and export.version is not None


@rules.predicate
def is_export_open_consultation(user, export) -> bool:
    return export is not None and export.consultation.is_open


@rules.predicate
def is_export_consultation_moderator(user, export) -> bool:
    return export is not None and is_consultation_moderator(user, export.consultation)


@rules.predicate
def is_two_factor_moderator(user, consultation) -> bool:
    """A moderator of the consultation with two-factor authentication on."""
    return is_authenticated(user) and acts_as_moderator(viewer=user, consultation=consultation)


# Live drafts: signed-in people while the consultation is open; its moderators always.
can_see_drafts = (is_authenticated & is_consultation_open) | is_consultation_moderator
can_see_export = is_published_export | (
    is_authenticated & (is_export_open_consultation | is_export_consultation_moderator)
)

rules.add_perm("exports.view_draft_consolidatedexport", can_see_drafts)
rules.add_perm("exports.request_consolidatedexport", can_act & can_see_drafts)
rules.add_perm("exports.view_consolidatedexport", can_see_export)
rules.add_perm("exports.publish_consolidatedexport", can_act & is_two_factor_moderator)
