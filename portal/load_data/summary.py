"""What the rows add up to: the counters the services keep, and the ``--describe`` summary."""

from django.db import connection
from django.db.models import Count, Q

from accounts.models import Membership, MembershipRole
from consultations.models import (
    Comment,
    Consultation,
    Endorsement,
    OrganisationParticipation,
    PersonParticipation,
    RecommendationStats,
    Stance,
)

from ._common import BATCH, LOAD_DOMAIN, LOAD_PASSWORD, SIGNED_IN_POOL


def recount_consultation(consultation: Consultation) -> None:
    """Counters and participation rows of one consultation, computed from its rows in SQL."""
    comments = Comment.objects.filter(consultation=consultation)
    counted = comments.filter(deleted_at__isnull=True, hidden_at__isnull=True)
    active = Endorsement.objects.active().filter(consultation=consultation)
    stats: dict[int, RecommendationStats] = {}

    def row(recommendation_id):
        return stats.setdefault(
            recommendation_id,
            RecommendationStats(consultation=consultation, recommendation_id=recommendation_id),
        )

    for item in counted.values("recommendation_id").annotate(n=Count("id")).order_by():
        row(item["recommendation_id"]).comment_count = item["n"]
    for item in (
        active.values("recommendation_id")
        .annotate(
            support=Count("id", filter=Q(stance=Stance.SUPPORT)),
            reservations=Count("id", filter=Q(stance=Stance.RESERVATIONS)),
            oppose=Count("id", filter=Q(stance=Stance.OPPOSE)),
        )
        .order_by()
    ):
        entry = row(item["recommendation_id"])
        entry.support_count = item["support"]
        entry.reservations_count = item["reservations"]
        entry.oppose_count = item["oppose"]
    RecommendationStats.objects.filter(consultation=consultation).delete()
    RecommendationStats.objects.bulk_create(stats.values(), batch_size=BATCH)
    Consultation.objects.filter(pk=consultation.pk).update(
        comment_count=counted.count(), endorsement_count=active.count()
    )
    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        # A reply counts on its thread until it is deleted (hiding keeps it counted).
        cursor.execute(
            f"UPDATE {table} SET reply_count = (SELECT COUNT(*) FROM {table} AS r"  # noqa: S608
            f" WHERE r.root_id = {table}.id AND r.deleted_at IS NULL)"
            " WHERE consultation_id = %s AND root_id IS NULL",
            [consultation.pk],
        )
    people = set(comments.values_list("author_id", flat=True).distinct())
    people |= set(
        Endorsement.objects.filter(consultation=consultation)
        .values_list("created_by_id", flat=True)
        .distinct()
    )
    people.discard(None)
    organisations = set(
        comments.exclude(organisation=None).values_list("organisation_id", flat=True).distinct()
    )
    organisations |= set(
        Endorsement.objects.filter(consultation=consultation)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    PersonParticipation.objects.filter(consultation=consultation).delete()
    OrganisationParticipation.objects.filter(consultation=consultation).delete()
    PersonParticipation.objects.bulk_create(
        [PersonParticipation(consultation=consultation, user_id=pk) for pk in sorted(people)],
        batch_size=BATCH,
    )
    OrganisationParticipation.objects.bulk_create(
        [
            OrganisationParticipation(consultation=consultation, organisation_id=pk)
            for pk in sorted(organisations)
        ],
        batch_size=BATCH,
    )


def load_summary(consultation: Consultation) -> dict:
    """What the benchmark needs to know about the load consultation."""
    stats = list(
        RecommendationStats.objects.filter(consultation=consultation)
        .select_related("recommendation")
        .order_by("-comment_count", "recommendation_id")
    )
    people = [f"person{index}@{LOAD_DOMAIN}" for index in range(SIGNED_IN_POOL)]
    represented = dict(
        Membership.objects.filter(
            user__email__in=people, role=MembershipRole.REPRESENTATIVE
        ).values_list("user__email", "organisation_id")
    )
    people = [email for email in people if email in represented]
    return {
        "consultation": consultation.pk,
        "hot": [s.recommendation.slug for s in stats[:5]],
        "recommendations": [s.recommendation.slug for s in stats],
        "password": LOAD_PASSWORD,
        "people": people,
        "organisations": [represented[email] for email in people],
        "comments": consultation.comment_count,
        "endorsements": consultation.endorsement_count,
    }
