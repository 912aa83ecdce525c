"""Checks and helpers shared by the accounts services."""

import logging

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.errors import Refusal
from core.permissions import require_perm

from .. import rules
from ..models import Membership, MembershipRole, Organisation, User

logger = logging.getLogger(__name__)


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
    from ..tasks import email_send as email_send_task

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
