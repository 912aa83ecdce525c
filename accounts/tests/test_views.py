import json
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import (
    Membership,
    MembershipRequest,
    Organisation,
    OrganisationKind,
    VerificationStatus,
)

from .factories import (
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    UserFactory,
    mfa_enable,
)

pytestmark = pytest.mark.django_db


# Directory ---------------------------------------------------------------------------------


def test_directory_lists_verified_organisations_only(client):
    OrganisationFactory(name="Verified One")
    OrganisationFactory(name="Pending One", status=VerificationStatus.PENDING)
    OrganisationFactory(name="Rejected One", status=VerificationStatus.REJECTED)
    response = client.get(reverse("accounts:organisation-list"))
    content = response.content.decode()
    assert "Verified One" in content
    assert "Pending One" not in content
    assert "Rejected One" not in content


def test_directory_filters_by_kind_region_and_country_with_counts(client):
    OrganisationFactory(name="Paris Union", kind=OrganisationKind.TRADE_UNION)
    OrganisationFactory(
        name="Lagos Diaspora",
        country="NG",
        region="Sub-Saharan Africa",
        kind=OrganisationKind.DIASPORA,
    )
    OrganisationFactory(
        name="Abuja Diaspora",
        country="NG",
        region="Sub-Saharan Africa",
        kind=OrganisationKind.DIASPORA,
    )
    response = client.get(reverse("accounts:organisation-list"), {"region": "Sub-Saharan Africa"})
    content = response.content.decode()
    assert "Lagos Diaspora" in content and "Abuja Diaspora" in content
    assert "Paris Union" not in content
    facets = response.context["facets"]
    assert {f.value: f.count for f in facets["kind"]}[OrganisationKind.DIASPORA] == 2
    assert {f.value: f.count for f in facets["kind"]}[OrganisationKind.TRADE_UNION] == 0
    assert {f.value: f.count for f in facets["region"]} == {
        "Western Europe": 1,
        "Sub-Saharan Africa": 2,
    }
    response = client.get(reverse("accounts:organisation-list"), {"country": "fr"})
    assert "Paris Union" in response.content.decode()
    assert "Lagos Diaspora" not in response.content.decode()
    response = client.get(
        reverse("accounts:organisation-list"), {"kind": OrganisationKind.DIASPORA}
    )
    assert "Paris Union" not in response.content.decode()


def test_directory_ignores_nonsense_filters(client):
    response = client.get(
        reverse("accounts:organisation-list"), {"kind": "nope", "country": "ZZZ", "page": "x"}
    )
    assert response.status_code == 200


def test_directory_queries_are_constant_and_paginated(client, django_assert_max_num_queries):
    for index in range(60):
        OrganisationFactory(name=f"Org {index:03}", is_at_risk=index % 7 == 0)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:organisation-list"))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 25
    with django_assert_max_num_queries(8):
        client.get(reverse("accounts:organisation-list"), {"page": 3})


# Organisation page -------------------------------------------------------------------------


def test_organisation_page_lists_public_members_only(client, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user__display_name="Visible Person")
    MembershipFactory(
        organisation=organisation, user__display_name="Hidden Person", is_public=False
    )
    for _ in range(20):
        MembershipFactory(organisation=organisation, role="member")
    with django_assert_max_num_queries(5):
        response = client.get(organisation.get_absolute_url())
    content = response.content.decode()
    assert "Visible Person" in content
    assert "Hidden Person" not in content


def test_government_delegation_members_carry_a_delegate_badge(client):
    membership = MembershipFactory(organisation__kind=OrganisationKind.GOVERNMENT)
    response = client.get(membership.organisation.get_absolute_url())
    assert "Delegate" in response.content.decode()
    ngo = MembershipFactory()
    assert "Delegate" not in client.get(ngo.organisation.get_absolute_url()).content.decode()


def test_pending_organisation_page_is_hidden_from_strangers(client):
    membership = MembershipFactory(organisation__status=VerificationStatus.PENDING)
    url = membership.organisation.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(membership.user)
    assert client.get(url).status_code == 200
    client.force_login(ModeratorFactory())
    assert client.get(url).status_code == 200


def test_missing_organisation_is_404(client):
    assert client.get(reverse("accounts:organisation-detail", args=[999])).status_code == 404


# Registering -------------------------------------------------------------------------------


def org_form(**overrides):
    data = {
        "name": "Casa Migrante",
        "kind": OrganisationKind.FAITH_BASED,
        "country": "MX",
        "website": "https://casa.example.org",
        "description": "Shelter for migrants in transit.",
    }
    data.update(overrides)
    return data


