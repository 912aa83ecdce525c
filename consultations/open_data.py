"""A consultation's public data, streamed as JSON or CSV for reuse under CC BY 4.0.

Only what any visitor sees: organisations by their public names (at-risk ones
as "an organisation from <region>"), no hidden or deleted comment text, no
email address. Rows are read with ``iterator()``, so memory and queries stay
constant whatever the size of the debate.
"""

import csv
import json
from collections.abc import Iterator

from django.core.serializers.json import DjangoJSONEncoder

from core.api import LICENSE, LICENSE_URL

from .models import Comment, Consultation, Endorsement
from .selectors import consultation_recommendation_rows

CHUNK_SIZE = 500
CSV_TABLES = ("recommendations", "endorsements", "comments")
# Spreadsheets run cells starting with these as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _consultation_record(consultation: Consultation) -> dict:
    return {
        "id": consultation.pk,
        "title": consultation.title,
        "forum": consultation.forum.name,
        "opens_at": consultation.opens_at,
        "closes_at": consultation.closes_at,
        "status": consultation.status,
    }


def _recommendation_records(consultation: Consultation) -> Iterator[dict]:
    for recommendation in consultation_recommendation_rows(consultation=consultation):
        stats = recommendation.stats
        yield {
            "recommendation": recommendation.slug,
            "citation": recommendation.citation,
            "title": recommendation.title,
            "comments": stats.comment_count,
            "support": stats.support_count,
            "reservations": stats.reservations_count,
            "oppose": stats.oppose_count,
        }


def _endorsement_records(consultation: Consultation) -> Iterator[dict]:
    endorsements = (
        Endorsement.objects.active()
        .filter(consultation=consultation)
        .select_related("organisation", "recommendation")
        .order_by("recommendation__session__number", "recommendation__number", "id")
    )
    for endorsement in endorsements.iterator(chunk_size=CHUNK_SIZE):
        organisation = endorsement.organisation
        yield {
            "id": endorsement.pk,
            "recommendation": endorsement.recommendation.slug,
            "organisation": organisation.public_name,
            # As in the consolidated exports: an at-risk organisation by its region only.
            "organisation_kind": "" if organisation.is_at_risk else organisation.kind,
            "organisation_region": organisation.region,
            "stance": endorsement.stance,
            "statement": endorsement.statement,
            "updated_at": endorsement.updated_at,
        }


def _comment_records(consultation: Consultation) -> Iterator[dict]:
    """Visible comments with their text; hidden ones as placeholders; deleted ones left out."""
    comments = (
        Comment.objects.filter(consultation=consultation, deleted_at__isnull=True)
        .select_related("author", "organisation", "recommendation")
        .order_by("created_at", "id")
    )
    for comment in comments.iterator(chunk_size=CHUNK_SIZE):
        hidden = comment.hidden_at is not None
        yield {
            "id": comment.pk,
            "recommendation": comment.recommendation.slug,
            "thread": comment.thread_id,
            "parent": comment.parent_id,
            "author": str(comment.author) if comment.author else "a former participant",
            "organisation": comment.organisation.public_name if comment.organisation else "",
            "hidden": hidden,
            "body": "" if hidden else comment.body,
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
        }


def _dumps(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def _json_array(records: Iterator[dict]) -> Iterator[str]:
    yield "["
    for index, record in enumerate(records):
        yield ("," if index else "") + _dumps(record)
    yield "]"


def stream_json(consultation: Consultation) -> Iterator[str]:
    yield '{"license": ' + _dumps({"name": LICENSE, "url": LICENSE_URL})
    yield ', "consultation": ' + _dumps(_consultation_record(consultation))
    yield ', "recommendations": '
    yield from _json_array(_recommendation_records(consultation))
    yield ', "endorsements": '
    yield from _json_array(_endorsement_records(consultation))
    yield ', "comments": '
    yield from _json_array(_comment_records(consultation))
    yield "}\n"


class _Echo:
    def write(self, value):
        return value


def stream_csv(consultation: Consultation, table: str) -> Iterator[str]:
    """One table as CSV for spreadsheets: UTF-8 with a byte order mark."""
    records = {
        "recommendations": _recommendation_records,
        "endorsements": _endorsement_records,
        "comments": _comment_records,
    }[table](consultation)
    writer = csv.writer(_Echo())
    yield "\ufeff"
    header_written = False
    for record in records:
        if not header_written:
            yield writer.writerow(list(record))
            header_written = True
        yield writer.writerow([safe_cell(value) for value in record.values()])
    if not header_written:
        yield writer.writerow(_EMPTY_HEADERS[table])


_EMPTY_HEADERS = {
    "recommendations": [
        "recommendation",
        "citation",
        "title",
        "comments",
        "support",
        "reservations",
        "oppose",
    ],
    "endorsements": [
        "id",
        "recommendation",
        "organisation",
        "organisation_kind",
        "organisation_region",
        "stance",
        "statement",
        "updated_at",
    ],
    "comments": [
        "id",
        "recommendation",
        "thread",
        "parent",
        "author",
        "organisation",
        "hidden",
        "body",
        "created_at",
        "edited_at",
    ],
}
