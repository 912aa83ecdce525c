"""Factories for digests, reusing the accounts and consultations ones."""

import factory

from accounts.tests.factories import (  # noqa: F401
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    UserFactory,
)
from consultations.tests.factories import (  # noqa: F401
    CommentFactory,
    ConsultationFactory,
    RecommendationFactory,
)
from digests.models import DigestRun


class DigestRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DigestRun

    frequency = "daily"
    trigger = DigestRun.Trigger.SCHEDULE
    people_count = 10
    sent_count = 7
    skipped_count = 3
