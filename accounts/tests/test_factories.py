import pytest
from allauth.account.models import EmailAddress

from accounts.rules import has_verified_email

from .factories import MembershipFactory, UserFactory


@pytest.mark.django_db
def test_user_factory_verified_by_default():
    user = UserFactory()
    assert EmailAddress.objects.get(user=user).verified
    assert has_verified_email(user)


@pytest.mark.django_db
def test_user_factory_unverified_option():
    user = UserFactory(verified=False)
    assert not EmailAddress.objects.get(user=user).verified
    assert not has_verified_email(user)


@pytest.mark.django_db
def test_membership_factory_makes_a_representative_of_a_verified_organisation():
    membership = MembershipFactory()
    assert membership.is_representative
    assert membership.organisation.is_verified
    assert membership.user.check_password("correct horse battery staple")
