"""Writes for accounts: every action on users, organisations and memberships is one function here.

Each service checks who may do it and raises ``core.errors.Refusal`` with a message
meant for the person, so web pages, the API and admin actions behave alike.
"""

import hashlib
import importlib
import logging
import secrets
import uuid
from datetime import timedelta
from zoneinfo import available_timezones

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from activity.models import Activity, ModerationAction
from activity.services import activity_record, moderation_action_record
from core.errors import Refusal
from core.permissions import require_perm

from . import rules, signals
from .models import (
    Invitation,
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
    VerificationStatus,
)
from .regions import region_for_country

logger = logging.getLogger(__name__)

INVITATION_VALIDITY = timedelta(days=7)


# Shared checks -----------------------------------------------------------------------------


# Each service asks the rules (accounts/rules.py) through require_perm, the broadest
# first, so a refusal names the first thing missing: signing in, a verified email, the role.


def _may_act(user) -> None:
    if not rules.is_authenticated(user):
        raise Refusal(_("Log in to do this."), kind="forbidden")
    require_perm(user, "accounts.act", message=_("Confirm your email address before you do this."))


def _may_moderate(user, perm: str) -> None:
    _may_act(user)
    require_perm(user, perm, message=_("Only moderators can do this."))


def _may_manage(user, organisation: Organisation) -> None:
    _may_act(user)
    require_perm(
        user,
        "accounts.manage_organisation",
        organisation,
        message=_("Only a representative of this organisation can do this."),
    )


def _validate(instance, *, exclude: list[str]) -> None:
    """Field validation of a model instance, as a Refusal naming the first bad field."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise Refusal(messages[0], field=None if field == NON_FIELD_ERRORS else field) from error


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _email_on_commit(*, template: str, to: str, context: dict, language: str) -> None:
    """Send an email once the transaction commits, through Celery when it can.

    If the broker cannot take the task, the message is sent in the request
    instead, so that a broker outage never loses it.
    """
    from .tasks import email_send as email_send_task

    kwargs = {"template": template, "to": to, "context": context, "language": language}

    def send():
        try:
            email_send_task.apply_async(kwargs=kwargs)
        except Exception:
            logger.warning("Could not queue %s to %s; sending it directly.", template, to)
            try:
                email_send_task.run(**kwargs)
            except Exception:
                # The write has committed; a mail failure must not turn it into an error page.
                logger.exception("Could not send %s to %s.", template, to)

    transaction.on_commit(send)


def _language_for(user: User | None) -> str:
    if user is not None and user.interface_language:
        return user.interface_language
    return translation.get_language() or settings.LANGUAGE_CODE


def _lock_organisation(organisation: Organisation) -> Organisation:
    """Lock the organisation row so that membership counts cannot change underneath."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _is_last_representative(membership: Membership) -> bool:
    if membership.role != MembershipRole.REPRESENTATIVE:
        return False
    others = (
        Membership.objects.filter(
            organisation_id=membership.organisation_id, role=MembershipRole.REPRESENTATIVE
        )
        .exclude(pk=membership.pk)
        .exists()
    )
    return not others


# Organisations ----------------------------------------------------------------------------


@transaction.atomic
def organisation_register(
    *,
    name: str,
    kind: str,
    country: str,
    website: str = "",
    description: str = "",
    at_risk_requested: bool = False,
    by: User,
) -> Organisation:
    """Register an organisation; it stays pending until a moderator verifies it."""
    _may_act(by)
    name = " ".join((name or "").split())
    if not name:
        raise Refusal(_("Give the organisation's name."), field="name")
    if len(name) > Organisation._meta.get_field("name").max_length:
        raise Refusal(_("The name is too long."), field="name")
    if kind not in OrganisationKind.values:
        raise Refusal(_("Choose a kind of organisation from the list."), field="kind")
    region = region_for_country(country)
    if not region:
        raise Refusal(
            _("Choose the country where the organisation is based from the list."),
            field="country",
        )
    duplicate = Organisation.objects.annotate(lower_name=Lower("name")).filter(
        lower_name=name.lower(), country=country
    )
    if duplicate.exists():
        raise Refusal(
            _("An organisation with this name is already registered in this country."),
            field="name",
        )
    organisation = Organisation(
        name=name,
        kind=kind,
        country=country,
        region=region,
        website=website or "",
        description=description or "",
        at_risk_requested=at_risk_requested,
        created_by=by,
    )
    _validate(organisation, exclude=["created_by", "decided_by"])
    # A TextField's max_length is enforced by forms only.
    if len(organisation.description) > Organisation._meta.get_field("description").max_length:
        raise Refusal(_("The description is too long."), field="description")
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as error:
        raise Refusal(
            _("An organisation with this name is already registered in this country."),
            field="name",
        ) from error
    Membership.objects.create(
        user=by, organisation=organisation, role=MembershipRole.REPRESENTATIVE
    )
    rules.forget_cached_permissions(by)
    return organisation


