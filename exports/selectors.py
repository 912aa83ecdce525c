"""Reads for consolidated documents: one structured dict per consultation, in fixed queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationKind, User
from consultations.models import (
    Consultation,
    Endorsement,
    OrganisationParticipation,
    Stance,
    Synthesis,
)
from consultations.selectors import (
    consultation_figures,
    consultation_recommendation_rows,
)
from consultations.selectors.endorsements import _breakdown

from .models import EXPORT_LANGUAGES, ConsolidatedExport, ExportFormat, ExportStatus

SCHEMA_ID = "https://gfmd-portal.example/schemas/consolidated/1"
STANCE_ORDER = [Stance.SUPPORT, Stance.RESERVATIONS, Stance.OPPOSE]
# Positions that stand behind a text: open for signature or final.
POSITION_STATUSES_SHOWN = ("open", "final")


def absolute_url(*, path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _organisation_entry(organisation: Organisation) -> dict:
    """How an organisation appears in an export: at-risk ones by region only, for everyone."""
    if organisation.is_at_risk:
        return {
            "name": organisation.public_name,
            "kind": "",
            "country": "",
            "region": (str(_(organisation.region)) if organisation.region else ""),
            "at_risk": True,
        }
    return {
        "name": organisation.name,
        "kind": str(OrganisationKind(organisation.kind).label) if organisation.kind else "",
        "country": str(organisation.country.name) if organisation.country else "",
        "region": (str(_(organisation.region)) if organisation.region else ""),
        "at_risk": False,
    }


def _positions(consultation: Consultation) -> tuple[bool, list[dict]]:
    """Shown positions with their signatories (four queries), if the positions app is there."""
    if not apps.is_installed("positions"):
        return False, []
    try:
        position_model = apps.get_model("positions", "Position")
        revision_model = apps.get_model("positions", "PositionRevision")
        signature_model = apps.get_model("positions", "Signature")
    except LookupError:
        return False, []
    positions = list(
        position_model.objects.filter(consultation=consultation, status__in=POSITION_STATUSES_SHOWN)
        .select_related("lead_organisation")
        .prefetch_related(
            Prefetch("recommendations", to_attr="export_recommendations"),
            Prefetch(
                "signatures",
                queryset=signature_model.objects.filter(withdrawn_at__isnull=True)
                .select_related("organisation")
                .order_by("created_at", "id"),
                to_attr="export_signatures",
            ),
        )
        .order_by("title", "id")
    )
    wanted = {(p.pk, p.current_number) for p in positions if p.current_number}
    bodies = {}
    if wanted:
        for revision in revision_model.objects.filter(
            position__in=[pk for pk, _n in wanted],
            number__in={n for _pk, n in wanted},
        ).only("position_id", "number", "body"):
            if (revision.position_id, revision.number) in wanted:
                bodies[revision.position_id] = revision.body
    result = []
    for position in positions:
        result.append(
            {
                "id": position.pk,
                "title": position.title,
                "status": position.status,
                "status_label": str(position.get_status_display()),
                "revision": position.current_number,
                "url": absolute_url(path=position.get_absolute_url()),
                "lead_organisation": _organisation_entry(position.lead_organisation)["name"],
                "recommendations": [r.citation for r in position.export_recommendations],
                "signatories": [
                    _organisation_entry(s.organisation) for s in position.export_signatures
                ],
                "body": bodies.get(position.pk, "") if position.status == "final" else "",
            }
        )
    return True, result


def consolidated_content(*, consultation: Consultation) -> dict:
    """The full structured content of a consultation's consolidated document.

    A fixed number of queries whatever the size. Figures come from the same
    selectors and counters as the consultation pages; tally breakdowns use the
    pages' own grouping (``_breakdown``), over one grouped query for all
    recommendations instead of two per recommendation.
    """
    forum = consultation.forum
    figures = consultation_figures(consultation=consultation)
    recommendations = consultation_recommendation_rows(consultation=consultation)
    in_scope = [r.pk for r in recommendations]

    syntheses = {
        s.recommendation_id: s.body
        for s in Synthesis.objects.filter(consultation=consultation, recommendation__in=in_scope)
    }
    active = Endorsement.objects.active().filter(consultation=consultation)
    kind_labels = dict(OrganisationKind.choices)
    by_kind_rows: dict[int, list] = defaultdict(list)
    for row in (
        active.values("recommendation_id", "organisation__kind", "stance")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_kind_rows[row["recommendation_id"]].append(row)
    by_region_rows: dict[int, list] = defaultdict(list)
    for row in (
        active.values("recommendation_id", "organisation__region", "stance")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_region_rows[row["recommendation_id"]].append(row)

    stance_rank = {stance: index for index, stance in enumerate(STANCE_ORDER)}
    stance_labels = dict(Stance.choices)
    endorsements: dict[int, list] = defaultdict(list)
    for endorsement in (
        active.select_related("organisation", "cosigned__organisation")
        .only(
            "recommendation_id",
            "stance",
            "statement",
            "created_at",
            "cosigned_id",
            "organisation__name",
            "organisation__kind",
            "organisation__country",
            "organisation__region",
            "organisation__is_at_risk",
            "cosigned__organisation__name",
            "cosigned__organisation__region",
            "cosigned__organisation__is_at_risk",
        )
        .order_by("created_at", "id")
    ):
        entry = _organisation_entry(endorsement.organisation)
        cosigned = endorsement.cosigned
        endorsements[endorsement.recommendation_id].append(
            {
                "organisation": entry["name"],
                "kind": entry["kind"],
                "country": entry["country"],
                "region": entry["region"],
                "stance": endorsement.stance,
                "stance_label": str(stance_labels.get(endorsement.stance, endorsement.stance)),
                "statement": endorsement.statement,
                "cosigned_statement_of": (
                    cosigned.organisation.public_name if cosigned is not None else ""
                ),
            }
        )
    for rows in endorsements.values():
        rows.sort(key=lambda e: (stance_rank.get(e["stance"], 9), e["organisation"].lower()))

    positions_available, positions = _positions(consultation)
    positions_by_citation: dict[str, list] = defaultdict(list)
    for position in positions:
        for citation in position["recommendations"]:
            positions_by_citation[citation].append(position)

    organisations = sorted(
        (
            _organisation_entry(p.organisation)
            for p in OrganisationParticipation.objects.filter(
                consultation=consultation
            ).select_related("organisation")
        ),
        key=lambda e: (e["at_risk"], e["name"].lower()),
    )

    sessions: list[dict] = []
    current = None
    for recommendation in recommendations:
        session = recommendation.session
        if current is None or current["number"] != session.number:
            current = {"number": session.number, "title": session.title, "recommendations": []}
            sessions.append(current)
        stats = recommendation.stats
        debate_path = reverse(
            "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
        )
        current["recommendations"].append(
            {
                "citation": recommendation.citation,
                "title": recommendation.title,
                "synthesis": syntheses.get(recommendation.pk, ""),
                "tally": {
                    "support": stats.support_count,
                    "reservations": stats.reservations_count,
                    "oppose": stats.oppose_count,
                    "total": stats.endorsement_total,
                    "by_kind": _breakdown(
                        by_kind_rows.get(recommendation.pk, []), "organisation__kind", kind_labels
                    ),
                    "by_region": _breakdown(
                        by_region_rows.get(recommendation.pk, []), "organisation__region"
                    ),
                },
                "endorsements": endorsements.get(recommendation.pk, []),
                "comment_count": stats.comment_count,
                "debate_url": absolute_url(path=debate_path),
                "positions": [
                    {
                        "id": p["id"],
                        "title": p["title"],
                        "status_label": p["status_label"],
                        "url": p["url"],
                        "signatories": [s["name"] for s in p["signatories"]],
                    }
                    for p in positions_by_citation.get(recommendation.citation, [])
                ],
            }
        )

    return {
        "$schema": SCHEMA_ID,
        "consultation": {
            "id": consultation.pk,
            "title": consultation.title,
            "url": absolute_url(path=consultation.get_absolute_url()),
            "opens_at": consultation.opens_at.isoformat(),
            "closes_at": consultation.closes_at.isoformat(),
            "forum": {
                "name": forum.name,
                "city": forum.city,
                "country": str(forum.country.name) if forum.country else "",
                "starts_on": forum.starts_on.isoformat(),
                "ends_on": forum.ends_on.isoformat(),
            },
        },
        "participation": {
            "organisations": figures.organisations,
            "people": figures.people,
            "comments": figures.comments,
            "endorsements": figures.endorsements,
            "by_kind": [{"label": label, "count": n} for label, n in figures.by_kind],
            "by_region": [{"label": label, "count": n} for label, n in figures.by_region],
            "by_gender": [{"label": label, "count": n} for label, n in figures.by_gender],
        },
        "sessions": sessions,
        "positions_available": positions_available,
        "positions": positions,
        "organisations": organisations,
    }


def export_versions(*, consultation: Consultation) -> QuerySet[ConsolidatedExport]:
    """Published files of a consultation, newest version first (one query)."""
    return ConsolidatedExport.objects.filter(
        consultation=consultation, version__isnull=False
    ).order_by("-version", "language", "id")


def versions_by_language(
    *, exports: Iterable[ConsolidatedExport], language: str
) -> list[tuple[int, list[tuple[str, str, list[ConsolidatedExport]]]]]:
    """Published files grouped by version (newest first), then by language.

    The reader's language comes first, then the others in the portal's order;
    formats keep the order of ``ExportFormat``.
    """
    names = dict(settings.LANGUAGES)
    order = [language] + [code for code in EXPORT_LANGUAGES if code != language]
    format_rank = {fmt: index for index, fmt in enumerate(ExportFormat.values)}
    versions: dict[int, dict[str, list]] = {}
    for export in exports:
        versions.setdefault(export.version, {}).setdefault(export.language, []).append(export)
    result = []
    for version in sorted(versions, reverse=True):
        languages = versions[version]
        groups = []
        for code in sorted(languages, key=lambda c: order.index(c) if c in order else 99):
            files = sorted(languages[code], key=lambda e: format_rank.get(e.format, 99))
            groups.append((code, str(names.get(code, code)), files))
        result.append((version, groups))
    return result


def export_latest_drafts(
    *, consultation: Consultation, language: str
) -> dict[str, ConsolidatedExport]:
    """The newest draft of each format in one language (one query)."""
    drafts: dict[str, ConsolidatedExport] = {}
    for export in ConsolidatedExport.objects.filter(
        consultation=consultation, version__isnull=True, language=language
    ).order_by("-created_at", "-id")[:50]:
        drafts.setdefault(export.format, export)
    return drafts


def export_get(*, pk: int) -> ConsolidatedExport:
    return ConsolidatedExport.objects.select_related("consultation__forum").get(pk=pk)


def ready_exports(*, consultation: Consultation) -> QuerySet[ConsolidatedExport]:
    return ConsolidatedExport.objects.filter(consultation=consultation, status=ExportStatus.READY)


def delegate_download_links(*, user: User | AnonymousUser) -> list[Consultation]:
    """Recent consultations whose downloads a delegate's home page links to (two queries)."""
    from accounts.rules import is_delegate

    if not is_delegate(user):
        return []
    return list(Consultation.objects.select_related("forum").order_by("-closes_at", "-id")[:5])
