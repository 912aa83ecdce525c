"""Consolidated documents in English, French and Spanish, checked by opening the files."""

import csv
import io
import json
from itertools import product

import docx
import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from exports import services
from exports.builders import localise
from exports.models import (
    EXPORT_LANGUAGES,
    ConsolidatedExport,
    ExportFormat,
    ExportStatus,
    export_language,
)

from .factories import AT_RISK_NAME, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# What the translated files must say, per language.
EXPECTED = {
    "fr": {
        "subtitle": "Positions consolidées de la société civile",
        "contents": "Sommaire",
        "page": "Page 1 sur",
        "synthesis": "Synthèse des modérateurs",
        "reservations": "Soutien avec réserves",
        "tally": "Décompte : soutien 2, soutien avec réserves 2, opposition 2 (total 6).",
        "kind_header": "Type d’organisation",
        "region": "Europe occidentale",
        "country": "France",
        "kind": "ONG",
        "at_risk": "une organisation de la région Europe occidentale",
        "draft": "Brouillon en direct du",
        "sheets": ["Décomptes", "Soutiens", "Organisations", "Positions"],
        "csv": ["Session", "Référence", "Recommandation", "Position (code)", "Position"],
    },
    "es": {
        "subtitle": "Posiciones consolidadas de la sociedad civil",
        "contents": "Índice",
        "page": "Página 1 de",
        "synthesis": "Síntesis de los moderadores",
        "reservations": "Apoyo con reservas",
        "tally": "Recuento: apoyo 2, apoyo con reservas 2, oposición 2 (total 6).",
        "kind_header": "Tipo de organización",
        "region": "Europa occidental",
        "country": "Francia",
        "kind": "ONG",
        "at_risk": "una organización de la región Europa occidental",
        "draft": "Borrador en vivo del",
        "sheets": ["Recuentos", "Respaldos", "Organizaciones", "Posiciones"],
        "csv": ["Sesión", "Referencia", "Recomendación", "Posición (código)", "Posición"],
    },
}
LANGUAGES = list(EXPECTED)


@pytest.fixture
def multilingual(debate):
    """The debate plus an at-risk organisation from a region the catalogue translates."""
    consultation, recs, orgs, at_risk, moderator = debate
    from consultations import services as consultation_services
    from consultations.models import Stance

    hidden = OrganisationFactory(
        name="Hidden Western Network", is_at_risk=True, region="Western Europe"
    )
    consultation_services.endorsement_set(
        consultation=consultation,
        recommendation=recs[0],
        organisation=hidden,
        stance=Stance.RESERVATIONS,
        statement="Support",  # user text that looks like a label stays as written
        by=MembershipFactory(organisation=hidden).user,
    )
    return consultation, recs, orgs, at_risk, moderator


def _build(consultation, fmt, language, capture, by=None):
    with capture(execute=True):
        export = services.export_request(
            consultation=consultation, fmt=fmt, by=by or UserFactory(), language=language
        )
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, export.error
    assert export.language == language
    with export.file.open("rb") as handle:
        return export, handle.read()


