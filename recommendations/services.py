"""Writes to the report's data: the import, and moderators' theme edits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.permissions import require_perm

from .importer import ParsedReport
from .models import Example, Recommendation, Report, Session, Theme
from .themes import theme_slugs_for

CREATED, UPDATED, UNCHANGED, DELETED = "created", "updated", "unchanged", "deleted"


@dataclass
class ImportSummary:
    """What an import created, updated, left unchanged or deleted, per kind of row."""

    counts: dict[str, Counter] = field(default_factory=dict)
    # Rows in the database that the file no longer holds: kept, since debate hangs off them.
    missing: list[str] = field(default_factory=list)

    def add(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def count(self, kind: str, outcome: str) -> int:
        return self.counts.get(kind, Counter())[outcome]

    @property
    def changed(self) -> bool:
        return any(
            counter[outcome]
            for counter in self.counts.values()
            for outcome in (CREATED, UPDATED, DELETED)
        )

    def lines(self) -> list[str]:
        lines = []
        for kind in ("report", "themes", "sessions", "recommendations", "examples", "theme tags"):
            counter = self.counts.get(kind, Counter())
            parts = [
                f"{counter[outcome]} {outcome}"
                for outcome in (CREATED, UPDATED, UNCHANGED, DELETED)
                if counter[outcome] or outcome != DELETED
            ]
            lines.append(f"{kind}: " + ", ".join(parts))
        lines.extend(f"kept, but no longer in the file: {label}" for label in self.missing)
        return lines


def _check_may_import(by) -> None:
    # None is the system itself (the import_report command, make run).
    if by is not None:
        require_perm(
            by, "recommendations.import_report", message=_("Only moderators can import the report.")
        )


def _sync(instance, values: dict) -> str:
    """Set ``values`` on ``instance`` and save it when any of them differs."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        return UNCHANGED
    for name in changed:
        setattr(instance, name, values[name])
    instance.updated_at = timezone.now()
    instance.save(update_fields=[*changed, "updated_at"])
    return UPDATED