def _organisation_decide(
    *, organisation: Organisation, status: str, reason: str, by: User
) -> Organisation:
    _may_moderate(by, "accounts.verify_organisation")
    organisation = _lock_organisation(organisation)
    if organisation.status == status:
        raise Refusal(_("This decision has already been taken."), kind="conflict")
    organisation.status = status
    organisation.decision_reason = reason
    organisation.decided_at = timezone.now()
    organisation.decided_by = by
    organisation.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    verified = status == VerificationStatus.VERIFIED
    moderation_action_record(
        actor=by,
        action=(
            ModerationAction.Action.ORGANISATION_VERIFIED
            if verified
            else ModerationAction.Action.ORGANISATION_REJECTED
        ),
        target=organisation,
        reason=reason,
        label=organisation.name,
    )
    activity_record(
        verb=Activity.Verb.ORGANISATION_VERIFIED
        if verified
        else Activity.Verb.ORGANISATION_REJECTED,
        target=organisation,
        actor=by,
        organisation=organisation,
        data={"reason": reason},
    )
    # The digests tell the requester through their outbox, in this transaction.
    signals.organisation_decided.send(
        sender=Organisation, organisation=organisation, verified=verified, reason=reason
    )
    return organisation


@transaction.atomic
def organisation_verify(*, organisation: Organisation, reason: str = "", by: User) -> Organisation:
    """A moderator verifies an organisation; its requester is told."""
    return _organisation_decide(
        organisation=organisation, status=VerificationStatus.VERIFIED, reason=reason, by=by
    )


@transaction.atomic
def organisation_reject(*, organisation: Organisation, reason: str, by: User) -> Organisation:
    """A moderator rejects an organisation with a reason; its requester is told."""
    if not (reason or "").strip():
        raise Refusal(_("Give a reason for the rejection."), field="reason")
    return _organisation_decide(
        organisation=organisation, status=VerificationStatus.REJECTED, reason=reason, by=by
    )


@transaction.atomic
def organisation_at_risk_request(
    *, organisation: Organisation, requested: bool = True, by: User
) -> Organisation:
    """The registrant or a representative asks (or stops asking) to be shown without a name."""
    _may_act(by)
    require_perm(
        by,
        "accounts.request_at_risk_organisation",
        organisation,
        message=_("Only a representative of this organisation can do this."),
    )
    organisation.at_risk_requested = requested
    organisation.save(update_fields=["at_risk_requested"])
    return organisation


@transaction.atomic
def organisation_at_risk_set(
    *, organisation: Organisation, at_risk: bool, reason: str = "", by: User
) -> Organisation:
    """A moderator grants or revokes the at-risk status; the audit log records it."""
    _may_moderate(by, "accounts.moderate")
    organisation = _lock_organisation(organisation)
    if organisation.is_at_risk == at_risk:
        raise Refusal(_("This decision has already been taken."), kind="conflict")
    organisation.is_at_risk = at_risk
    organisation.save(update_fields=["is_at_risk"])
    moderation_action_record(
        actor=by,
        action=(
            ModerationAction.Action.AT_RISK_GRANTED
            if at_risk
            else ModerationAction.Action.AT_RISK_REVOKED
        ),
        target=organisation,
        reason=reason,
        label=organisation.name,
    )
    return organisation


# Memberships ------------------------------------------------------------------------------


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


# Users ------------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "display_name",
    "country",
    "languages",
    "interface_language",
    "time_zone",
    "digest_frequency",
    "digest_weekday",
    "gender",
)


