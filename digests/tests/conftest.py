"""Fixtures for the digests tests."""

import pytest

from consultations.tests.factories import ConsultationFactory, RecommendationFactory


@pytest.fixture(autouse=True)
def _comment_rate(settings):
    settings.CONSULTATIONS_COMMENT_RATE = (1000, 60)


@pytest.fixture(autouse=True)
def _fresh_windows():
    from digests import content

    content._WINDOWS.clear()
    yield
    content._WINDOWS.clear()


@pytest.fixture
def consultation(db):
    return ConsultationFactory(title="Brussels consultation")


@pytest.fixture
def recommendation(db):
    return RecommendationFactory(title="Open a portal for civil society")
