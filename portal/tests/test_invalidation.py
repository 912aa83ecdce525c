"""Writes invalidate the cached pages that show them, whichever way they are made."""

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from consultations.models import Comment, Consultation, RecommendationStats
from consultations.tests.factories import (
    CommentFactory,
    ConsultationFactory,
    RecommendationFactory,
    UserFactory,
)
from core.page_cache import VERSION_PREFIX
from core.querysets import rows_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def debate():
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    consultation.recommendations.add(recommendation)
    return consultation, recommendation


def served(url) -> tuple[str, str]:
    response = Client().get(url)
    return response["X-Page-Cache"], response.content.decode()


def debate_url(consultation, recommendation) -> str:
    return reverse(
        "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
    )


def test_a_queryset_update_invalidates_the_pages_that_show_its_rows(
    debate, django_capture_on_commit_callbacks
):
    consultation, recommendation = debate
    comment = CommentFactory(
        consultation=consultation, recommendation=recommendation, body="Before the update."
    )
    url = debate_url(consultation, recommendation)
    served(url)
    assert served(url)[0] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        # No row named: the rows the filter matches are read before the update.
        Comment.objects.filter(body="Before the update.").update(body="After the update.")
    state, content = served(url)
    assert state == "miss"
    assert "After the update." in content
    assert comment.pk


def test_an_update_whose_filter_no_longer_matches_afterwards_still_invalidates(
    debate, django_capture_on_commit_callbacks
):
    consultation, recommendation = debate
    CommentFactory(consultation=consultation, recommendation=recommendation, body="Old words.")
    url = debate_url(consultation, recommendation)
    served(url)
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.filter(body="Old words.").update(body="New words.")
    assert "New words." in served(url)[1]


def test_naming_the_rows_saves_the_read_and_still_invalidates(
    debate, django_assert_num_queries, django_capture_on_commit_callbacks
):
    consultation, recommendation = debate
    url = reverse("consultations:consultation-detail", args=[consultation.pk])
    served(url)
    assert served(url)[0] == "hit"
    with django_assert_num_queries(1), django_capture_on_commit_callbacks(execute=True):
        Consultation.objects.of(consultation).update(comment_count=F("comment_count") + 5)
    assert served(url)[0] == "miss"


def test_an_unnamed_update_reads_its_rows_once_only_when_someone_listens(
    debate, django_assert_num_queries
):
    consultation, recommendation = debate
    with django_assert_num_queries(2):
        Consultation.objects.filter(pk=consultation.pk).update(comment_count=1)
    assert rows_written.has_listeners(Consultation)


def test_bulk_create_invalidates_like_save(debate, django_capture_on_commit_callbacks):
    consultation, recommendation = debate
    url = debate_url(consultation, recommendation)
    served(url)
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.bulk_create(
            [
                Comment(
                    consultation=consultation,
                    recommendation=recommendation,
                    author=UserFactory(),
                    body="Made in bulk.",
                )
            ]
        )
        RecommendationStats.objects.get_or_create(
            consultation=consultation, recommendation=recommendation
        )
    assert "Made in bulk." in served(url)[1]


@pytest.mark.parametrize("side", ["consultation", "moderator"])
def test_a_change_of_moderators_from_either_side_invalidates_the_consultation(
    side, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    consultation = ConsultationFactory()
    moderator = UserFactory()
    consultation.moderators.add(moderator)
    name = VERSION_PREFIX + f"consultation-meta:{consultation.pk}"
    served(reverse("consultations:consultation-detail", args=[consultation.pk]))
    before = cache.get(name)
    assert before is not None
    with django_capture_on_commit_callbacks(execute=True):
        if side == "consultation":
            consultation.moderators.clear()
        else:
            moderator.moderated_consultations.clear()
    assert cache.get(name) != before