@transaction.atomic
def report_import(*, parsed: ParsedReport, by: AbstractBaseUser | None = None) -> ImportSummary:
    """Create or update the report's rows from its parsed text, keyed by natural keys.

    Ids and slugs of existing rows never change; a second run with the same
    file writes nothing. Themes a moderator has edited are left alone.
    """
    _check_may_import(by)
    summary = ImportSummary()

    report_values = {
        "title": parsed.title,
        "publisher": parsed.publisher,
        "year": parsed.year,
        "publication_date": parsed.publication_date,
        "source_sha256": parsed.source_sha256,
    }
    report = Report.objects.filter(isbn=parsed.isbn).first()
    if report is None:
        report = Report.objects.create(isbn=parsed.isbn, **report_values)
        summary.add("report", CREATED)
    else:
        summary.add("report", _sync(report, report_values))

    themes = {theme.slug: theme for theme in Theme.objects.all()}
    for parsed_theme in parsed.themes:
        values = {
            "name": parsed_theme.name,
            "description": parsed_theme.description,
            "order": parsed_theme.order,
        }
        theme = themes.get(parsed_theme.slug)
        if theme is None:
            themes[parsed_theme.slug] = Theme.objects.create(slug=parsed_theme.slug, **values)
            summary.add("themes", CREATED)
        else:
            summary.add("themes", _sync(theme, values))

    sessions = {session.number: session for session in report.sessions.all()}
    recommendations = {
        (rec.session.number, rec.number): rec
        for rec in Recommendation.objects.filter(session__report=report)
        .select_related("session")
        .prefetch_related("themes")
    }
    examples = {
        (example.recommendation_id, example.order): example
        for example in Example.objects.filter(recommendation__session__report=report)
    }
    seen_recommendations = set()

    for parsed_session in parsed.sessions:
        values = {
            "title": parsed_session.title,
            "summary": parsed_session.summary,
            "background": parsed_session.background,
            "policy_challenges": parsed_session.policy_challenges,
        }
        session = sessions.get(parsed_session.number)
        if session is None:
            session = Session.objects.create(
                report=report,
                number=parsed_session.number,
                slug=parsed_session.slug,
                **values,
            )
            summary.add("sessions", CREATED)
        else:
            summary.add("sessions", _sync(session, values))

        for parsed_rec in parsed_session.recommendations:
            key = (parsed_session.number, parsed_rec.number)
            seen_recommendations.add(key)
            values = {
                "title": parsed_rec.title,
                "body": parsed_rec.body,
                "citation": parsed_rec.citation(parsed_session.number),
            }
            rec = recommendations.get(key)
            if rec is None:
                rec = Recommendation.objects.create(
                    session=session,
                    number=parsed_rec.number,
                    slug=parsed_rec.slug(parsed_session.number),
                    **values,
                )
                current_theme_ids = set()
                summary.add("recommendations", CREATED)
            else:
                summary.add("recommendations", _sync(rec, values))
                current_theme_ids = {theme.pk for theme in rec.themes.all()}

            if not rec.themes_curated:
                wanted = theme_slugs_for(
                    title=parsed_rec.title, body=parsed_rec.body, examples=parsed_rec.examples
                )
                wanted_ids = {themes[slug].pk for slug in wanted if slug in themes}
                if wanted_ids != current_theme_ids:
                    rec.themes.set(wanted_ids)
                    summary.add("theme tags", CREATED if not current_theme_ids else UPDATED)
                else:
                    summary.add("theme tags", UNCHANGED)
            else:
                summary.add("theme tags", UNCHANGED)

            for order, body in enumerate(parsed_rec.examples, start=1):
                example = examples.pop((rec.pk, order), None)
                if example is None:
                    Example.objects.create(recommendation=rec, order=order, body=body)
                    summary.add("examples", CREATED)
                else:
                    summary.add("examples", _sync(example, {"body": body}))

    # Examples the file no longer has under their recommendation.
    if examples:
        Example.objects.filter(pk__in=[example.pk for example in examples.values()]).delete()
        for _example in examples.values():
            summary.add("examples", DELETED)

    parsed_numbers = {session.number for session in parsed.sessions}
    summary.missing.extend(
        str(session) for number, session in sessions.items() if number not in parsed_numbers
    )
    summary.missing.extend(
        str(rec) for key, rec in recommendations.items() if key not in seen_recommendations
    )
    return summary


@transaction.atomic
def recommendation_themes_set(
    *, recommendation: Recommendation, themes: Iterable[Theme | int], by: AbstractBaseUser
) -> Recommendation:
    """A moderator sets a recommendation's themes; re-imports then leave them alone."""
    require_perm(
        by,
        "recommendations.curate_recommendation",
        recommendation,
        message=_("Only moderators can change the themes of a recommendation."),
    )
    recommendation.themes.set(themes)
    if not recommendation.themes_curated:
        recommendation.themes_curated = True
        recommendation.updated_at = timezone.now()
        recommendation.save(update_fields=["themes_curated", "updated_at"])
    return recommendation


@transaction.atomic
def recommendation_themes_reset(
    *, recommendation: Recommendation, by: AbstractBaseUser
) -> Recommendation:
    """Hand a recommendation's themes back to the rules and apply them now."""
    require_perm(
        by,
        "recommendations.curate_recommendation",
        recommendation,
        message=_("Only moderators can change the themes of a recommendation."),
    )
    examples = [example.body for example in recommendation.examples.all()]
    slugs = theme_slugs_for(title=recommendation.title, body=recommendation.body, examples=examples)
    recommendation.themes.set(Theme.objects.filter(slug__in=slugs))
    recommendation.themes_curated = False
    recommendation.updated_at = timezone.now()
    recommendation.save(update_fields=["themes_curated", "updated_at"])
    return recommendation
