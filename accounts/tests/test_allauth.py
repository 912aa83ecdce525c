"""The allauth flows through the portal's own templates: MFA set-up, email change, reset."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.utils import is_mfa_enabled
from django.core import mail
from django.urls import reverse

from activity.models import ModerationAction

from .factories import (
    PASSWORD,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    UserFactory,
    mfa_enable,
    totp_code,
)

pytestmark = pytest.mark.django_db


def test_moderator_sets_up_totp_then_opens_the_queue(client):
    moderator = ModeratorFactory(mfa=False)
    client.force_login(moderator)
    response = client.get(reverse("accounts:verification-queue"), follow=True)
    # Setting up TOTP asks for the password again first.
    assert "password" in response.content.decode().lower()
    response = client.post(
        reverse("account_reauthenticate"),
        {"password": PASSWORD, "next": reverse("mfa_activate_totp")},
        follow=True,
    )
    assert response.status_code == 200
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "QR code" in page.content.decode()
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert is_mfa_enabled(moderator)
    assert client.get(reverse("accounts:verification-queue")).status_code == 200


def test_login_with_mfa_asks_for_the_code(client):
    moderator = ModeratorFactory()
    response = client.post(
        reverse("account_login"), {"login": moderator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.session["_auth_user_id"] == str(moderator.pk)


def test_change_of_email_sends_a_confirmation_to_the_new_address(client):
    user = UserFactory(email="old@example.org")
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    assert response.status_code in (200, 302)
    assert EmailAddress.objects.filter(user=user, email="new@example.org", verified=False).exists()
    assert mail.outbox[-1].to == ["new@example.org"]
    assert "Confirm your email address" in mail.outbox[-1].subject


def test_password_reset_link_lets_the_person_choose_a_new_password(client):
    user = UserFactory(email="reset@example.org")
    client.post(reverse("account_reset_password"), {"email": "reset@example.org"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(
        form_url,
        {"password1": "another long passphrase", "password2": "another long passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another long passphrase")


def test_signup_needs_no_username_and_sends_a_confirmation(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "fresh@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert response.status_code == 302
    assert EmailAddress.objects.filter(email="fresh@example.org", verified=False).exists()
    assert mail.outbox[0].to == ["fresh@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_admin_action_verifies_through_the_service(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    mfa_enable(admin)
    organisation = OrganisationFactory(status="pending")
    client.force_login(admin)
    client.post(
        "/admin/accounts/organisation/",
        {"action": "verify", "_selected_action": [organisation.pk]},
    )
    organisation.refresh_from_db()
    assert organisation.status == "verified"
    assert ModerationAction.objects.filter(action="organisation_verified").count() == 1


def test_admin_searches_and_filters_organisations_and_memberships(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    mfa_enable(admin)
    MembershipFactory(organisation__name="Findable Union")
    client.force_login(admin)
    response = client.get("/admin/accounts/organisation/", {"q": "Findable", "status": "verified"})
    assert "Findable Union" in response.content.decode()
    response = client.get(
        "/admin/accounts/membership/", {"q": "Findable", "role": "representative"}
    )
    assert response.status_code == 200
    assert "Findable Union" in response.content.decode()
