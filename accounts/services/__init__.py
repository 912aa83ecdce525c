"""Writes for accounts: every action on users, organisations and memberships is one function here.

Each service checks who may do it and raises ``core.errors.Refusal`` with a message
meant for the person, so web pages, the API and admin actions behave alike.
"""

from .memberships import (
    INVITATION_VALIDITY,
    invitation_accept,
    invitation_get,
    membership_invite,
    membership_leave,
    membership_request,
    membership_request_decide,
    membership_role_set,
    membership_visibility_set,
)
from .organisations import (
    organisation_at_risk_request,
    organisation_at_risk_set,
    organisation_register,
    organisation_reject,
    organisation_verify,
)
from .users import (
    PROFILE_FIELDS,
    user_data_export,
    user_delete,
    user_profile_update,
)

__all__ = [
    "INVITATION_VALIDITY",
    "PROFILE_FIELDS",
    "invitation_accept",
    "invitation_get",
    "membership_invite",
    "membership_leave",
    "membership_request",
    "membership_request_decide",
    "membership_role_set",
    "membership_visibility_set",
    "organisation_at_risk_request",
    "organisation_at_risk_set",
    "organisation_reject",
    "organisation_register",
    "organisation_verify",
    "user_data_export",
    "user_delete",
    "user_profile_update",
]
