"""Factories for accounts: users (verified email by default), organisations, memberships."""

import time

import factory
from allauth.account.models import EmailAddress

from accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
    VerificationStatus,
)

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified primary email; ``UserFactory(verified=False)`` for unverified."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def email_address(obj, create, extracted, **kwargs):
        if not create:
            return
        verified = getattr(obj, "_factory_verified", True)
        EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=verified)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        verified = kwargs.pop("verified", True)
        obj = super()._create(model_class, *args, **kwargs)
        obj._factory_verified = verified
        return obj


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def mfa_enable(user, secret: str = TOTP_SECRET) -> str:
    """Give ``user`` an authenticator app (TOTP); returns its secret."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The current six-digit code for ``secret``, as an authenticator app shows it."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


class ModeratorFactory(UserFactory):
    """A moderator with two-factor authentication on (``mfa=False`` for one without)."""

    is_moderator = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        mfa = kwargs.pop("mfa", True)
        obj = super()._create(model_class, *args, **kwargs)
        if mfa:
            mfa_enable(obj)
        return obj


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A verified organisation by default; pass ``status=VerificationStatus.PENDING``."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.NGO
    country = "FR"
    region = "Western Europe"
    website = factory.Sequence(lambda n: f"https://org{n}.example.org")
    description = "Works with migrants and their families."
    status = VerificationStatus.VERIFIED
    created_by = None


class MembershipFactory(factory.django.DjangoModelFactory):
    """A representative membership by default; ``role=MembershipRole.MEMBER`` for a member."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.REPRESENTATIVE
    is_public = True
