"""Authentication backends that read the signed-in person from the cache.

Every signed-in request loads its person. The row is kept in the cache under
the person's version (core.page_cache.reader_version), which any save or
deletion of the row bumps, so a changed password, a deactivated account or a
new name is seen on the next request, as from the database.

What the permission rules read about the person (their memberships with their
organisations, whether an email address is verified, their suspensions) and
the consultations they have written in are read with the row and kept on it,
under the same version: every change to those rows, or to one of their
organisations, bumps it too.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from accounts.rules import has_verified_email, user_memberships
from consultations.rules import suspended_consultation_ids
from consultations.selectors import participated_consultation_ids
from core.page_cache import person, reader_version, versioned


def _with_permissions(user):
    """The person with what the rules and services read about them kept on it (four queries)."""
    if user is not None:
        user_memberships(user)
        has_verified_email(user)
        suspended_consultation_ids(user)
        participated_consultation_ids(user=user)
    return user


class CachedUserMixin:
    def get_user(self, user_id):
        return versioned(
            "account",
            user_id,
            audience=person(user_id),
            depends_on=[reader_version(user_id)],
            compute=lambda: (_with_permissions(super(CachedUserMixin, self).get_user(user_id)),),
        )[0]


class ModelBackend(CachedUserMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(CachedUserMixin, AllauthBackend):
    pass
