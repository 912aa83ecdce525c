"""Turn the structured content of a consolidated document into each format."""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.regions import REGIONS
from core.documents import (
    BulletList,
    Document,
    Heading,
    KeyValue,
    PageBreak,
    Paragraph,
    Table,
    TableOfContents,
    blocks_from_markdown,
    bold,
    clean_text,
    italic,
    link,
)
from core.renderers import render_docx, render_pdf

from .models import ExportFormat

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    ExportFormat.PDF: "application/pdf",
    ExportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.JSON: "application/json",
}


@dataclass
class Edition:
    """What distinguishes one build of the same content: its version label and date."""

    version: int | None
    date: str
    language: str = "en"


# The language of stored snapshots: their labels are English msgids, translated when built.
SNAPSHOT_LANGUAGE = "en"
AT_RISK_NAME = gettext_noop("an organisation from %(region)s")


def _label(value: str) -> str:
    """A stored English label (kind, country, region, stance, status, gender) in the active
    language; unknown labels stay as they are. Never translates the empty string."""
    return _(value) if value else ""


class _Names:
    """Organisation names as shown in the active language: only at-risk names change."""

    def __init__(self, content: dict):
        regions = set(REGIONS)
        for entry in content.get("organisations", []):
            regions.add(entry.get("region", ""))
        self.names = {}
        for region in regions - {""}:
            english = AT_RISK_NAME % {"region": region}
            self.names[english] = _(AT_RISK_NAME) % {"region": _(region)}

    def __call__(self, name: str) -> str:
        return self.names.get(name, name)


def _organisation(entry: dict, names: _Names) -> dict:
    entry["name"] = names(entry["name"])
    for key in ("kind", "country", "region"):
        entry[key] = _label(entry.get(key, ""))
    return entry


def localise(content: dict) -> dict:
    """A copy of a snapshot's content with its labels in the active language.

    Keys and enum values (stance, status) stay the same in every language;
    organisations' and people's own words, recommendation titles and
    syntheses stay as written.
    """
    content = copy.deepcopy(content)
    names = _Names(content)
    forum = content["consultation"]["forum"]
    forum["country"] = _label(forum.get("country", ""))
    for key in ("by_kind", "by_region", "by_gender"):
        for row in content["participation"][key]:
            row["label"] = _label(row["label"])
    status_labels = {}
    for position in content["positions"]:
        position["status_label"] = _label(position["status_label"])
        status_labels[position["id"]] = position["status_label"]
        position["lead_organisation"] = names(position["lead_organisation"])
        for signatory in position["signatories"]:
            _organisation(signatory, names)
    for session in content["sessions"]:
        for rec in session["recommendations"]:
            for key in ("by_kind", "by_region"):
                for row in rec["tally"][key]:
                    row["label"] = _label(row["label"])
            for e in rec["endorsements"]:
                e["organisation"] = names(e["organisation"])
                e["cosigned_statement_of"] = names(e["cosigned_statement_of"])
                for key in ("kind", "country", "region", "stance_label"):
                    e[key] = _label(e[key])
            for p in rec["positions"]:
                p["status_label"] = status_labels.get(p["id"], _label(p["status_label"]))
                p["signatories"] = [names(n) for n in p["signatories"]]
    for organisation in content["organisations"]:
        _organisation(organisation, names)
    return content


