"""People: their profile, a download of their data, erasing their account."""

import importlib
import uuid
from zoneinfo import available_timezones

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Refusal
from core.permissions import require_perm

from .. import rules
from ..models import (
    Invitation,
    Membership,
    MembershipRequest,
    MembershipRole,
    Organisation,
    User,
)
from ._common import _is_last_representative, _lock_organisation, _validate

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
def user_profile_update(*, user: User, by: User, **changes: str | int) -> User:
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
