"""Authentication backends that read the signed-in person from the cache.

Every signed-in request loads its person. The row is kept in the cache under
the person's version (portal.page_cache.reader_version), which any save or
deletion of the row bumps, so a changed password, a deactivated account or a
new name is seen on the next request, as from the database.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .page_cache import reader_version, versioned


class CachedUserMixin:
    def get_user(self, user_id):
        return versioned(
            [reader_version(user_id)],
            ["account", str(user_id)],
            lambda: (super(CachedUserMixin, self).get_user(user_id),),
        )[0]


class ModelBackend(CachedUserMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(CachedUserMixin, AllauthBackend):
    pass
