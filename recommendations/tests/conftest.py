"""Fixtures for the recommendations tests: the real report, imported."""

from io import StringIO

import pytest
from django.core.management import call_command

from recommendations.importer import DEFAULT_REPORT_PATH


@pytest.fixture
def report_text() -> str:
    return DEFAULT_REPORT_PATH.read_text(encoding="utf-8")


@pytest.fixture
def imported(db) -> str:
    """Import the shipped report; returns what the command printed."""
    out = StringIO()
    call_command("import_report", stdout=out)
    return out.getvalue()
