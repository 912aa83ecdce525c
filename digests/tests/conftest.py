"""Fixtures for the digests tests."""

import pytest

from consultations.tests.factories import ConsultationFactory, RecommendationFactory

# The real-worker fixture lives with the portal tests; reused here as is.
from portal.tests.conftest import celery_worker_process  # noqa: F401


@pytest.fixture(autouse=True)
def _comment_rate(settings):
    settings.CONSULTATIONS_COMMENT_RATE = (1000, 60)


@pytest.fixture
def consultation(db):
    return ConsultationFactory(title="Brussels consultation")


@pytest.fixture
def recommendation(db):
    return RecommendationFactory(title="Open a portal for civil society")
