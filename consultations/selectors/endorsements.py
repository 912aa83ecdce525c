"""Reads for stances: tallies, statements, histories."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from accounts.models import OrganisationKind
from core.page_cache import ANYONE, versioned
from recommendations.models import Recommendation

from ..models import (
    Consultation,
    Endorsement,
    EndorsementChange,
    RecommendationStats,
    Stance,
)
from ._common import _Counted
from .comments import (
    discussion_versions,
)


@dataclass
class Tally:
    support: int = 0
    reservations: int = 0
    oppose: int = 0
    by_kind: list[dict] = field(default_factory=list)
    by_region: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.support + self.reservations + self.oppose


def _breakdown(rows, key: str, labels: dict | None = None) -> list[dict]:
    table: dict[str, dict] = {}
    for row in rows:
        name = row[key] or ""
        label = str(labels.get(name, name)) if labels else str(_(name))
        entry = table.setdefault(
            name, {"label": label, Stance.SUPPORT: 0, Stance.RESERVATIONS: 0, Stance.OPPOSE: 0}
        )
        entry[row["stance"]] = row["n"]
    result = list(table.values())
    for entry in result:
        entry["support"] = entry.pop(Stance.SUPPORT)
        entry["reservations"] = entry.pop(Stance.RESERVATIONS)
        entry["oppose"] = entry.pop(Stance.OPPOSE)
        entry["total"] = entry["support"] + entry["reservations"] + entry["oppose"]
    return sorted(result, key=lambda e: (-e["total"], e["label"]))


def recommendation_tally(
    *, consultation: Consultation, recommendation: Recommendation, cached: bool = False
) -> Tally:
    """Tallies by stance (counters) and by kind and region (three queries, none on a hit)."""
    if cached:
        return versioned(
            "tally",
            (consultation.pk, recommendation.pk),
            audience=ANYONE,
            depends_on=discussion_versions(
                consultation=consultation, recommendation=recommendation
            ),
            compute=lambda: recommendation_tally(
                consultation=consultation, recommendation=recommendation
            ),
        )
    stats = RecommendationStats.objects.filter(
        consultation=consultation, recommendation=recommendation
    ).first()
    active = Endorsement.objects.active().filter(
        consultation=consultation, recommendation=recommendation
    )
    by_kind = active.values("organisation__kind", "stance").annotate(n=Count("id")).order_by()
    by_region = active.values("organisation__region", "stance").annotate(n=Count("id")).order_by()
    return Tally(
        support=stats.support_count if stats else 0,
        reservations=stats.reservations_count if stats else 0,
        oppose=stats.oppose_count if stats else 0,
        by_kind=_breakdown(by_kind, "organisation__kind", dict(OrganisationKind.choices)),
        by_region=_breakdown(by_region, "organisation__region"),
    )


def endorsement_list(
    *, consultation: Consultation, recommendation: Recommendation
) -> list[Endorsement]:
    """Active endorsements with their organisations and co-signed statements (one query)."""
    return list(
        Endorsement.objects.active()
        .filter(consultation=consultation, recommendation=recommendation)
        .select_related("organisation", "cosigned__organisation")
        .order_by("stance", "created_at", "id")
    )


STATEMENTS_PER_PAGE = 25


def endorsement_page(
    *,
    consultation: Consultation,
    recommendation: Recommendation,
    page_number: int | str = 1,
    per_page: int = STATEMENTS_PER_PAGE,
    cached: bool = False,
) -> Page:
    """One page of the active endorsements, in endorsement_list's order (three queries).

    The number of stances comes from the recommendation's counters.

    A hot recommendation gathers thousands of stances: the page shows them a
    page at a time, so its weight and rendering time do not grow with them.
    The page's ids are found first, on the partial index alone, and only those
    rows are joined to their organisations: joining first made the planner
    sort every stance of the recommendation for a deep page (30 ms at page 50
    of 2,300 stances, against 2 ms this way).
    """
    order = ("stance", "created_at", "id")

    def load() -> dict:
        # How many there are comes from the counters the services keep: a COUNT
        # of the stances grows with them (8 ms for 23,000 at scale 10).
        counters = RecommendationStats.objects.filter(
            consultation=consultation, recommendation=recommendation
        ).first()
        ids = (
            Endorsement.objects.active()
            .filter(consultation=consultation, recommendation=recommendation)
            .order_by(*order)
            .values_list("id", flat=True)
        )
        paginator = Paginator(ids, per_page)
        paginator.count = counters.endorsement_total if counters else 0  # not counted
        page = paginator.get_page(page_number)
        rows = (
            Endorsement.objects.filter(id__in=list(page.object_list))
            .select_related("organisation", "cosigned__organisation")
            .order_by(*order)
        )
        return {"count": page.paginator.count, "number": page.number, "rows": list(rows)}

    if cached:
        data = versioned(
            "statements",
            (consultation.pk, recommendation.pk),
            audience=ANYONE,
            depends_on=discussion_versions(
                consultation=consultation, recommendation=recommendation
            ),
            variant=(page_number, per_page),
            compute=load,
        )
    else:
        data = load()
    page = Paginator(_Counted(data["count"]), per_page).page(data["number"])
    page.object_list = data["rows"]
    return page


def endorsement_page_organisation_ids(
    *, consultation: Consultation, recommendation: Recommendation, page_number: int | str = 1
) -> list[int]:
    """Which organisations' stances a page of statements shows, from the shared cache."""
    return versioned(
        "statement-organisations",
        (consultation.pk, recommendation.pk),
        audience=ANYONE,
        depends_on=discussion_versions(consultation=consultation, recommendation=recommendation),
        variant=(page_number,),
        compute=lambda: [
            endorsement.organisation_id
            for endorsement in endorsement_page(
                consultation=consultation,
                recommendation=recommendation,
                page_number=page_number,
                cached=True,
            ).object_list
        ],
    )


def endorsement_history(*, endorsement: Endorsement) -> list[EndorsementChange]:
    return list(endorsement.changes.select_related("by").order_by("created_at", "id"))