def neutralise(value):
    """A cell that cannot run as a formula: text starting with = + - @ tab or CR gets a quote."""
    if isinstance(value, str):
        value = clean_text(value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def version_label(edition: Edition) -> str:
    if edition.version is None:
        return _("Live draft of %(date)s, not a published version.") % {"date": edition.date}
    return _("Version %(version)s, published %(date)s.") % {
        "version": edition.version,
        "date": edition.date,
    }


# ---------------------------------------------------------------- document (PDF, DOCX)


def _figures_table(rows: list[dict], header: str) -> Table:
    return Table([header, _("Count")], [[r["label"], str(r["count"])] for r in rows], [3, 1])


def _breakdown_table(rows: list[dict], header: str) -> Table:
    return Table(
        [header, _("Support"), _("With reservations"), _("Oppose"), _("Total")],
        [
            [
                r["label"],
                str(r["support"]),
                str(r["reservations"]),
                str(r["oppose"]),
                str(r["total"]),
            ]
            for r in rows
        ],
        [3, 1, 1, 1, 1],
    )


def consolidated_document(content: dict, edition: Edition) -> Document:
    consultation = content["consultation"]
    forum = consultation["forum"]
    participation = content["participation"]
    document = Document(
        title=consultation["title"],
        subtitle=_("Consolidated positions of civil society"),
        meta=[
            _("Forum meeting: %(name)s, %(city)s, %(start)s to %(end)s.")
            % {
                "name": forum["name"],
                "city": forum["city"],
                "start": forum["starts_on"],
                "end": forum["ends_on"],
            },
            _("Consultation window: %(opens)s to %(closes)s (UTC).")
            % {"opens": consultation["opens_at"][:16], "closes": consultation["closes_at"][:16]},
            version_label(edition),
        ],
        footer=(
            _("Version %(version)s") % {"version": edition.version}
            if edition.version
            else _("Draft")
        ),
        language=translation.get_language() or edition.language,
    )
    document.add(
        Heading(1, _("Participation")),
        KeyValue(
            [
                (_("Organisations"), str(participation["organisations"])),
                (_("People"), str(participation["people"])),
                (_("Comments"), str(participation["comments"])),
                (_("Endorsements"), str(participation["endorsements"])),
            ]
        ),
    )
    if participation["by_kind"]:
        document.add(_figures_table(participation["by_kind"], _("Kind of organisation")))
    if participation["by_region"]:
        document.add(_figures_table(participation["by_region"], _("Region")))
    if participation["by_gender"]:
        document.add(_figures_table(participation["by_gender"], _("Gender (in aggregate)")))
    else:
        document.add(
            Paragraph(_("Gender figures are not shown: too few people to keep them anonymous."))
        )
    document.add(PageBreak(), TableOfContents(_("Contents"), depth=2))

    for session in content["sessions"]:
        document.add(
            Heading(
                1,
                _("Session %(number)s: %(title)s")
                % {"number": session["number"], "title": session["title"]},
            )
        )
        for rec in session["recommendations"]:
            _recommendation_blocks(document, rec, content["positions_available"])

    document.add(PageBreak(), Heading(1, _("Annex: full text of final positions")))
    finals = [p for p in content["positions"] if p["status"] == "final"]
    if not finals:
        document.add(Paragraph(_("None.")))
    for position in finals:
        document.add(Heading(2, position["title"]))
        document.add(
            Paragraph(
                [
                    italic(
                        _("Revision %(number)s, led by %(lead)s.")
                        % {"number": position["revision"], "lead": position["lead_organisation"]}
                    ),
                    " ",
                    link(position["url"], position["url"]),
                ],
                style="small",
            )
        )
        document.blocks.extend(blocks_from_markdown(position["body"]))
        document.add(Heading(3, _("Signatories"), in_toc=False))
        if position["signatories"]:
            document.add(
                Table(
                    [_("Organisation"), _("Kind"), _("Region")],
                    [[s["name"], s["kind"], s["region"]] for s in position["signatories"]],
                    [3, 2, 2],
                )
            )
        else:
            document.add(Paragraph(_("None.")))

    document.add(PageBreak(), Heading(1, _("Annex: participating organisations")))
    if content["organisations"]:
        document.add(
            Table(
                [_("Organisation"), _("Kind"), _("Country"), _("Region")],
                [
                    [o["name"], o["kind"], o["country"], o["region"]]
                    for o in content["organisations"]
                ],
                [4, 2, 2, 2],
            )
        )
    else:
        document.add(Paragraph(_("None.")))
    return document


def _recommendation_blocks(document: Document, rec: dict, positions_available: bool) -> None:
    tally = rec["tally"]
    document.add(Heading(2, f"{rec['citation']} {rec['title']}"))
    document.add(Heading(3, _("Synthesis by the moderators"), in_toc=False))
    if rec["synthesis"]:
        document.blocks.extend(blocks_from_markdown(rec["synthesis"], base_level=3))
    else:
        document.add(Paragraph(italic(_("No synthesis has been written."))))
    document.add(
        Paragraph(
            [
                bold(_("Tally:")),
                " ",
                _(
                    "support %(support)s, support with reservations %(reservations)s, "
                    "oppose %(oppose)s (total %(total)s)."
                )
                % tally,
            ]
        )
    )
    if tally["by_kind"]:
        document.add(_breakdown_table(tally["by_kind"], _("Kind of organisation")))
    if tally["by_region"]:
        document.add(_breakdown_table(tally["by_region"], _("Region")))
    endorsements = rec["endorsements"]
    document.add(Heading(3, _("Endorsing and opposing organisations"), in_toc=False))
    with_statement = [e for e in endorsements if e["statement"]]
    without = [e for e in endorsements if not e["statement"]]
    # One paragraph per statement rather than a table row: a table cell is laid
    # out three times by ReportLab, and thousands of them made the PDF too slow.
    for e in with_statement:
        spans = [bold(e["organisation"])]
        if e["region"]:
            spans.append(f" ({e['region']})")
        spans += [" — ", italic(e["stance_label"]), ": ", e["statement"]]
        if e["cosigned_statement_of"]:
            spans.append(
                " "
                + _("(co-signed statement of %(organisation)s)")
                % {"organisation": e["cosigned_statement_of"]}
            )
        document.add(Paragraph(spans, style="entry"))
    # Endorsements without a statement take one line per stance, so that the
    # document stays readable (and fast to typeset) with thousands of them.
    for stance_label in dict.fromkeys(e["stance_label"] for e in without):
        names = [e["organisation"] for e in without if e["stance_label"] == stance_label]
        document.add(
            Paragraph(
                [
                    bold(
                        _("%(stance)s without a statement (%(count)s):")
                        % {"stance": stance_label, "count": len(names)}
                    ),
                    " ",
                    "; ".join(names) + ".",
                ]
            )
        )
    if not endorsements:
        document.add(Paragraph(_("No organisation has taken a stance.")))
    document.add(
        Paragraph(
            [
                _("Comments: %(count)s.") % {"count": rec["comment_count"]},
                " ",
                link(_("Read the debate"), rec["debate_url"]),
            ]
        )
    )
    document.add(Heading(3, _("Positions responding to it"), in_toc=False))
    if rec["positions"]:
        document.add(
            BulletList(
                [
                    [
                        link(p["title"], p["url"]),
                        f" ({p['status_label']}). ",
                        _("Signatories: %(names)s.")
                        % {"names": "; ".join(p["signatories"]) or _("none")},
                    ]
                    for p in rec["positions"]
                ]
            )
        )
    else:
        document.add(Paragraph(_("None.")))
    if not positions_available:
        document.add(
            Paragraph(italic(_("Positions are not available on this portal.")), style="small")
        )


def build_pdf(content: dict, edition: Edition) -> bytes:
    return render_pdf(consolidated_document(content, edition))


def build_docx(content: dict, edition: Edition) -> bytes:
    return render_docx(consolidated_document(content, edition))


# ---------------------------------------------------------------- JSON


def build_json(content: dict, edition: Edition) -> bytes:
    document = {
        "$schema": content.get("$schema"),
        "version": edition.version,
        "date": edition.date,
        "language": edition.language,
        **{k: v for k, v in content.items() if k != "$schema"},
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


# ---------------------------------------------------------------- CSV


# Column order is the same in every language; headers are translated when written.
CSV_COLUMNS = [
    gettext_noop("Session"),
    gettext_noop("Citation"),
    gettext_noop("Recommendation"),
    gettext_noop("Stance (code)"),
    gettext_noop("Stance"),
    gettext_noop("Count"),
    gettext_noop("Total"),
    gettext_noop("Comments"),
    gettext_noop("Debate"),
]


def csv_header() -> list[str]:
    return [_(column) for column in CSV_COLUMNS]


def tally_rows(content: dict) -> Iterator[list]:
    """One row per recommendation and stance, computed lazily."""
    labels = {
        "support": _("Support"),
        "reservations": _("Support with reservations"),
        "oppose": _("Oppose"),
    }
    for session in content["sessions"]:
        for rec in session["recommendations"]:
            for stance in ("support", "reservations", "oppose"):
                yield [
                    session["number"],
                    rec["citation"],
                    rec["title"],
                    stance,
                    labels[stance],
                    rec["tally"][stance],
                    rec["tally"]["total"],
                    rec["comment_count"],
                    rec["debate_url"],
                ]


class _Echo:
    def write(self, value):
        return value


def csv_chunks(content: dict) -> Iterator[bytes]:
    """The tallies CSV as UTF-8 (with a BOM for spreadsheets), one line at a time."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow(csv_header()).encode("utf-8")
    for row in tally_rows(content):
        yield writer.writerow([neutralise(v) for v in row]).encode("utf-8")


def write_csv(content: dict, stream) -> None:
    for chunk in csv_chunks(content):
        stream.write(chunk)


def build_csv(content: dict, edition: Edition) -> bytes:
    buffer = io.BytesIO()
    write_csv(content, buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- XLSX


def write_xlsx(content: dict, stream) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)

    # Sheet names: at most 31 characters, none of []:*?/\ (checked by the tests).
    tallies = workbook.create_sheet(_("Tallies"))
    tallies.append(csv_header())
    for row in tally_rows(content):
        tallies.append([neutralise(v) for v in row])

    endorsements = workbook.create_sheet(_("Endorsements"))
    endorsements.append(
        [
            _("Citation"),
            _("Organisation"),
            _("Kind"),
            _("Country"),
            _("Region"),
            _("Stance (code)"),
            _("Stance"),
            _("Statement"),
            _("Co-signed statement of"),
        ]
    )
    for session in content["sessions"]:
        for rec in session["recommendations"]:
            for e in rec["endorsements"]:
                endorsements.append(
                    [
                        neutralise(v)
                        for v in (
                            rec["citation"],
                            e["organisation"],
                            e["kind"],
                            e["country"],
                            e["region"],
                            e["stance"],
                            e["stance_label"],
                            e["statement"],
                            e["cosigned_statement_of"],
                        )
                    ]
                )

    organisations = workbook.create_sheet(_("Organisations"))
    organisations.append([_("Organisation"), _("Kind"), _("Country"), _("Region")])
    for o in content["organisations"]:
        organisations.append(
            [neutralise(v) for v in (o["name"], o["kind"], o["country"], o["region"])]
        )

    positions = workbook.create_sheet(_("Positions"))
    positions.append(
        [
            _("Number"),
            _("Title"),
            _("Status (code)"),
            _("Status"),
            _("Revision"),
            _("Lead organisation"),
            _("Recommendations"),
            _("Signatories"),
            _("Link"),
        ]
    )
    for p in content["positions"]:
        positions.append(
            [
                neutralise(v)
                for v in (
                    p["id"],
                    p["title"],
                    p["status"],
                    p["status_label"],
                    p["revision"],
                    p["lead_organisation"],
                    ", ".join(p["recommendations"]),
                    "; ".join(s["name"] for s in p["signatories"]),
                    p["url"],
                )
            ]
        )
    workbook.save(stream)


def build_xlsx(content: dict, edition: Edition) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(content, buffer)
    return buffer.getvalue()


BUILDERS = {
    ExportFormat.PDF: build_pdf,
    ExportFormat.DOCX: build_docx,
    ExportFormat.XLSX: build_xlsx,
    ExportFormat.CSV: build_csv,
    ExportFormat.JSON: build_json,
}


def build(fmt: str, content: dict, edition: Edition) -> bytes:
    return BUILDERS[ExportFormat(fmt)](content, edition)
