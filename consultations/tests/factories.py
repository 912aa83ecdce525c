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
