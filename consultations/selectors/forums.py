"""Reads for consultations: lists, lookups, participation figures."""

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import OrganisationKind, User
from core.page_cache import ANYONE, versioned
from recommendations.models import Recommendation

from ..models import (
    Consultation,
    ConsultationScope,
    OrganisationParticipation,
    PersonParticipation,
    RecommendationStats,
)
from ..rules import (
    consultation_moderator_ids,
)
from ._common import (
    GENDER_GROUPS,
    GENDER_LABELS,
    GENDER_MIN_CELL,
    GENDER_MIN_TOTAL,
)


def consultation_list() -> QuerySet[Consultation]:
    return Consultation.objects.select_related("forum").order_by("-closes_at", "-id")


def participated_consultation_ids(*, user: User) -> set[int]:
    """The consultations a person has written in, fetched once per user object.

    The signed-in person comes from the cache with it (portal.auth): a
    participation recorded or deleted bumps their version.
    """
    known = getattr(user, "_portal_participations", None)
    if known is None:
        known = set(
            PersonParticipation.objects.filter(user=user).values_list("consultation_id", flat=True)
        )
        user._portal_participations = known
    return known


def consultation_get(*, pk: int, cached: bool = False) -> Consultation:
    """One consultation with its Forum and its moderators' ids (for the rules).

    With ``cached``, from the shared cache until the consultation, its
    moderators or its Forum meeting change: for pages, not for services.
    """
    if cached:
        return versioned(
            "consultation",
            pk,
            audience=ANYONE,
            depends_on=["names", f"consultation-meta:{pk}"],
            compute=lambda: consultation_get(pk=pk),
        )
    consultation = Consultation.objects.select_related("forum").get(pk=pk)
    consultation_moderator_ids(consultation)
    return consultation


def consultation_recommendations(*, consultation: Consultation) -> QuerySet[Recommendation]:
    """The recommendations in scope, in the report's order."""
    recommendations = Recommendation.objects.select_related("session")
    if consultation.scope == ConsultationScope.SESSIONS:
        recommendations = recommendations.filter(session__in=consultation.sessions.values("pk"))
    elif consultation.scope == ConsultationScope.RECOMMENDATIONS:
        recommendations = recommendations.filter(pk__in=consultation.recommendations.values("pk"))
    return recommendations.order_by("session__number", "number")


def consultation_recommendation_rows(*, consultation: Consultation) -> list[Recommendation]:
    """Recommendations in scope, each with ``stats`` from the counters (two queries)."""
    recommendations = list(consultation_recommendations(consultation=consultation))
    stats = {
        row.recommendation_id: row
        for row in RecommendationStats.objects.filter(consultation=consultation)
    }
    for recommendation in recommendations:
        recommendation.stats = stats.get(recommendation.pk) or RecommendationStats(
            consultation=consultation, recommendation=recommendation
        )
    return recommendations


def recommendation_in_consultation(*, consultation: Consultation, slug: str) -> Recommendation:
    """A recommendation by slug, only if it is in the consultation's scope."""
    return consultation_recommendations(consultation=consultation).get(slug=slug)


def _gender_group(value: str) -> str:
    value = (value or "").strip().lower()
    for group, words in GENDER_GROUPS.items():
        if value in words:
            return group
    return "other"


def suppress_gender_counts(*, counts_by_value: dict[str, int]) -> list[tuple[str, int]]:
    """Aggregate self-described genders so that nobody's can be told.

    Values are mapped to a few groups (free text is never shown); groups under
    GENDER_MIN_CELL people are folded into "other or not stated", and so is the
    smallest named group while that combined cell is under GENDER_MIN_CELL.
    Every figure shown is then at least GENDER_MIN_CELL; with fewer than
    GENDER_MIN_TOTAL people, or a single group left, nothing is shown.
    """
    if sum(counts_by_value.values()) < GENDER_MIN_TOTAL:
        return []
    counts: dict[str, int] = {}
    for value, count in counts_by_value.items():
        group = _gender_group(value)
        counts[group] = counts.get(group, 0) + count
    shown: dict[str, int] = {"other": counts.pop("other", 0)}
    for group, count in counts.items():
        if count >= GENDER_MIN_CELL:
            shown[group] = count
        else:
            shown["other"] += count
    # The combined cell must be empty or large enough too: fold in the smallest
    # named group until it is.
    while 0 < shown["other"] < GENDER_MIN_CELL and len(shown) > 1:
        smallest = min((g for g in shown if g != "other"), key=lambda g: (shown[g], g))
        shown["other"] += shown.pop(smallest)
    if len([count for count in shown.values() if count]) < 2:
        # A single group would tell everyone's gender: show nothing.
        return []
    order = ["woman", "man", "non_binary", "other"]
    return [(str(GENDER_LABELS[g]), shown[g]) for g in order if shown.get(g)]


@dataclass
class ParticipationFigures:
    organisations: int = 0
    people: int = 0
    comments: int = 0
    endorsements: int = 0
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    by_region: list[tuple[str, int]] = field(default_factory=list)
    by_gender: list[tuple[str, int]] = field(default_factory=list)


def consultation_figures(*, consultation: Consultation) -> ParticipationFigures:
    """Participation figures from the participation rows and counters (three queries)."""
    kind_labels = dict(OrganisationKind.choices)
    organisations = OrganisationParticipation.objects.filter(consultation=consultation)
    by_kind_rows = (
        organisations.values("organisation__kind")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation__kind")
    )
    by_region_rows = (
        organisations.values("organisation__region")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation__region")
    )
    genders = {
        row["user__gender"] or "": row["n"]
        for row in PersonParticipation.objects.filter(consultation=consultation)
        .values("user__gender")
        .annotate(n=Count("id"))
        .order_by()
    }
    by_kind = [(str(kind_labels.get(r["organisation__kind"], "")), r["n"]) for r in by_kind_rows]
    by_region = [
        ((str(_(r["organisation__region"])) if r["organisation__region"] else ""), r["n"])
        for r in by_region_rows
    ]
    return ParticipationFigures(
        organisations=sum(n for _label, n in by_kind),
        people=sum(genders.values()),
        comments=consultation.comment_count,
        endorsements=consultation.endorsement_count,
        by_kind=by_kind,
        by_region=by_region,
        by_gender=suppress_gender_counts(counts_by_value=genders),
    )
