"""Personal API tokens as DRF authentication: ``Authorization: Token <token>``."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from core.api import token_digest

TOKEN_KEYWORD = "Token"  # noqa: S105 - the header keyword, not a secret
# last_used_at is written at most this often per token, not on every request.
TOKEN_TOUCH_SECONDS = 60


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <token>``; tokens are stored as their SHA-256 digest."""

    keyword = TOKEN_KEYWORD

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as: Authorization: Token <your token>.")
            )
        try:
            raw = parts[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from error
        # Imported here: rest_framework.views loads this class, possibly before the models.
        from .models import ApiToken

        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is not valid or was revoked."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > (
            TOKEN_TOUCH_SECONDS
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
