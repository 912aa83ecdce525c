"""Who may do what, as django-rules predicates shared by pages, API and services.

The user's memberships and verified-email state are read once per request
and kept on the user object, so checking many objects costs no extra query.
"""

import rules
from allauth.account.models import EmailAddress

from .models import Membership, MembershipRole, OrganisationKind, VerificationStatus


def _memberships(user) -> dict[int, Membership]:
    """The user's memberships by organisation id, fetched once per user object."""
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        cached = {
            membership.organisation_id: membership
            for membership in Membership.objects.filter(user=user).select_related("organisation")
        }
        user._portal_memberships = cached
    return cached


def forget_cached_permissions(user) -> None:
    """Drop what was cached on the user object after their memberships change."""
    for attribute in ("_portal_memberships", "_portal_email_verified"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def user_memberships(user) -> list[Membership]:
    if not user or not user.is_authenticated:
        return []
    return list(_memberships(user).values())


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def has_verified_email(user) -> bool:
    if not is_authenticated(user):
        return False
    cached = getattr(user, "_portal_email_verified", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=user, verified=True).exists()
        user._portal_email_verified = cached
    return cached


@rules.predicate
def is_moderator(user) -> bool:
    return is_authenticated(user) and user.is_portal_moderator


@rules.predicate
def is_member_of(user, organisation) -> bool:
    if organisation is None or not is_authenticated(user):
        return False
    return organisation.pk in _memberships(user)


@rules.predicate
def is_representative_of(user, organisation) -> bool:
    if organisation is None or not is_authenticated(user):
        return False
    membership = _memberships(user).get(organisation.pk)
    return membership is not None and membership.role == MembershipRole.REPRESENTATIVE


@rules.predicate
def is_verified_organisation(user, organisation) -> bool:
    return organisation is not None and organisation.status == VerificationStatus.VERIFIED


@rules.predicate
def is_delegate(user) -> bool:
    """A member of a verified government delegation."""
    if not is_authenticated(user):
        return False
    return any(
        membership.organisation.status == VerificationStatus.VERIFIED
        and membership.organisation.kind == OrganisationKind.GOVERNMENT
        for membership in _memberships(user).values()
    )


@rules.predicate
def is_organisation_registrant(user, organisation) -> bool:
    return (
        organisation is not None
        and is_authenticated(user)
        and organisation.created_by_id is not None
        and organisation.created_by_id == user.pk
    )


@rules.predicate
def is_own_membership(user, membership) -> bool:
    return membership is not None and is_authenticated(user) and membership.user_id == user.pk


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and is_authenticated(user) and person.pk == user.pk


can_act = is_authenticated & has_verified_email
# Endorsing and signing: a representative of a verified organisation.
can_act_for_organisation = can_act & is_verified_organisation & is_representative_of
# Commenting on an organisation's behalf: any member of a verified organisation.
can_speak_for_organisation = can_act & is_verified_organisation & is_member_of

# Taking part at all: signed in with a verified email address.
rules.add_perm("accounts.act", can_act)
rules.add_perm("accounts.act_for_organisation", can_act_for_organisation)
rules.add_perm("accounts.speak_for_organisation", can_speak_for_organisation)
rules.add_perm("accounts.moderate", can_act & is_moderator)
rules.add_perm("accounts.register_organisation", can_act)
rules.add_perm("accounts.manage_organisation", can_act & (is_representative_of | is_moderator))
rules.add_perm("accounts.verify_organisation", can_act & is_moderator)
# Asking to be shown without a name: the organisation's registrant or representatives.
rules.add_perm(
    "accounts.request_at_risk_organisation",
    can_act & (is_representative_of | is_organisation_registrant),
)
# Leaving an organisation, or choosing whether its page lists one: the member themself.
rules.add_perm("accounts.manage_membership", is_own_membership)
# One's own profile, data and account.
rules.add_perm("accounts.manage_user", is_self)
