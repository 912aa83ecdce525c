"""Fixtures for the exports tests."""

import pytest
from django.utils import translation

from .factories import consultation_with_debate


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def debate(db):
    return consultation_with_debate()


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """Requests made in French or Spanish activate that language for the thread: reset it."""
    yield
    translation.deactivate()
