"""Signed, login-free unsubscribe links: each token names the person and what it stops."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import NotificationKind

SALT = "digests.unsubscribe"
DIGEST = "digest"


class InvalidToken(Exception):
    """The token was tampered with, or names something that cannot be unsubscribed."""


def unsubscribe_token(*, user_id: int, what: str) -> str:
    """A token for ``what``: ``"digest"`` or a notification kind."""
    return signing.dumps({"u": user_id, "w": what}, salt=SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str]:
    """The person's id and what to unsubscribe from; raises ``InvalidToken``."""
    try:
        payload = signing.loads(token, salt=SALT)
        user_id, what = int(payload["u"]), str(payload["w"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidToken from error
    if what != DIGEST and what not in NotificationKind.values:
        raise InvalidToken
    return user_id, what


def unsubscribe_url(*, user_id: int, what: str) -> str:
    token = unsubscribe_token(user_id=user_id, what=what)
    path = reverse("digests:unsubscribe", args=[token])
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: mail clients show a one-click unsubscribe button."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
