"""Personal API tokens: create (shown once), list and revoke."""

import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import TOKEN_PREFIX_LENGTH, token_digest
from core.errors import Refusal

from .models import ApiToken
from .rules import can_act

TOKEN_NAME_MAX_LENGTH = 100
MAX_ACTIVE_TOKENS = 20


def api_token_list(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by(
        "-created_at", "-id"
    )


@transaction.atomic
def api_token_create(*, name: str, by) -> tuple[ApiToken, str]:
    """A new token for ``by``; returns it with the raw token, which is never stored."""
    if not can_act(by):
        raise Refusal(_("Confirm your email address and sign in before creating a token."))
    name = (name or "").strip()
    if not name:
        raise Refusal(_("Give the token a name, such as the tool that will use it."), field="name")
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise Refusal(
            _("Please keep it under %(limit)d characters.") % {"limit": TOKEN_NAME_MAX_LENGTH},
            field="name",
        )
    if api_token_list(user=by).count() >= MAX_ACTIVE_TOKENS:
        raise Refusal(
            _("You have %(limit)d active tokens; revoke one before creating another.")
            % {"limit": MAX_ACTIVE_TOKENS}
        )
    raw = "gfmd_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=by,
        name=name,
        prefix=raw[: len("gfmd_") + TOKEN_PREFIX_LENGTH],
        digest=token_digest(raw),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    if token.user_id != by.pk:
        raise Refusal(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