def _flat(text):
    return " ".join(text.split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_labels_in_the_language(multilingual, language, django_capture_on_commit_callbacks):
    consultation, recs, _orgs, _at_risk, _moderator = multilingual
    _export, data = _build(consultation, "pdf", language, django_capture_on_commit_callbacks)
    reader = PdfReader(io.BytesIO(data))
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    expected = EXPECTED[language]
    for key in ("subtitle", "contents", "page", "synthesis", "reservations", "draft", "tally"):
        assert expected[key] in text, key
    assert expected["at_risk"] in text
    assert "Hidden Western Network" not in text and AT_RISK_NAME not in text
    # The report's language for recommendations; statements as written.
    for rec in recs:
        assert _flat(f"{rec.citation} {rec.title}") in text
    assert "We cannot say more in public." in text
    assert "Synthesis by the moderators" not in text and "Contents" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_docx_labels_in_the_language(multilingual, language, django_capture_on_commit_callbacks):
    consultation, recs, orgs, _at_risk, _moderator = multilingual
    _export, data = _build(consultation, "docx", language, django_capture_on_commit_callbacks)
    document = docx.Document(io.BytesIO(data))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    expected = EXPECTED[language]
    assert expected["subtitle"] in paragraphs
    assert expected["synthesis"] in paragraphs
    assert expected["reservations"] in paragraphs
    assert expected["kind_header"] in cells
    assert expected["region"] in cells and expected["country"] in cells
    assert expected["at_risk"] in cells
    assert "Hidden Western Network" not in paragraphs + "".join(cells)
    assert recs[0].title in paragraphs
    assert orgs[0].name in cells
    assert document.core_properties.language == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_xlsx_sheets_and_headers_in_the_language(
    multilingual, language, django_capture_on_commit_callbacks
):
    consultation, recs, _orgs, _at_risk, _moderator = multilingual
    _export, data = _build(consultation, "xlsx", language, django_capture_on_commit_callbacks)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    expected = EXPECTED[language]
    assert workbook.sheetnames == expected["sheets"]
    for name in workbook.sheetnames:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    tallies = list(workbook[expected["sheets"][0]].iter_rows(values_only=True))
    assert list(tallies[0][:5]) == expected["csv"]
    assert {row[3] for row in tallies[1:]} == {"support", "reservations", "oppose"}
    assert expected["reservations"] in {row[4] for row in tallies[1:]}
    endorsements = list(workbook[expected["sheets"][1]].iter_rows(values_only=True))
    rows = [dict(zip(range(len(r)), r, strict=True)) for r in endorsements[1:]]
    hidden = [r for r in rows if r[1] == expected["at_risk"]]
    assert hidden and hidden[0][5] == "reservations" and hidden[0][6] == expected["reservations"]
    # A statement that reads like a label is the organisation's words, not translated.
    assert hidden[0][7] == "Support"
    assert {r[2] for r in rows if r[2]} == {expected["kind"]}
    assert {r[4] for r in rows if r[4] and r[1] != expected["at_risk"]} >= {expected["region"]}
    organisations = list(workbook[expected["sheets"][2]].iter_rows(values_only=True))
    assert (expected["at_risk"], None, None, expected["region"]) in organisations


@pytest.mark.parametrize("language", LANGUAGES)
def test_csv_headers_and_stances_in_the_language(
    multilingual, language, django_capture_on_commit_callbacks
):
    consultation, recs, _orgs, _at_risk, _moderator = multilingual
    _export, data = _build(consultation, "csv", language, django_capture_on_commit_callbacks)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    expected = EXPECTED[language]
    assert rows[0][:5] == expected["csv"]
    assert len(rows) == 1 + 3 * len(recs)
    by_code = {(r[1], r[3]): r for r in rows[1:]}
    assert by_code[(recs[0].citation, "reservations")][4] == expected["reservations"]
    # Counts are the data's, whatever the language: 1 reservation + the hidden network's.
    assert by_code[(recs[0].citation, "reservations")][5] == "2"
    assert by_code[(recs[0].citation, "reservations")][2] == recs[0].title


def _keys(value, path=""):
    """Every key path of a JSON value (list items merged)."""
    if isinstance(value, dict):
        found = set()
        for key, item in value.items():
            found.add(f"{path}.{key}")
            found |= _keys(item, f"{path}.{key}")
        return found
    if isinstance(value, list):
        return set().union(*(_keys(item, f"{path}[]") for item in value)) if value else set()
    return set()


def _numbers(value):
    """Every number in a JSON value, in order: the data, without the labels."""
    if isinstance(value, dict):
        return [n for key in sorted(value) for n in _numbers(value[key])]
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    return [value] if isinstance(value, int | float) and not isinstance(value, bool) else []


@pytest.mark.parametrize("language", LANGUAGES)
def test_json_same_keys_and_data_translated_labels(
    multilingual, language, django_capture_on_commit_callbacks
):
    consultation, recs, _orgs, _at_risk, _moderator = multilingual
    user = UserFactory()
    _en, english = _build(consultation, "json", "en", django_capture_on_commit_callbacks, user)
    _other, other = _build(consultation, "json", language, django_capture_on_commit_callbacks, user)
    english, other = json.loads(english), json.loads(other)
    expected = EXPECTED[language]
    assert english["language"] == "en" and other["language"] == language
    assert _keys(english) == _keys(other)
    assert _numbers(english["sessions"]) == _numbers(other["sessions"])
    first_en = english["sessions"][0]["recommendations"][0]
    first = other["sessions"][0]["recommendations"][0]
    assert first["title"] == first_en["title"] and first["synthesis"] == first_en["synthesis"]
    assert [e["stance"] for e in first["endorsements"]] == [
        e["stance"] for e in first_en["endorsements"]
    ]
    assert [e["statement"] for e in first["endorsements"]] == [
        e["statement"] for e in first_en["endorsements"]
    ]
    labels = {e["stance_label"] for e in first["endorsements"]}
    assert expected["reservations"] in labels and "Support with reservations" not in labels
    assert {o["name"] for o in other["organisations"] if o["at_risk"]} >= {expected["at_risk"]}
    assert expected["region"] in {r["label"] for r in other["participation"]["by_region"]}
    assert expected["kind"] in {r["label"] for r in first["tally"]["by_kind"]}
    assert "Hidden Western Network" not in json.dumps(other)


def test_draft_follows_the_requester_language_and_is_unique_per_language(
    debate, django_capture_on_commit_callbacks
):
    consultation, *_rest = debate
    user = UserFactory()
    french, _data = _build(consultation, "pdf", "fr", django_capture_on_commit_callbacks, user)
    again, _data = _build(consultation, "pdf", "fr", django_capture_on_commit_callbacks, user)
    english, _data = _build(consultation, "pdf", "en", django_capture_on_commit_callbacks, user)
    assert french.pk == again.pk
    assert english.pk != french.pk
    assert english.snapshot_id == french.snapshot_id
    assert english.fingerprint != french.fingerprint
    assert english.sha256 != french.sha256
    drafts = ConsolidatedExport.objects.filter(consultation=consultation, version__isnull=True)
    assert sorted(drafts.values_list("language", flat=True)) == ["en", "fr"]
    assert french.filename.endswith("-draft-fr.pdf")


def test_task_run_twice_for_a_language_builds_one_file(
    debate, django_capture_on_commit_callbacks, tmp_path
):
    consultation, *_rest = debate
    export, data = _build(consultation, "xlsx", "es", django_capture_on_commit_callbacks)
    from exports.tasks import export_build

    export_build.run(export_id=export.pk)
    export_build.run(export_id=export.pk)
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        assert handle.read() == data
    assert len(list((tmp_path / "media" / "exports").rglob("*.xlsx"))) == 1


def test_database_keeps_one_draft_per_language_and_fingerprint(debate):
    consultation, *_rest = debate
    snapshot = services.snapshot_take(consultation=consultation)
    fields = {"consultation": consultation, "snapshot": snapshot, "format": "pdf"}
    ConsolidatedExport.objects.create(**fields, language="fr", fingerprint="same")
    # Another language with the same key is another file.
    ConsolidatedExport.objects.create(**fields, language="es", fingerprint="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsolidatedExport.objects.create(**fields, language="fr", fingerprint="same")


def test_database_keeps_one_published_file_per_version_format_and_language(debate):
    consultation, *_rest = debate
    snapshot = services.snapshot_take(consultation=consultation)
    fields = {"consultation": consultation, "snapshot": snapshot, "format": "csv", "version": 1}
    ConsolidatedExport.objects.create(**fields, language="en", fingerprint="a")
    ConsolidatedExport.objects.create(**fields, language="fr", fingerprint="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsolidatedExport.objects.create(**fields, language="fr", fingerprint="c")


def test_publishing_builds_every_format_in_every_language_from_one_snapshot(
    debate, django_capture_on_commit_callbacks
):
    consultation, recs, _orgs, _at_risk, moderator = debate
    with django_capture_on_commit_callbacks(execute=True):
        exports = services.export_publish(consultation=consultation, by=moderator)
    assert len(exports) == 15
    rows = list(ConsolidatedExport.objects.filter(consultation=consultation, version=1))
    assert {(e.format, e.language) for e in rows} == set(
        product(ExportFormat.values, ["en", "fr", "es"])
    )
    assert len({e.snapshot_id for e in rows}) == 1
    assert all(e.status == ExportStatus.READY and e.sha256 and e.size for e in rows)
    assert len({e.sha256 for e in rows}) == 15
    assert len({e.file.name for e in rows}) == 15
    tallies = {}
    for export in rows:
        if export.format == "json":
            with export.file.open("rb") as handle:
                data = json.loads(handle.read())
            assert data["version"] == 1 and data["language"] == export.language
            tallies[export.language] = [
                r["tally"] for s in data["sessions"] for r in s["recommendations"]
            ]
    assert _numbers(tallies["en"]) == _numbers(tallies["fr"]) == _numbers(tallies["es"])


def test_export_language_normalises_codes():
    assert EXPORT_LANGUAGES == ["en", "fr", "es"]
    assert export_language("fr") == "fr"
    assert export_language("es-ar") == "es"
    assert export_language("FR_ca") == "fr"
    assert export_language("de") == "en"
    assert export_language(None) == "en"


def test_localise_translates_labels_and_at_risk_names_only():
    content = {
        "consultation": {"forum": {"country": "France"}},
        "participation": {
            "by_kind": [{"label": "NGO", "count": 1}],
            "by_region": [{"label": "Western Europe", "count": 1}],
            "by_gender": [{"label": "Women", "count": 5}],
        },
        "sessions": [
            {
                "number": 1,
                "title": "Support",
                "recommendations": [
                    {
                        "title": "Oppose",
                        "tally": {"by_kind": [], "by_region": [{"label": "Western Europe"}]},
                        "endorsements": [
                            {
                                "organisation": "an organisation from Southern Europe",
                                "kind": "",
                                "country": "",
                                "region": "Southern Europe",
                                "stance": "oppose",
                                "stance_label": "Oppose",
                                "statement": "Oppose",
                                "cosigned_statement_of": "an organisation from Western Asia",
                            }
                        ],
                        "positions": [{"id": 7, "status_label": "Final", "signatories": ["NGO"]}],
                    }
                ],
            }
        ],
        "positions": [
            {
                "id": 7,
                "status": "final",
                "status_label": "Final",
                "lead_organisation": "an organisation from Western Asia",
                "signatories": [],
            }
        ],
        "organisations": [],
    }
    with translation.override("fr"):
        french = localise(content)
    assert content["positions"][0]["status_label"] == "Final"  # the snapshot is untouched
    assert french["consultation"]["forum"]["country"] == "France"
    assert french["participation"]["by_kind"][0]["label"] == "ONG"
    assert french["participation"]["by_gender"][0]["label"] == "Femmes"
    rec = french["sessions"][0]["recommendations"][0]
    assert french["sessions"][0]["title"] == "Support" and rec["title"] == "Oppose"
    entry = rec["endorsements"][0]
    assert entry["stance_label"] == "Opposition" and entry["statement"] == "Oppose"
    assert entry["stance"] == "oppose"
    assert entry["organisation"] == "une organisation de la région Europe méridionale"
    assert entry["cosigned_statement_of"] == "une organisation de la région Asie occidentale"
    assert french["positions"][0]["lead_organisation"] == (
        "une organisation de la région Asie occidentale"
    )
    assert rec["positions"][0]["status_label"] == "Définitive"
    # An organisation's own name is never translated, even when it reads like a label.
    assert rec["positions"][0]["signatories"] == ["NGO"]


def test_view_builds_the_draft_in_the_reader_language(client, debate):
    consultation, *_rest = debate
    client.force_login(UserFactory(interface_language=""))
    url = reverse("exports:export-request", args=[consultation.pk])
    response = client.post(url, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    assert ConsolidatedExport.objects.get().language == "es"
    spanish = UserFactory(interface_language="fr")
    client.force_login(spanish)
    client.post(url, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="es")
    assert set(ConsolidatedExport.objects.values_list("language", flat=True)) == {"es", "fr"}


def test_download_page_lists_each_version_per_language_reader_first(
    client, debate, django_capture_on_commit_callbacks
):
    consultation, *_rest, moderator = debate
    with django_capture_on_commit_callbacks(execute=True):
        services.export_publish(consultation=consultation, by=moderator)
    url = reverse("exports:export-list", args=[consultation.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    captions = [
        page.index("Versión 1: Español"),
        page.index("Versión 1: Inglés"),
        page.index("Versión 1: Francés"),
    ]
    assert captions == sorted(captions)
    for export in ConsolidatedExport.objects.filter(version=1):
        assert export.sha256 in page
        assert reverse("exports:export-download", args=[export.pk]) in page
    assert page.count('hreflang="fr"') == 5
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english.index("Version 1: English") < english.index("Version 1: French")