def test_register_page_creates_a_pending_organisation(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:organisation-register"), org_form())
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "Pending verification" in page
    assert organisation.region == "Latin America and the Caribbean"


def test_register_requires_login(client):
    response = client.get(reverse("accounts:organisation-register"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"name": "n" * 201}, "name"),
        ({"description": "d" * 5001}, "description"),
        ({"website": "not a url"}, "website"),
        ({"kind": "club"}, "kind"),
    ],
)
def test_register_bad_input_gives_form_errors(client, data, field):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:organisation-register"), org_form(**data))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Organisation.objects.exists()


def test_register_duplicate_gives_a_form_error(client):
    client.force_login(UserFactory())
    client.post(reverse("accounts:organisation-register"), org_form())
    client.force_login(UserFactory())
    response = client.post(
        reverse("accounts:organisation-register"), org_form(name="CASA migrante")
    )
    assert response.status_code == 200
    assert "already registered" in str(response.context["form"].errors["name"])
    assert Organisation.objects.count() == 1


def test_register_by_unverified_user_gives_a_form_error(client):
    client.force_login(UserFactory(verified=False))
    response = client.post(reverse("accounts:organisation-register"), org_form())
    assert response.status_code == 200
    assert "Confirm your email address" in response.content.decode()
    assert not Organisation.objects.exists()


# Memberships -------------------------------------------------------------------------------


