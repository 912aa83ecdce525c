"""PDF and DOCX files show the text of Markdown blocks, their lists, code and links."""

import io
import subprocess
import unicodedata

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from core.documents import Document, blocks_from_markdown
from core.renderers import render_docx, render_pdf

from .test_documents import SAMPLES, _document

LATIN_AND_ARABIC = [name for name in SAMPLES if name != "chinese"]


def _markdown_document(names):
    document = Document(title="Markdown", language="en")
    for name in names:
        document.add(*blocks_from_markdown(SAMPLES[name]))
    return document


def _pdf_text(data: bytes, *options: str) -> str:
    result = subprocess.run(
        ["/usr/bin/pdftotext", *options, "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode().split())


def _docx_text(data: bytes) -> tuple[str, docx.document.Document]:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return " ".join(" ".join(parts).split()), document


def _is_right_to_left(word: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in word)


def _missing_words(names, text):
    # Spaces are ignored: a word longer than a line is broken across lines. pdftotext
    # gives right-to-left letters in the order they are drawn, so those are compared reversed.
    compact = "".join(text.split())
    missing = []
    for word in (w for name in names for w in _document(SAMPLES[name])["words"]):
        if _is_right_to_left(word):
            letters = "".join(c for c in word if unicodedata.bidirectional(c) in ("R", "AL"))
            if letters not in compact and letters[::-1] not in compact:
                missing.append(word)
        elif word not in compact:
            missing.append(word)
    return missing


def test_pdf_shows_the_text_of_every_sample():
    text = _pdf_text(render_pdf(_markdown_document(LATIN_AND_ARABIC)))
    assert _missing_words(LATIN_AND_ARABIC, text) == []
    assert "<b>not bold</b>" in text
    assert "alert" not in text


@pytest.mark.xfail(strict=True, reason="DejaVu Sans, the PDF font, has no Chinese glyphs.")
def test_pdf_shows_chinese_text():
    text = _pdf_text(render_pdf(_markdown_document(["chinese"])))
    assert _missing_words(["chinese"], text) == []


def test_docx_shows_the_text_emphasis_and_links_of_every_sample():
    text, document = _docx_text(render_docx(_markdown_document(SAMPLES)))
    assert _missing_words(SAMPLES, text) == []
    assert "alert" not in text
    runs = [run for p in document.paragraphs for run in p.runs]
    assert {run.text for run in runs if run.bold} >= {"strong", "also strong", "bold", "claim"}
    assert {run.text for run in runs if run.italic} >= {"italic", "also italic", "权利"}
    targets = {rel.target_ref for rel in document.part.rels.values() if rel.reltype == RT.HYPERLINK}
    page_targets = {href for name in SAMPLES for _text, href in _document(SAMPLES[name])["links"]}
    assert targets == page_targets
    assert not any("script" in target.lower() for target in targets)


def test_lists_are_numbered_and_nested_as_on_the_page():
    document = Document(title="Lists").add(*blocks_from_markdown(SAMPLES["numbered"]))
    # In drawing order: laid out, the numbers would read as a column of their own.
    pdf = _pdf_text(render_pdf(document), "-raw")
    assert "1. first 2. second 1. inner 2. inner two 3. third" in pdf
    text, _document = _docx_text(render_docx(document))
    assert "1. first 2. second 1. inner 2. inner two 3. third" in text


def test_code_keeps_its_lines_spaces_and_markup_as_text():
    document = Document(title="Code").add(*blocks_from_markdown(SAMPLES["code"]))
    pdf = subprocess.run(
        ["/usr/bin/pdftotext", "-enc", "UTF-8", "-", "-"],
        input=render_pdf(document),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "def f():\n" in pdf and "return '<i>x</i>'\n" in pdf
    _text, word = _docx_text(render_docx(document))
    code = next(p for p in word.paragraphs if p.text.startswith("def f():"))
    assert code.text == "def f():\n    return '<i>x</i>'"
    assert all(run.font.name == "Courier New" for run in code.runs)
