from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone

from accounts import services
from accounts.models import (
    Invitation,
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    MembershipRole,
    Organisation,
    OrganisationKind,
    VerificationStatus,
)
from activity.models import Activity, ModerationAction
from core.errors import Refusal

from .factories import (
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def register(by, **overrides):
    data = {
        "name": "Migrant Workers Network",
        "kind": OrganisationKind.NGO,
        "country": "PH",
        "website": "https://mwn.example.org",
        "description": "Filipino migrant workers abroad.",
        "by": by,
    }
    data.update(overrides)
    return services.organisation_register(**data)


# Registering ------------------------------------------------------------------------------


def test_register_makes_a_pending_organisation_with_its_region_and_creator_representative():
    user = UserFactory()
    organisation = register(user)
    assert organisation.status == VerificationStatus.PENDING
    assert organisation.region == "South-eastern Asia"
    membership = Membership.objects.get(organisation=organisation)
    assert membership.user == user
    assert membership.role == MembershipRole.REPRESENTATIVE


def test_register_refused_when_email_unverified():
    user = UserFactory(verified=False)
    with pytest.raises(Refusal, match="Confirm your email address") as caught:
        register(user)
    assert caught.value.kind == "forbidden"  # a 403 in the API
    assert not Organisation.objects.exists()


def test_register_refused_for_anonymous():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Refusal):
        register(AnonymousUser())


def test_register_refuses_duplicate_name_and_country_case_insensitively():
    register(UserFactory())
    with pytest.raises(Refusal, match="already registered") as caught:
        register(UserFactory(), name="  migrant WORKERS network ")
    assert caught.value.field == "name"


def test_register_allows_same_name_in_another_country():
    register(UserFactory())
    assert register(UserFactory(), country="MX").region == "Latin America and the Caribbean"


def test_register_turns_an_integrity_error_into_a_domain_error(monkeypatch):
    register(UserFactory())
    # Simulate the race: the check passes, then the constraint fires.
    monkeypatch.setattr(
        "accounts.services.organisations.Organisation.objects.annotate",
        lambda **kwargs: Organisation.objects.none().annotate(**kwargs),
    )
    with pytest.raises(Refusal, match="already registered"):
        register(UserFactory(), name="MIGRANT workers network")


def test_register_refuses_unknown_country_and_kind():
    with pytest.raises(Refusal) as caught:
        register(UserFactory(), country="ZZ")
    assert caught.value.field == "country"
    with pytest.raises(Refusal) as caught:
        register(UserFactory(), kind="cult")
    assert caught.value.field == "kind"
    assert caught.value.kind == "invalid"  # bad input stays a 400


def test_register_refuses_a_country_without_region():
    with pytest.raises(Refusal):
        register(UserFactory(), country="AQ")


def test_register_refuses_overlong_name():
    with pytest.raises(Refusal, match="too long"):
        register(UserFactory(), name="x" * 201)


# Verification -----------------------------------------------------------------------------


def test_verify_by_moderator_records_audit_activity_and_emails_requester(
    django_capture_on_commit_callbacks,
):
    requester = UserFactory(interface_language="fr")
    organisation = register(requester)
    moderator = ModeratorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_verify(organisation=organisation, by=moderator)
    organisation.refresh_from_db()
    assert organisation.status == VerificationStatus.VERIFIED
    assert organisation.decided_by == moderator
    action = ModerationAction.objects.get()
    assert action.action == ModerationAction.Action.ORGANISATION_VERIFIED
    assert action.actor == moderator
    assert action.target_label == "Migrant Workers Network"
    activity = Activity.objects.get()
    assert activity.verb == Activity.Verb.ORGANISATION_VERIFIED
    assert activity.organisation == organisation
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [requester.email]
    # The requester chose French: the email is in French.
    assert "vérifié" in mail.outbox[0].subject


def test_reject_needs_a_reason_and_emails_it():
    requester = UserFactory()
    organisation = register(requester)
    moderator = ModeratorFactory()
    with pytest.raises(Refusal, match="reason"):
        services.organisation_reject(organisation=organisation, reason=" ", by=moderator)
    services.organisation_reject(
        organisation=organisation, reason="No trace of this organisation.", by=moderator
    )
    organisation.refresh_from_db()
    assert organisation.status == VerificationStatus.REJECTED
    assert ModerationAction.objects.get().reason == "No trace of this organisation."
    assert Activity.objects.get().verb == Activity.Verb.ORGANISATION_REJECTED


def test_reject_email_carries_reason(django_capture_on_commit_callbacks):
    requester = UserFactory()
    organisation = register(requester)
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_reject(
            organisation=organisation, reason="No trace of it.", by=ModeratorFactory()
        )
    assert "No trace of it." in mail.outbox[0].body


