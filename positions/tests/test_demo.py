import pytest
from django.core.management import call_command

from positions.demo import load_demo_positions
from positions.models import Amendment, ParagraphComment, Position, PositionStatus, Signature

from .factories import RecommendationFactory

pytestmark = pytest.mark.django_db


def test_demo_positions_loaded_once_with_every_state():
    RecommendationFactory.create_batch(16)
    call_command("load_demo_data")
    statuses = set(Position.objects.values_list("status", flat=True))
    assert statuses == {PositionStatus.OPEN, PositionStatus.FINAL, PositionStatus.DRAFTING}
    counts = (Position.objects.count(), Signature.objects.count(), ParagraphComment.objects.count())
    assert counts[1] >= 7 and counts[2] == 2
    assert Amendment.objects.filter(status="open").count() == 1
    assert load_demo_positions() == 0
    call_command("load_demo_data")
    assert counts == (
        Position.objects.count(),
        Signature.objects.count(),
        ParagraphComment.objects.count(),
    )


def test_demo_positions_need_the_demo_data():
    assert load_demo_positions() == 0
    assert not Position.objects.exists()
