"""The load data generator: its figures, its determinism, and counters equal to real counts."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import Membership, Organisation, OrganisationKind, User
from activity.models import Activity
from consultations.models import (
    Comment,
    Consultation,
    Endorsement,
    OrganisationParticipation,
    PersonParticipation,
    RecommendationStats,
    Stance,
)
from portal.load_data import LOAD_TITLE
from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db


def generate(scale=0.01, seed=7):
    out = io.StringIO()
    call_command("generate_load_data", scale=scale, seed=seed, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_generates_the_scaled_figures():
    generate(scale=0.01)
    consultation = Consultation.objects.get(title=LOAD_TITLE)
    assert Recommendation.objects.count() == 72
    assert Organisation.objects.count() == 30
    assert User.objects.count() == 100
    assert Comment.objects.filter(consultation=consultation).count() == 500
    assert Comment.objects.filter(consultation=consultation, root__isnull=False).exists()
    assert Endorsement.objects.filter(consultation=consultation).count() == 200
    assert Activity.objects.count() == 2000
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(OrganisationKind.values)
    assert Membership.objects.filter(role="representative").count() == 30


def test_counters_equal_real_counts():
    generate(scale=0.01)
    consultation = Consultation.objects.get(title=LOAD_TITLE)
    comments = Comment.objects.filter(consultation=consultation)
    counted = comments.filter(deleted_at__isnull=True, hidden_at__isnull=True)
    active = Endorsement.objects.filter(consultation=consultation, withdrawn_at__isnull=True)
    assert consultation.comment_count == counted.count()
    assert consultation.endorsement_count == active.count()
    for stats in RecommendationStats.objects.filter(consultation=consultation):
        mine = active.filter(recommendation_id=stats.recommendation_id)
        assert (
            stats.comment_count == counted.filter(recommendation_id=stats.recommendation_id).count()
        )
        assert stats.support_count == mine.filter(stance=Stance.SUPPORT).count()
        assert stats.reservations_count == mine.filter(stance=Stance.RESERVATIONS).count()
        assert stats.oppose_count == mine.filter(stance=Stance.OPPOSE).count()
    roots = comments.filter(root__isnull=True).annotate(
        live=Count("thread_replies", filter=Q(thread_replies__deleted_at__isnull=True))
    )
    assert all(root.reply_count == root.live for root in roots)
    authors = set(comments.values_list("author_id", flat=True))
    endorsers = set(
        Endorsement.objects.filter(consultation=consultation).values_list(
            "created_by_id", flat=True
        )
    )
    assert set(
        PersonParticipation.objects.filter(consultation=consultation).values_list(
            "user_id", flat=True
        )
    ) == (authors | endorsers) - {None}
    organisations = set(
        comments.exclude(organisation=None).values_list("organisation_id", flat=True)
    ) | set(
        Endorsement.objects.filter(consultation=consultation).values_list(
            "organisation_id", flat=True
        )
    )
    assert (
        set(
            OrganisationParticipation.objects.filter(consultation=consultation).values_list(
                "organisation_id", flat=True
            )
        )
        == organisations
    )


def test_hot_recommendations_draw_most_comments():
    generate(scale=0.02)
    stats = list(RecommendationStats.objects.order_by("-comment_count"))
    top = sum(s.comment_count for s in stats[:7])
    assert top > sum(s.comment_count for s in stats) * 0.3


class _Rollback(Exception):
    pass


def _comment_shape():
    return [
        (slug, body, parent is not None)
        for slug, body, parent in Comment.objects.order_by("pk").values_list(
            "recommendation__slug", "body", "parent_id"
        )
    ]


def test_same_seed_same_data():
    try:
        with transaction.atomic():
            generate(scale=0.01, seed=3)
            first = _comment_shape()
            raise _Rollback
    except _Rollback:
        pass
    assert not Comment.objects.exists()
    generate(scale=0.01, seed=3)
    assert _comment_shape() == first


def test_second_run_writes_nothing_and_describe_prints_the_pool():
    generate(scale=0.01)
    assert "already present" in generate(scale=0.01)
    out = io.StringIO()
    call_command("generate_load_data", describe=True, stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["consultation"] == Consultation.objects.get(title=LOAD_TITLE).pk
    assert summary["hot"]
    assert summary["people"][0] == "person0@load.example"
