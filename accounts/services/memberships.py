"""Memberships: invitations, requests to join, roles, leaving."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Refusal
from core.permissions import require_perm

from .. import rules
from ..models import (
    Invitation,
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    MembershipRole,
    Organisation,
    User,
    VerificationStatus,
)
from ._common import (
    _email_on_commit,
    _is_last_representative,
    _language_for,
    _lock_organisation,
    _may_act,
    _may_manage,
    _site_url,
)

INVITATION_VALIDITY = timedelta(days=7)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def membership_invite(
    *, organisation: Organisation, email: str, role: str = MembershipRole.MEMBER, by: User
) -> tuple[Invitation, str]:
    """A representative invites someone by email; returns the invitation and its secret token."""
    _may_manage(by, organisation)
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise Refusal(_("Give a valid email address."), field="email") from error
    if role not in MembershipRole.values:
        raise Refusal(_("Choose a role from the list."), field="role")
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise Refusal(_("This person is already a member."), field="email")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_token_hash(token),
        invited_by=by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    _email_on_commit(
        template="invitation",
        to=email,
        context={
            "organisation_id": organisation.pk,
            "inviter": str(by),
            "url": _site_url(reverse("accounts:invitation-accept", args=[token])),
            "days": INVITATION_VALIDITY.days,
        },
        language=_language_for(None),
    )
    return invitation, token


def invitation_get(*, token: str) -> Invitation:
    """The invitation a link points to, or an error saying why the link cannot be used."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )
    if invitation is None:
        raise Refusal(_("This invitation link is not valid. Ask for a new invitation."))
    if invitation.accepted_at is not None:
        raise Refusal(
            _("This invitation has already been used. Ask for a new invitation."), kind="conflict"
        )
    if invitation.expires_at <= timezone.now():
        raise Refusal(_("This invitation has expired. Ask for a new invitation."), kind="conflict")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, by: User) -> Membership:
    """Accept an invitation link: single use, expires after INVITATION_VALIDITY."""
    _may_act(by)
    invitation = invitation_get(token=token)
    # Lock the row so that two clicks on the same link make one membership.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise Refusal(
            _("This invitation has already been used. Ask for a new invitation."), kind="conflict"
        )
    if Membership.objects.filter(user=by, organisation_id=invitation.organisation_id).exists():
        raise Refusal(_("You are already a member of this organisation."), kind="conflict")
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = by
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    membership = Membership.objects.create(
        user=by, organisation_id=invitation.organisation_id, role=invitation.role
    )
    MembershipRequest.objects.filter(
        user=by, organisation_id=invitation.organisation_id, status=MembershipRequestStatus.PENDING
    ).update(status=MembershipRequestStatus.ACCEPTED, decided_at=timezone.now())
    rules.forget_cached_permissions(by)
    return membership


@transaction.atomic
def membership_request(
    *, organisation: Organisation, message: str = "", by: User
) -> MembershipRequest:
    """Ask to join an organisation; its representatives accept or refuse."""
    _may_act(by)
    if organisation.status == VerificationStatus.REJECTED:
        raise Refusal(_("This organisation cannot be joined."), kind="conflict")
    if rules.is_member_of(by, organisation):
        raise Refusal(_("You are already a member of this organisation."), kind="conflict")
    if len(message or "") > MembershipRequest._meta.get_field("message").max_length:
        raise Refusal(_("The message is too long."), field="message")
    try:
        with transaction.atomic():
            join_request = MembershipRequest.objects.create(
                user=by, organisation=organisation, message=message or ""
            )
    except IntegrityError as error:
        raise Refusal(
            _("You have already asked to join this organisation."), kind="conflict"
        ) from error
    representatives = Membership.objects.filter(
        organisation=organisation, role=MembershipRole.REPRESENTATIVE, user__is_active=True
    ).select_related("user")
    for representative in representatives:
        _email_on_commit(
            template="membership_requested",
            to=representative.user.email,
            context={
                "organisation_id": organisation.pk,
                "person": str(by),
                "url": _site_url(reverse("accounts:organisation-manage", args=[organisation.pk])),
            },
            language=_language_for(representative.user),
        )
    return join_request


@transaction.atomic
def membership_request_decide(
    *, membership_request: MembershipRequest, accept: bool, by: User
) -> MembershipRequest:
    """A representative accepts or refuses a request to join; the person is told."""
    organisation = membership_request.organisation
    _may_manage(by, organisation)
    membership_request = MembershipRequest.objects.select_for_update().get(pk=membership_request.pk)
    if membership_request.status != MembershipRequestStatus.PENDING:
        raise Refusal(_("This request has already been decided."), kind="conflict")
    membership_request.status = (
        MembershipRequestStatus.ACCEPTED if accept else MembershipRequestStatus.REFUSED
    )
    membership_request.decided_at = timezone.now()
    membership_request.decided_by = by
    membership_request.save(update_fields=["status", "decided_at", "decided_by"])
    requester = membership_request.user
    if accept:
        Membership.objects.get_or_create(
            user=requester, organisation=organisation, defaults={"role": MembershipRole.MEMBER}
        )
        rules.forget_cached_permissions(requester)
    _email_on_commit(
        template="membership_request_accepted" if accept else "membership_request_refused",
        to=requester.email,
        context={
            "organisation_id": organisation.pk,
            "url": _site_url(organisation.get_absolute_url()),
        },
        language=_language_for(requester),
    )
    return membership_request


@transaction.atomic
def membership_leave(*, membership: Membership, by: User) -> None:
    """A member leaves; the last representative must hand over first."""
    require_perm(
        by,
        "accounts.manage_membership",
        membership,
        message=_("You can only leave an organisation yourself."),
    )
    _lock_organisation(membership.organisation)
    if _is_last_representative(membership):
        raise Refusal(
            _(
                "You are the last representative of this organisation. "
                "Make another member a representative before you leave."
            ),
            kind="conflict",
        )
    membership.delete()
    rules.forget_cached_permissions(by)


@transaction.atomic
def membership_role_set(*, membership: Membership, role: str, by: User) -> Membership:
    """A representative changes a member's role; the last representative stays one."""
    _may_manage(by, membership.organisation)
    if role not in MembershipRole.values:
        raise Refusal(_("Choose a role from the list."), field="role")
    _lock_organisation(membership.organisation)
    membership = Membership.objects.get(pk=membership.pk)
    if role == MembershipRole.MEMBER and _is_last_representative(membership):
        raise Refusal(
            _(
                "This is the last representative of the organisation. "
                "Make another member a representative first."
            ),
            kind="conflict",
        )
    membership.role = role
    membership.save(update_fields=["role"])
    rules.forget_cached_permissions(by)
    return membership


@transaction.atomic
def membership_visibility_set(*, membership: Membership, is_public: bool, by: User) -> Membership:
    """A member chooses whether the organisation's page lists them."""
    require_perm(
        by,
        "accounts.manage_membership",
        membership,
        message=_("You can only change this for yourself."),
    )
    membership.is_public = is_public
    membership.save(update_fields=["is_public"])
    return membership
