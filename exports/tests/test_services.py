"""Building, caching and publishing consolidated documents, checked by opening the files."""

import csv
import io
import json

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from consultations import services as consultation_services
from consultations.models import Stance
from core.errors import Refusal
from exports import services
from exports.builders import neutralise
from exports.models import ConsolidatedExport, ExportStatus

from .factories import AT_RISK_NAME, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _build(consultation, fmt, by, capture, language=None):
    with capture(execute=True):
        export = services.export_request(
            consultation=consultation, fmt=fmt, by=by, language=language
        )
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, export.error
    return export


def _bytes(export):
    with export.file.open("rb") as handle:
        return handle.read()


def _pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _docx_text(data):
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts), document


def test_pdf_has_every_recommendation_tally_statement_and_masks_at_risk(
    debate, django_capture_on_commit_callbacks
):
    consultation, recs, orgs, at_risk, _moderator = debate
    export = _build(consultation, "pdf", UserFactory(), django_capture_on_commit_callbacks)
    text = " ".join(_pdf_text(_bytes(export)).split())
    for rec in recs:
        assert rec.citation in text
    # Each recommendation: 4 organisations + the at-risk one; stances rotate.
    assert "Because of" in text
    assert "We cannot say more in public." in text
    assert AT_RISK_NAME not in text
    assert "an organisation from Eastern Africa" in text
    assert "Page 1 of" in text
    assert "Contents" in text


def test_docx_has_heading_styles_tables_and_masks_at_risk(
    debate, django_capture_on_commit_callbacks
):
    consultation, recs, _orgs, _at_risk, _moderator = debate
    export = _build(consultation, "docx", UserFactory(), django_capture_on_commit_callbacks)
    text, document = _docx_text(_bytes(export))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3"} <= styles
    for rec in recs:
        assert rec.citation in text
    assert "We cannot say more in public." in text
    assert AT_RISK_NAME not in text
    assert document.tables


def test_json_tallies_match_the_endorsements(debate, django_capture_on_commit_callbacks):
    consultation, recs, _orgs, _at_risk, _moderator = debate
    export = _build(consultation, "json", UserFactory(), django_capture_on_commit_callbacks)
    data = json.loads(_bytes(export))
    found = {r["citation"]: r for s in data["sessions"] for r in s["recommendations"]}
    assert set(found) == {rec.citation for rec in recs}
    first = found[recs[0].citation]
    # orgs 0..3 on rec 0: support, reservations, oppose, support; plus the at-risk oppose.
    assert first["tally"] == {
        **first["tally"],
        "support": 2,
        "reservations": 1,
        "oppose": 2,
        "total": 5,
    }
    assert sum(row["total"] for row in first["tally"]["by_region"]) == 5
    assert first["synthesis"].startswith("Synthesis of")
    assert first["debate_url"].startswith("http")
    assert AT_RISK_NAME not in json.dumps(data)
    assert data["version"] is None


def test_csv_has_one_row_per_recommendation_and_stance(debate, django_capture_on_commit_callbacks):
    consultation, recs, _orgs, _at_risk, _moderator = debate
    export = _build(consultation, "csv", UserFactory(), django_capture_on_commit_callbacks)
    raw = _bytes(export)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3 * len(recs)
    counts = {(r["Citation"], r["Stance (code)"]): int(r["Count"]) for r in rows}
    assert counts[(recs[0].citation, "oppose")] == 2


def test_xlsx_sheets_and_masking(debate, django_capture_on_commit_callbacks):
    consultation, recs, orgs, _at_risk, _moderator = debate
    export = _build(consultation, "xlsx", UserFactory(), django_capture_on_commit_callbacks)
    workbook = openpyxl.load_workbook(io.BytesIO(_bytes(export)))
    assert workbook.sheetnames == ["Tallies", "Endorsements", "Organisations", "Positions"]
    endorsements = list(workbook["Endorsements"].iter_rows(values_only=True))
    assert len(endorsements) == 1 + len(recs) * (len(orgs) + 1)
    names = {row[1] for row in endorsements[1:]}
    assert AT_RISK_NAME not in names
    assert "an organisation from Eastern Africa" in names


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_quotes_formula_starts(prefix):
    assert neutralise(f"{prefix}HYPERLINK(1)") == f"'{prefix}HYPERLINK(1)"
    assert neutralise("plain") == "plain"
    assert neutralise(3) == 3