@transaction.atomic
def user_profile_update(*, user: User, by: User, **changes) -> User:
    """Update a person's profile and preferences; only they can."""
    require_perm(
        by, "accounts.manage_user", user, message=_("You can only change your own profile.")
    )
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    if "time_zone" in changes and changes["time_zone"] not in available_timezones():
        raise Refusal(_("Choose a time zone from the list."), field="time_zone")
    for field, value in changes.items():
        setattr(user, field, value)
    _validate(user, exclude=["password", "email"])
    user.save(update_fields=list(changes))
    return user


def _app_privacy_modules():
    """Each installed app's ``privacy`` module, if it has one (see docs/accounts.md)."""
    for config in apps.get_app_configs():
        try:
            yield config.label, importlib.import_module(f"{config.name}.privacy")
        except ModuleNotFoundError:
            continue


def user_data_export(*, user: User, by: User) -> dict:
    """Everything the portal holds about a person, as JSON-ready data."""
    require_perm(
        by, "accounts.manage_user", user, message=_("You can only download your own data.")
    )
    data = {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "country": str(user.country.code or ""),
            "languages": user.languages,
            "interface_language": user.interface_language,
            "time_zone": user.time_zone,
            "digest_frequency": user.digest_frequency,
            "digest_weekday": user.digest_weekday,
            "gender": user.gender,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "is_moderator": user.is_moderator,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "memberships": [
            {
                "organisation": membership.organisation.name,
                "organisation_id": membership.organisation_id,
                "role": membership.role,
                "is_public": membership.is_public,
                "since": membership.created_at.isoformat(),
            }
            for membership in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "membership_requests": [
            {
                "organisation": request.organisation.name,
                "message": request.message,
                "status": request.status,
                "created_at": request.created_at.isoformat(),
            }
            for request in MembershipRequest.objects.filter(user=user).select_related(
                "organisation"
            )
        ],
        "organisations_registered": [
            {
                "name": organisation.name,
                "country": str(organisation.country.code),
                "kind": organisation.kind,
                "status": organisation.status,
                "created_at": organisation.created_at.isoformat(),
            }
            for organisation in Organisation.objects.filter(created_by=user)
        ],
        "invitations_sent": [
            {
                "organisation": invitation.organisation.name,
                "email": invitation.email,
                "created_at": invitation.created_at.isoformat(),
            }
            for invitation in Invitation.objects.filter(invited_by=user).select_related(
                "organisation"
            )
        ],
    }
    for label, module in _app_privacy_modules():
        export = getattr(module, "export_user_data", None)
        if export is not None and label != "accounts":
            data[label] = export(user)
    return data


@transaction.atomic
def user_delete(*, user: User, by: User) -> User:
    """Erase a person's personal data; their public contributions stay, unattributed.

    The last representative of an organisation with other members must hand
    over first.
    """
    require_perm(
        by, "accounts.manage_user", user, message=_("You can only delete your own account.")
    )
    for membership in Membership.objects.filter(
        user=user, role=MembershipRole.REPRESENTATIVE
    ).select_related("organisation"):
        _lock_organisation(membership.organisation)
        has_others = (
            Membership.objects.filter(organisation_id=membership.organisation_id)
            .exclude(user=user)
            .exists()
        )
        if has_others and _is_last_representative(membership):
            raise Refusal(
                _(
                    "You are the last representative of %(organisation)s. "
                    "Make another member a representative before you delete your account."
                )
                % {"organisation": membership.organisation.name_for(by)},
                kind="conflict",
            )
    for label, module in _app_privacy_modules():
        erase = getattr(module, "erase_user_data", None)
        if erase is not None and label != "accounts":
            erase(user)
    Membership.objects.filter(user=user).delete()
    MembershipRequest.objects.filter(user=user).delete()
    Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True).delete()
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"deleted-{uuid.uuid4().hex}@invalid.invalid"
    user.display_name = ""
    user.country = ""
    user.languages = ""
    user.gender = ""
    user.interface_language = ""
    user.time_zone = "UTC"
    user.digest_frequency = "off"
    user.is_active = False
    user.is_former_participant = True
    user.is_moderator = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    try:
        from allauth.mfa.models import Authenticator

        Authenticator.objects.filter(user=user).delete()
    except ImportError:  # pragma: no cover - allauth.mfa is installed
        pass
    rules.forget_cached_permissions(user)
    return user
