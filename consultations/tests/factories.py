"""Factories for consultations; people and organisations come from accounts' factories."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import (  # noqa: F401 - re-exported for the tests
    PASSWORD,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    UserFactory,
)
from consultations.models import Comment, Consultation, Endorsement, Forum, Stance
from recommendations.tests.factories import (  # noqa: F401 - re-exported for the tests
    RecommendationFactory,
    SessionFactory,
)


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forum

    name = factory.Sequence(lambda n: f"Forum meeting {n}")
    city = "Manila"
    country = "PH"
    starts_on = date(2008, 10, 27)
    ends_on = date(2008, 10, 30)


class ConsultationFactory(factory.django.DjangoModelFactory):
    """An open consultation over all recommendations, three weeks long."""

    class Meta:
        model = Consultation

    forum = factory.SubFactory(ForumFactory)
    title = factory.Sequence(lambda n: f"Consultation {n}")
    description = "Tell us where you stand."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment written straight to the database (counters untouched)."""

    class Meta:
        model = Comment

    consultation = factory.SubFactory(ConsultationFactory)
    recommendation = factory.SubFactory(RecommendationFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}.")


class EndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endorsement

    consultation = factory.SubFactory(ConsultationFactory)
    recommendation = factory.SubFactory(RecommendationFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    stance = Stance.SUPPORT


# The roles of the permission tables (test_rules.py here, in positions and in exports).
ROLES = (
    "anonymous",
    "unverified",
    "person",
    "member",
    "representative",
    "other_representative",
    "suspended",
    "consultation_moderator",
    "portal_moderator",
)


def person_in_role(role: str, *, organisation, consultation):
    """A person who is ``role`` towards ``organisation`` and ``consultation``.

    The unverified person represents the organisation but has not confirmed their email;
    the suspended person is a member, suspended from the consultation; moderators have
    two-factor authentication on.
    """
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import MembershipRole
    from accounts.tests.factories import mfa_enable

    if role == "anonymous":
        return AnonymousUser()
    if role == "unverified":
        return MembershipFactory(organisation=organisation, user=UserFactory(verified=False)).user
    if role in ("member", "suspended"):
        user = MembershipFactory(organisation=organisation, role=MembershipRole.MEMBER).user
        if role == "suspended":
            consultation.suspensions.create(user=user, reason="Off topic.")
        return user
    if role == "representative":
        return MembershipFactory(organisation=organisation).user
    if role == "other_representative":
        return MembershipFactory().user
    if role == "consultation_moderator":
        user = UserFactory()
        consultation.moderators.add(user)
        mfa_enable(user)
        return user
    if role == "portal_moderator":
        return ModeratorFactory()
    return UserFactory()