def test_user_text_never_becomes_a_formula_in_csv_or_xlsx(
    debate, django_capture_on_commit_callbacks
):
    consultation, recs, _orgs, _at_risk, _moderator = debate
    evil = OrganisationFactory(name='=HYPERLINK("http://evil.example","x")')
    rep = UserFactory()
    from accounts.tests.factories import MembershipFactory

    MembershipFactory(organisation=evil, user=rep)
    consultation_services.endorsement_set(
        consultation=consultation,
        recommendation=recs[0],
        organisation=evil,
        stance=Stance.OPPOSE,
        statement="@SUM(1+1)",
        by=rep,
    )
    export = _build(consultation, "xlsx", UserFactory(), django_capture_on_commit_callbacks)
    sheet = openpyxl.load_workbook(io.BytesIO(_bytes(export)))["Endorsements"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert "'@SUM(1+1)" in cells
    assert not any(c.startswith(("=", "@", "+")) for c in cells)
    sheet_types = {c.data_type for row in sheet.iter_rows() for c in row}
    assert "f" not in sheet_types


def test_user_text_never_becomes_markup_in_pdf_or_docx(debate, django_capture_on_commit_callbacks):
    consultation, recs, _orgs, _at_risk, moderator = debate
    consultation_services.synthesis_write(
        consultation=consultation,
        recommendation=recs[0],
        body='<b>bold?</b> <font color="red">x</font> <a href="javascript:alert(1)">y</a> & co'
        ' `<font color="red">code</font>`',
        by=moderator,
    )
    user = UserFactory()
    pdf = _pdf_text(_bytes(_build(consultation, "pdf", user, django_capture_on_commit_callbacks)))
    # Raw HTML reads as on the page (sanitised); markup written as text stays text.
    shown = 'bold? x y & co <font color="red">code</font>'
    assert shown in " ".join(pdf.split())
    data = _bytes(_build(consultation, "docx", user, django_capture_on_commit_callbacks))
    text, _document = _docx_text(data)
    assert shown in text
    assert b"javascript:" not in data.split(b"word/_rels")[0] or "javascript" in text


def test_unchanged_consultation_is_not_rebuilt(debate, django_capture_on_commit_callbacks):
    consultation, *_rest = debate
    first = _build(consultation, "pdf", UserFactory(), django_capture_on_commit_callbacks)
    second = _build(consultation, "pdf", UserFactory(), django_capture_on_commit_callbacks)
    assert first.pk == second.pk
    assert ConsolidatedExport.objects.filter(consultation=consultation, format="pdf").count() == 1
    assert first.language == "en"


def test_task_run_twice_builds_one_file(debate, django_capture_on_commit_callbacks, tmp_path):
    consultation, *_rest = debate
    export = _build(consultation, "csv", UserFactory(), django_capture_on_commit_callbacks)
    name, sha = export.file.name, export.sha256
    from exports.tasks import export_build

    export_build.run(export_id=export.pk)
    export_build.run(export_id=export.pk)
    export.refresh_from_db()
    assert (export.file.name, export.sha256) == (name, sha)
    files = list((tmp_path / "media" / "exports").rglob("*.csv"))
    assert len(files) == 1


def test_changed_data_gives_a_new_draft(debate, django_capture_on_commit_callbacks):
    consultation, recs, _orgs, _at_risk, moderator = debate
    first = _build(consultation, "json", UserFactory(), django_capture_on_commit_callbacks)
    consultation_services.synthesis_write(
        consultation=consultation, recommendation=recs[1], body="Changed.", by=moderator
    )
    second = _build(consultation, "json", UserFactory(), django_capture_on_commit_callbacks)
    assert first.pk != second.pk


def test_ready_email_goes_to_the_requester(debate, django_capture_on_commit_callbacks, mailoutbox):
    consultation, *_rest = debate
    user = UserFactory()
    export = _build(consultation, "json", user, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert f"/downloads/{export.pk}/" in mailoutbox[0].body


def test_published_version_never_changes(debate, django_capture_on_commit_callbacks):
    consultation, recs, _orgs, _at_risk, moderator = debate
    with django_capture_on_commit_callbacks(execute=True):
        exports = services.export_publish(consultation=consultation, by=moderator)
    published = {(e.format, e.language): ConsolidatedExport.objects.get(pk=e.pk) for e in exports}
    assert len(published) == 15
    assert {e.version for e in published.values()} == {1}
    assert all(e.status == ExportStatus.READY for e in published.values())
    before = {fmt: (_bytes(e), e.sha256) for fmt, e in published.items()}
    import hashlib

    for data, sha in before.values():
        assert hashlib.sha256(data).hexdigest() == sha

    consultation_services.synthesis_write(
        consultation=consultation, recommendation=recs[0], body="A later synthesis.", by=moderator
    )
    with django_capture_on_commit_callbacks(execute=True):
        for export in published.values():
            services.export_build(export_id=export.pk)
    for fmt, export in published.items():
        export.refresh_from_db()
        assert (_bytes(export), export.sha256) == before[fmt]

    with django_capture_on_commit_callbacks(execute=True):
        newer = services.export_publish(consultation=consultation, by=moderator)
    assert {e.version for e in newer} == {2}
    for language in ("en", "fr", "es"):
        pdf2 = ConsolidatedExport.objects.get(
            consultation=consultation, version=2, format="pdf", language=language
        )
        assert "A later synthesis." in _pdf_text(_bytes(pdf2))
        assert "A later synthesis." not in _pdf_text(before[("pdf", language)][0])


def test_publish_refused_without_two_factor(debate):
    consultation, *_rest = debate
    from .factories import ModeratorFactory

    moderator = ModeratorFactory(mfa=False)
    consultation.moderators.add(moderator)
    with pytest.raises(Refusal):
        services.export_publish(consultation=consultation, by=moderator)


def test_publish_refused_for_participants(debate):
    consultation, *_rest = debate
    with pytest.raises(Refusal):
        services.export_publish(consultation=consultation, by=UserFactory())


def test_draft_refused_when_closed_for_participants(debate):
    consultation, *_rest = debate
    from datetime import timedelta

    from django.utils import timezone

    consultation.opens_at = timezone.now() - timedelta(days=30)
    consultation.closes_at = timezone.now() - timedelta(days=1)
    consultation.save()
    with pytest.raises(Refusal):
        services.export_request(consultation=consultation, fmt="pdf", by=UserFactory())


def test_unknown_format_refused(debate):
    consultation, *_rest = debate
    with pytest.raises(Refusal):
        services.export_request(consultation=consultation, fmt="exe", by=UserFactory())


def _pending(consultation, fmt="json", language="en"):
    snapshot = services.snapshot_take(consultation=consultation)
    return ConsolidatedExport.objects.create(
        consultation=consultation,
        snapshot=snapshot,
        format=fmt,
        language=language,
        fingerprint=services.export_fingerprint(
            data_fingerprint=snapshot.data_fingerprint, fmt=fmt, language=language
        ),
    )


def test_a_build_in_progress_is_not_started_twice(debate):
    from django.utils import timezone

    consultation, *_rest = debate
    export = _pending(consultation)
    ConsolidatedExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.BUILDING, built_at=timezone.now()
    )
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.BUILDING
    assert not export.file


def test_a_build_whose_worker_died_is_taken_up_again(debate):
    from django.utils import timezone

    consultation, *_rest = debate
    export = _pending(consultation)
    ConsolidatedExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.BUILDING, built_at=timezone.now() - services.STALE_BUILD * 2
    )
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert export.file


def test_a_failed_build_is_recorded_and_a_new_request_retries_it(
    debate, monkeypatch, django_capture_on_commit_callbacks
):
    consultation, *_rest = debate
    user = UserFactory()

    def broken(*args, **kwargs):
        raise ValueError("renderer broke")

    monkeypatch.setattr(services, "_write_file", broken)
    # The task's error is logged by the queueing helper; the request itself succeeded.
    with django_capture_on_commit_callbacks(execute=True):
        services.export_request(consultation=consultation, fmt="pdf", by=user)
    export = ConsolidatedExport.objects.get()
    assert export.status == ExportStatus.FAILED
    assert "renderer broke" in export.error
    monkeypatch.undo()
    again = _build(consultation, "pdf", user, django_capture_on_commit_callbacks)
    assert again.pk == export.pk
    assert again.status == ExportStatus.READY