def test_email_is_sent_directly_when_the_broker_is_down(
    monkeypatch, django_capture_on_commit_callbacks
):
    from accounts import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.email_send, "apply_async", broker_down)
    organisation = register(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_verify(organisation=organisation, by=ModeratorFactory())
    assert len(mail.outbox) == 1


def test_verify_refused_for_non_moderator_and_for_unverified_moderator():
    organisation = register(UserFactory())
    with pytest.raises(Refusal, match="Only moderators") as caught:
        services.organisation_verify(organisation=organisation, by=UserFactory())
    assert caught.value.kind == "forbidden"
    with pytest.raises(Refusal, match="Confirm your email"):
        services.organisation_verify(organisation=organisation, by=ModeratorFactory(verified=False))
    assert not ModerationAction.objects.exists()


def test_verify_twice_is_refused():
    organisation = register(UserFactory())
    moderator = ModeratorFactory()
    services.organisation_verify(organisation=organisation, by=moderator)
    with pytest.raises(Refusal, match="already") as caught:
        services.organisation_verify(organisation=organisation, by=moderator)
    assert caught.value.kind == "conflict"  # a 409 in the API


# At risk ----------------------------------------------------------------------------------


def test_at_risk_request_by_representative_and_grant_by_moderator_is_audited():
    requester = UserFactory()
    organisation = register(requester)
    services.organisation_at_risk_request(organisation=organisation, by=requester)
    assert Organisation.objects.get(pk=organisation.pk).at_risk_requested
    moderator = ModeratorFactory()
    services.organisation_at_risk_set(
        organisation=organisation, at_risk=True, reason="Civic space closed.", by=moderator
    )
    organisation.refresh_from_db()
    assert organisation.is_at_risk
    assert organisation.public_name == "an organisation from South-eastern Asia"
    assert organisation.name_for(moderator) == "Migrant Workers Network"
    assert organisation.name_for(requester) == "an organisation from South-eastern Asia"
    action = ModerationAction.objects.get()
    assert action.action == ModerationAction.Action.AT_RISK_GRANTED
    services.organisation_at_risk_set(organisation=organisation, at_risk=False, by=moderator)
    assert ModerationAction.objects.filter(action=ModerationAction.Action.AT_RISK_REVOKED).exists()


def test_at_risk_request_refused_for_a_stranger():
    organisation = register(UserFactory())
    with pytest.raises(Refusal):
        services.organisation_at_risk_request(organisation=organisation, by=UserFactory())


def test_at_risk_grant_refused_for_non_moderator():
    requester = UserFactory()
    organisation = register(requester)
    with pytest.raises(Refusal, match="Only moderators"):
        services.organisation_at_risk_set(organisation=organisation, at_risk=True, by=requester)


# Invitations ------------------------------------------------------------------------------


def test_invitation_is_emailed_and_accepted_once(django_capture_on_commit_callbacks):
    representative = MembershipFactory().user
    organisation = representative.memberships.get().organisation
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.membership_invite(
            organisation=organisation, email="colleague@example.org", by=representative
        )
    assert invitation.token_hash != token
    assert token in mail.outbox[0].body
    colleague = UserFactory(email="colleague@example.org")
    membership = services.invitation_accept(token=token, by=colleague)
    assert membership.organisation == organisation
    assert membership.role == MembershipRole.MEMBER
    with pytest.raises(Refusal, match="already been used"):
        services.invitation_accept(token=token, by=UserFactory())


def test_invitation_expires_after_seven_days(time_machine):
    membership = MembershipFactory()
    _, token = services.membership_invite(
        organisation=membership.organisation, email="late@example.org", by=membership.user
    )
    time_machine.move_to(timezone.now() + timedelta(days=7, minutes=1))
    with pytest.raises(Refusal, match="expired"):
        services.invitation_accept(token=token, by=UserFactory())


def test_invitation_with_a_wrong_token_is_refused():
    with pytest.raises(Refusal, match="not valid"):
        services.invitation_accept(token="forged", by=UserFactory())


def test_invitation_by_a_member_or_stranger_is_refused():
    membership = MembershipFactory(role=MembershipRole.MEMBER)
    with pytest.raises(Refusal, match="representative"):
        services.membership_invite(
            organisation=membership.organisation, email="x@example.org", by=membership.user
        )
    with pytest.raises(Refusal, match="representative"):
        services.membership_invite(
            organisation=membership.organisation, email="x@example.org", by=UserFactory()
        )
    assert not Invitation.objects.exists()


def test_invitation_acceptance_needs_a_verified_email():
    membership = MembershipFactory()
    _, token = services.membership_invite(
        organisation=membership.organisation, email="x@example.org", by=membership.user
    )
    with pytest.raises(Refusal, match="Confirm your email"):
        services.invitation_accept(token=token, by=UserFactory(verified=False))
    assert Invitation.objects.get().accepted_at is None


def test_invitation_as_representative_gives_that_role():
    membership = MembershipFactory()
    _, token = services.membership_invite(
        organisation=membership.organisation,
        email="x@example.org",
        role=MembershipRole.REPRESENTATIVE,
        by=membership.user,
    )
    assert services.invitation_accept(token=token, by=UserFactory()).is_representative


# Join requests ----------------------------------------------------------------------------


def test_join_request_accepted_by_representative_makes_a_member(
    django_capture_on_commit_callbacks,
):
    representative = MembershipFactory(user__interface_language="es")
    person = UserFactory(display_name="Juana")
    with django_capture_on_commit_callbacks(execute=True):
        join = services.membership_request(
            organisation=representative.organisation, message="I work there.", by=person
        )
    # The representatives are told, each in their language.
    (notice,) = mail.outbox
    assert notice.to == [representative.user.email]
    assert "Juana solicita unirse" in notice.body
    mail.outbox.clear()
    with pytest.raises(Refusal, match="already asked"):
        services.membership_request(organisation=representative.organisation, by=person)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_request_decide(
            membership_request=join, accept=True, by=representative.user
        )
    membership = Membership.objects.get(user=person)
    assert membership.role == MembershipRole.MEMBER
    assert mail.outbox[0].to == [person.email]


def test_join_request_refused_leaves_no_membership():
    representative = MembershipFactory()
    person = UserFactory()
    join = services.membership_request(organisation=representative.organisation, by=person)
    services.membership_request_decide(
        membership_request=join, accept=False, by=representative.user
    )
    assert MembershipRequest.objects.get().status == MembershipRequestStatus.REFUSED
    assert not Membership.objects.filter(user=person).exists()
    with pytest.raises(Refusal, match="already been decided"):
        services.membership_request_decide(
            membership_request=join, accept=True, by=representative.user
        )


def test_join_request_decided_by_a_plain_member_is_refused():
    representative = MembershipFactory()
    member = MembershipFactory(organisation=representative.organisation, role="member")
    join = services.membership_request(organisation=representative.organisation, by=UserFactory())
    with pytest.raises(Refusal, match="representative"):
        services.membership_request_decide(membership_request=join, accept=True, by=member.user)


def test_join_request_by_member_or_unverified_is_refused():
    membership = MembershipFactory()
    with pytest.raises(Refusal, match="already a member"):
        services.membership_request(organisation=membership.organisation, by=membership.user)
    with pytest.raises(Refusal, match="Confirm your email"):
        services.membership_request(
            organisation=membership.organisation, by=UserFactory(verified=False)
        )


# Leaving and roles ------------------------------------------------------------------------


def test_member_can_leave():
    representative = MembershipFactory()
    member = MembershipFactory(organisation=representative.organisation, role="member")
    services.membership_leave(membership=member, by=member.user)
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_last_representative_cannot_leave():
    representative = MembershipFactory()
    MembershipFactory(organisation=representative.organisation, role="member")
    with pytest.raises(Refusal, match="last representative"):
        services.membership_leave(membership=representative, by=representative.user)
    assert Membership.objects.filter(pk=representative.pk).exists()


def test_representative_can_leave_when_another_remains():
    representative = MembershipFactory()
    MembershipFactory(organisation=representative.organisation)
    services.membership_leave(membership=representative, by=representative.user)
    assert not Membership.objects.filter(pk=representative.pk).exists()


def test_nobody_else_can_make_someone_leave():
    representative = MembershipFactory()
    member = MembershipFactory(organisation=representative.organisation, role="member")
    with pytest.raises(Refusal):
        services.membership_leave(membership=member, by=representative.user)


def test_role_set_promotes_and_refuses_to_demote_the_last_representative():
    representative = MembershipFactory()
    member = MembershipFactory(organisation=representative.organisation, role="member")
    with pytest.raises(Refusal, match="last representative"):
        services.membership_role_set(
            membership=representative, role="member", by=representative.user
        )
    services.membership_role_set(membership=member, role="representative", by=representative.user)
    services.membership_role_set(membership=representative, role="member", by=member.user)
    assert Membership.objects.get(pk=representative.pk).role == "member"


def test_role_set_by_a_plain_member_is_refused():
    representative = MembershipFactory()
    member = MembershipFactory(organisation=representative.organisation, role="member")
    with pytest.raises(Refusal):
        services.membership_role_set(membership=member, role="representative", by=member.user)


# Profile, export, deletion ----------------------------------------------------------------


def test_profile_update_validates_the_time_zone():
    user = UserFactory()
    services.user_profile_update(user=user, by=user, time_zone="Asia/Manila", gender="woman")
    user.refresh_from_db()
    assert user.time_zone == "Asia/Manila"
    with pytest.raises(Refusal, match="time zone"):
        services.user_profile_update(user=user, by=user, time_zone="Mars/Olympus")


def test_profile_update_of_someone_else_is_refused():
    with pytest.raises(Refusal):
        services.user_profile_update(user=UserFactory(), by=UserFactory(), display_name="x")


def test_data_export_holds_the_profile_and_memberships():
    membership = MembershipFactory(user__gender="non-binary")
    data = services.user_data_export(user=membership.user, by=membership.user)
    assert data["profile"]["email"] == membership.user.email
    assert data["profile"]["gender"] == "non-binary"
    assert data["memberships"][0]["organisation"] == membership.organisation.name
    assert data["email_addresses"][0]["verified"] is True
    with pytest.raises(Refusal):
        services.user_data_export(user=membership.user, by=UserFactory())


def test_delete_erases_personal_data_and_keeps_the_row():
    membership = MembershipFactory(
        user__display_name="Maria Santos", user__country="PH", user__gender="woman"
    )
    MembershipFactory(organisation=membership.organisation)  # another representative
    user = membership.user
    old_email = user.email
    services.user_delete(user=user, by=user)
    user.refresh_from_db()
    assert user.email != old_email
    assert user.email.endswith("@invalid.invalid")
    assert (user.display_name, str(user.country), user.gender) == ("", "", "")
    assert not user.has_usable_password()
    assert not user.is_active
    assert user.is_former_participant
    assert str(user) == "a former participant"
    assert not Membership.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()


def test_delete_emails_are_unique_placeholders():
    first, second = UserFactory(), UserFactory()
    services.user_delete(user=first, by=first)
    services.user_delete(user=second, by=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.email != second.email


def test_delete_by_last_representative_with_members_is_refused():
    representative = MembershipFactory()
    MembershipFactory(organisation=representative.organisation, role="member")
    with pytest.raises(Refusal, match="last representative"):
        services.user_delete(user=representative.user, by=representative.user)
    representative.user.refresh_from_db()
    assert representative.user.is_active


def test_delete_by_sole_member_is_allowed():
    membership = MembershipFactory()
    services.user_delete(user=membership.user, by=membership.user)
    assert Organisation.objects.filter(pk=membership.organisation_id).exists()


def test_delete_someone_else_is_refused():
    with pytest.raises(Refusal):
        services.user_delete(user=UserFactory(), by=UserFactory())


def test_audit_log_targets_the_organisation():
    organisation = OrganisationFactory(status=VerificationStatus.PENDING)
    services.organisation_verify(organisation=organisation, by=ModeratorFactory())
    action = ModerationAction.objects.get()
    assert action.target_type == ContentType.objects.get_for_model(Organisation)
    assert action.target_id == organisation.pk


def test_register_refuses_a_bad_website_or_overlong_description():
    with pytest.raises(Refusal) as caught:
        register(UserFactory(), website="javascript:alert(1)")
    assert caught.value.field == "website"
    with pytest.raises(Refusal) as caught:
        register(UserFactory(), description="d" * 5001)
    assert caught.value.field == "description"
    assert not Organisation.objects.exists()


def test_profile_update_refuses_bad_values_as_domain_errors():
    user = UserFactory()
    with pytest.raises(Refusal) as caught:
        services.user_profile_update(user=user, by=user, display_name="x" * 81)
    assert caught.value.field == "display_name"
    with pytest.raises(Refusal):
        services.user_profile_update(user=user, by=user, digest_frequency="hourly")


def test_invitation_to_a_bad_address_is_refused():
    membership = MembershipFactory()
    for address in ("", "not-an-address", "a@b@c"):
        with pytest.raises(Refusal) as caught:
            services.membership_invite(
                organisation=membership.organisation, email=address, by=membership.user
            )
        assert caught.value.field == "email"


def test_a_mail_server_failure_does_not_undo_the_decision(
    monkeypatch, django_capture_on_commit_callbacks
):
    from accounts import tasks

    def smtp_down(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(tasks.email_send, "apply_async", smtp_down)
    monkeypatch.setattr(tasks, "email_deliver", smtp_down)
    organisation = register(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_verify(organisation=organisation, by=ModeratorFactory())
    organisation.refresh_from_db()
    assert organisation.status == VerificationStatus.VERIFIED