def test_representative_invites_and_invitee_accepts(client, django_capture_on_commit_callbacks):
    representative = MembershipFactory()
    organisation = representative.organisation
    client.force_login(representative.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:organisation-invite", args=[organisation.pk]),
            {"email": "new@example.org", "role": "member"},
        )
    assert response.status_code == 302
    link = next(line for line in mail.outbox[0].body.splitlines() if "/invitations/" in line)
    path = link[link.index("/invitations/") :].strip()
    invitee = UserFactory(email="new@example.org")
    client.force_login(invitee)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert Membership.objects.filter(user=invitee, organisation=organisation).exists()
    # Reusing the link gives a clear error page, not a 500.
    response = client.post(path)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_expired_invitation_gives_a_clear_error_page(client, time_machine):
    representative = MembershipFactory()
    _, token = services.membership_invite(
        organisation=representative.organisation, email="x@example.org", by=representative.user
    )
    time_machine.move_to(timezone.now() + timedelta(days=8))
    client.force_login(UserFactory())
    response = client.get(reverse("accounts:invitation-accept", args=[token]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    response = client.post(reverse("accounts:invitation-accept", args=[token]))
    assert response.status_code == 410


def test_invalid_invitation_email_gives_a_form_error(client):
    representative = MembershipFactory()
    client.force_login(representative.user)
    response = client.post(
        reverse("accounts:organisation-invite", args=[representative.organisation.pk]),
        {"email": "not-an-email", "role": "member"},
    )
    assert response.status_code == 400
    assert "email" in response.context["invite_form"].errors


def test_non_member_cannot_manage_or_invite(client):
    organisation = MembershipFactory().organisation
    stranger_membership = MembershipFactory()  # representative of another organisation
    client.force_login(stranger_membership.user)
    assert (
        client.get(reverse("accounts:organisation-manage", args=[organisation.pk])).status_code
        == 404
    )
    response = client.post(
        reverse("accounts:organisation-invite", args=[organisation.pk]),
        {"email": "x@example.org", "role": "member"},
    )
    assert response.status_code == 404


def test_plain_member_cannot_manage(client):
    representative = MembershipFactory()
    member = MembershipFactory(organisation=representative.organisation, role="member")
    client.force_login(member.user)
    url = reverse("accounts:organisation-manage", args=[representative.organisation.pk])
    assert client.get(url).status_code == 404


def test_join_request_and_decision_through_pages(client, django_assert_max_num_queries):
    representative = MembershipFactory()
    organisation = representative.organisation
    person = UserFactory(display_name="Applicant")
    client.force_login(person)
    client.post(reverse("accounts:membership-request", args=[organisation.pk]), {"message": "Hi."})
    join = MembershipRequest.objects.get()
    for _ in range(15):
        services.membership_request(organisation=organisation, by=UserFactory())
        MembershipFactory(organisation=organisation, role="member")
    client.force_login(representative.user)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("accounts:organisation-manage", args=[organisation.pk]))
    assert "Applicant" in page.content.decode()
    client.post(
        reverse("accounts:membership-request-decide", args=[organisation.pk, join.pk]),
        {"decision": "accept"},
    )
    assert Membership.objects.filter(user=person, organisation=organisation).exists()


def test_last_representative_leaving_sees_a_clear_error(client):
    representative = MembershipFactory()
    MembershipFactory(organisation=representative.organisation, role="member")
    client.force_login(representative.user)
    response = client.post(
        reverse("accounts:membership-leave", args=[representative.organisation.pk]), follow=True
    )
    assert "last representative" in response.content.decode()
    assert Membership.objects.filter(pk=representative.pk).exists()


def test_member_leaves_through_the_page(client):
    representative = MembershipFactory()
    member = MembershipFactory(organisation=representative.organisation, role="member")
    client.force_login(member.user)
    client.post(reverse("accounts:membership-leave", args=[representative.organisation.pk]))
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_role_change_through_the_page(client):
    representative = MembershipFactory()
    member = MembershipFactory(organisation=representative.organisation, role="member")
    client.force_login(representative.user)
    client.post(
        reverse("accounts:membership-role", args=[representative.organisation.pk, member.pk]),
        {"role": "representative"},
    )
    assert Membership.objects.get(pk=member.pk).is_representative
    response = client.post(
        reverse("accounts:membership-role", args=[representative.organisation.pk, member.pk]),
        {"role": "emperor"},
        follow=True,
    )
    assert response.status_code == 200


# Moderation queue and MFA ------------------------------------------------------------------


def test_moderator_without_mfa_is_sent_to_set_it_up(client):
    client.force_login(ModeratorFactory(mfa=False))
    response = client.get(reverse("accounts:verification-queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(response["Location"], follow=True).content.decode()
    assert "two-factor authentication" in page


def test_staff_without_mfa_is_sent_to_set_it_up_before_the_admin(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    mfa_enable(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/organisation/").status_code == 200
    assert client.get("/admin/accounts/membership/").status_code == 200


def test_non_moderator_cannot_open_the_queue(client):
    assert client.get(reverse("accounts:verification-queue")).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:verification-queue")).status_code == 403


def test_queue_shows_what_helps_decide_in_constant_queries(client, django_assert_max_num_queries):
    OrganisationFactory(name="Migrant Rights Watch", country="KE", region="Sub-Saharan Africa")
    for index in range(30):
        OrganisationFactory(
            name=f"Pending Migrant Forum {index}",
            status=VerificationStatus.PENDING,
            created_by=UserFactory(email=f"lead{index}@ngo{index}.example.net"),
        )
    client.force_login(ModeratorFactory())
    # A cold start: the person is read with what the rules and services read about them.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("accounts:verification-queue"))
    content = response.content.decode()
    assert "ngo7.example.net" in content
    assert "Migrant Rights Watch" in content  # similar name already registered
    queue = response.context["organisations"]
    assert any(other.name == "Migrant Rights Watch" for other in queue[0].similar)


def test_queue_verifies_and_rejects(client, django_capture_on_commit_callbacks):
    first = OrganisationFactory(status=VerificationStatus.PENDING, created_by=UserFactory())
    second = OrganisationFactory(status=VerificationStatus.PENDING, created_by=UserFactory())
    client.force_login(ModeratorFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:organisation-decide", args=[first.pk]), {"decision": "verify"}
        )
    first.refresh_from_db()
    assert first.status == VerificationStatus.VERIFIED
    response = client.post(
        reverse("accounts:organisation-decide", args=[second.pk]),
        {"decision": "reject", "reason": ""},
        follow=True,
    )
    assert "Give a reason" in response.content.decode()
    second.refresh_from_db()
    assert second.status == VerificationStatus.PENDING
    client.post(
        reverse("accounts:organisation-decide", args=[second.pk]),
        {"decision": "reject", "reason": "Not an organisation."},
    )
    second.refresh_from_db()
    assert second.status == VerificationStatus.REJECTED
    assert len(mail.outbox) == 1


def test_queue_decision_by_non_moderator_is_refused(client):
    organisation = OrganisationFactory(status=VerificationStatus.PENDING)
    client.force_login(UserFactory())
    response = client.post(
        reverse("accounts:organisation-decide", args=[organisation.pk]), {"decision": "verify"}
    )
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.status == VerificationStatus.PENDING


# At-risk masking ---------------------------------------------------------------------------

SECRET_NAME = "Zeta Clandestine Collective"
SECRET_SITE = "zeta-clandestine.example.org"


def test_at_risk_name_appears_in_no_page_a_non_moderator_can_fetch(client):
    at_risk = OrganisationFactory(
        name=SECRET_NAME,
        country="EG",
        region="Northern Africa",
        website=f"https://{SECRET_SITE}",
        description="Zeta works underground.",
        is_at_risk=True,
        at_risk_requested=True,
    )
    MembershipFactory(organisation=at_risk, user__display_name="Zeta Member")
    other = MembershipFactory()
    pending_invite, token = services.membership_invite(
        organisation=at_risk, email="guest@example.org", by=at_risk.memberships.first().user
    )
    urls = [
        reverse("home"),
        reverse("accounts:organisation-list"),
        reverse("accounts:organisation-list") + "?country=EG",
        reverse("accounts:organisation-list") + "?region=Northern+Africa",
        reverse("accounts:organisation-list") + "?kind=ngo",
        at_risk.get_absolute_url(),
        other.organisation.get_absolute_url(),
        reverse("accounts:invitation-accept", args=[token]),
        reverse("accounts:organisation-manage", args=[at_risk.pk]),
        reverse("accounts:verification-queue"),
        reverse("accounts:profile"),
        reverse("accounts:organisation-register"),
        reverse("accounts:account-delete"),
    ]
    for who in (None, other.user):
        if who is None:
            client.logout()
        else:
            client.force_login(who)
        for url in urls:
            response = client.get(url)
            content = response.content.decode()
            assert SECRET_NAME not in content, (who, url)
            assert "Zeta" not in content, (who, url)
            assert SECRET_SITE not in content, (who, url)
    client.force_login(other.user)
    export = client.get(reverse("accounts:data-export")).content.decode()
    assert SECRET_NAME not in export
    # Its page says only where it is from.
    page = client.get(at_risk.get_absolute_url()).content.decode()
    assert "an organisation from Northern Africa" in page
    # Moderators see the real name.
    client.force_login(ModeratorFactory())
    assert SECRET_NAME in client.get(at_risk.get_absolute_url()).content.decode()
    assert SECRET_NAME in client.get(reverse("accounts:organisation-list")).content.decode()


def test_at_risk_organisation_is_not_counted_under_its_country(client):
    OrganisationFactory(name=SECRET_NAME, country="EG", region="Northern Africa", is_at_risk=True)
    response = client.get(reverse("accounts:organisation-list"))
    assert "EG" not in {facet.value for facet in response.context["facets"]["country"]}
    assert {f.value: f.count for f in response.context["facets"]["region"]} == {
        "Northern Africa": 1
    }
    response = client.get(reverse("accounts:organisation-list"), {"country": "EG"})
    assert response.context["page_obj"].paginator.count == 0


def test_moderator_grants_at_risk_from_the_organisation_page(client):
    organisation = OrganisationFactory(at_risk_requested=True)
    client.force_login(ModeratorFactory())
    client.post(
        reverse("accounts:organisation-at-risk-set", args=[organisation.pk]),
        {"at_risk": "1", "reason": "Threats.", "from": "detail"},
    )
    organisation.refresh_from_db()
    assert organisation.is_at_risk


def test_representative_asks_for_at_risk_status(client):
    representative = MembershipFactory()
    client.force_login(representative.user)
    client.post(
        reverse("accounts:organisation-at-risk-request", args=[representative.organisation.pk]),
        {"requested": "1"},
    )
    representative.organisation.refresh_from_db()
    assert representative.organisation.at_risk_requested
    assert not representative.organisation.is_at_risk


# Profile and privacy -----------------------------------------------------------------------


def test_profile_saves_preferences(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "Ana",
            "country": "ES",
            "languages": "Spanish, English",
            "interface_language": "es",
            "time_zone": "Europe/Madrid",
            "digest_frequency": "daily",
            "digest_weekday": "2",
            "gender": "",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.interface_language, user.time_zone) == (
        "Ana",
        "es",
        "Europe/Madrid",
    )


@pytest.mark.parametrize(
    "data",
    [
        {"time_zone": "Mars/Olympus"},
        {"display_name": "x" * 81},
        {"country": "QQ"},
        {"interface_language": "de"},
        {"digest_frequency": "hourly"},
    ],
)
def test_profile_bad_input_gives_form_errors(client, data):
    user = UserFactory()
    client.force_login(user)
    form = {
        "display_name": "Ana",
        "time_zone": "UTC",
        "digest_frequency": "weekly",
        "digest_weekday": "0",
        **data,
    }
    response = client.post(reverse("accounts:profile"), form)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_profile_links_to_security_and_privacy_pages(client):
    client.force_login(UserFactory())
    content = client.get(reverse("accounts:profile")).content.decode()
    for name in ("account_email", "account_change_password", "mfa_index"):
        assert reverse(name) in content
    assert reverse("accounts:data-export") in content
    assert reverse("accounts:account-delete") in content


def test_data_export_is_a_json_download(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.get(reverse("accounts:data-export"))
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == membership.user.email


def test_account_deletion_needs_the_password_then_logs_out(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:account-delete"), {"password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(
        reverse("accounts:account-delete"), {"password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_former_participant
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_account_deletion_by_last_representative_is_refused_with_a_message(client):
    representative = MembershipFactory()
    MembershipFactory(organisation=representative.organisation, role="member")
    client.force_login(representative.user)
    response = client.post(
        reverse("accounts:account-delete"), {"password": "correct horse battery staple"}
    )
    assert response.status_code == 200
    assert "last representative" in response.content.decode()


# Verification banner, language -------------------------------------------------------------


def test_unverified_user_sees_a_banner_with_a_resend_button(client):
    client.force_login(UserFactory(verified=False))
    content = client.get(reverse("home")).content.decode()
    assert "Confirm your email address" in content
    assert 'name="action_send"' in content
    client.force_login(UserFactory())
    assert 'name="action_send"' not in client.get(reverse("home")).content.decode()


def test_interface_language_of_the_profile_wins_over_the_browser(client):
    client.force_login(UserFactory(interface_language="fr"))
    response = client.get(reverse("home"), headers={"accept-language": "es"})
    assert '<html lang="fr">' in response.content.decode()


def test_language_switcher_updates_the_profile(client):
    user = UserFactory(interface_language="fr")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    user.refresh_from_db()
    assert user.interface_language == "es"
    assert '<html lang="es">' in client.get(reverse("home")).content.decode()


def test_password_reset_email_is_in_the_users_language(client):
    UserFactory(email="fr@example.org", interface_language="fr")
    client.post(reverse("account_reset_password"), {"email": "fr@example.org"})
    assert len(mail.outbox) == 1
    assert "mot de passe" in mail.outbox[0].subject


# Rate limits -------------------------------------------------------------------------------


def test_login_is_rate_limited(client):
    UserFactory(email="target@example.org")
    statuses = [
        client.post(
            reverse("account_login"), {"login": f"nobody{i}@example.org", "password": "x"}
        ).status_code
        for i in range(35)
    ]
    assert 429 in statuses
    assert statuses[0] == 200


def test_failed_logins_for_one_account_are_limited(client):
    UserFactory(email="target@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "target@example.org", "password": "bad"})
    response = client.post(
        reverse("account_login"),
        {"login": "target@example.org", "password": "correct horse battery staple"},
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_signup_is_rate_limited(client):
    statuses = [
        client.post(
            reverse("account_signup"),
            {"email": f"new{i}@example.org", "password1": "x", "password2": "y"},
        ).status_code
        for i in range(22)
    ]
    assert statuses[0] == 200
    assert statuses[-1] == 429
    response = client.post(reverse("account_signup"), {"email": "late@example.org"})
    assert "Too many attempts" in response.content.decode()


def test_profile_queries_are_constant(client, django_assert_max_num_queries):
    user = UserFactory()
    for _ in range(15):
        MembershipFactory(user=user, role="member")
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:profile"))
    assert len(response.context["memberships"]) == 15


def test_invitation_email_of_an_at_risk_organisation_does_not_name_it(
    django_capture_on_commit_callbacks,
):
    representative = MembershipFactory(
        organisation__name=SECRET_NAME,
        organisation__is_at_risk=True,
        organisation__region="Northern Africa",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_invite(
            organisation=representative.organisation,
            email="guest@example.org",
            by=representative.user,
        )
    (message,) = mail.outbox
    assert SECRET_NAME not in message.subject + message.body
    assert "an organisation from Northern Africa" in message.subject


def test_a_member_without_display_name_is_not_shown_by_email(client):
    membership = MembershipFactory(user__display_name="", user__email="maria.santos85@example.org")
    content = client.get(membership.organisation.get_absolute_url()).content.decode()
    assert "maria.santos85" not in content
    assert f"Participant {membership.user.pk}" in content
