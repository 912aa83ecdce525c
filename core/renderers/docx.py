"""Render a ``documents.Document`` as DOCX with python-docx.

Runs are written as text nodes, so user text stays plain text.
"""

from __future__ import annotations

import io
from dataclasses import replace

from django.utils.translation import gettext

from ..documents import (
    BulletList,
    CodeBlock,
    Document,
    Heading,
    KeyValue,
    PageBreak,
    Paragraph,
    Span,
    Table,
    TableOfContents,
    as_spans,
)
from ._common import CODE_BACKGROUND, _page_label

# A DOCX names a monospaced face every word processor has.
CODE_FONT = "Courier New"
# Twentieths of a point: a quarter of an inch per list level.
DOCX_LIST_INDENT = 360


def render_docx(document: Document) -> bytes:
    """Write ``document`` as DOCX with real heading styles, tables, contents and page numbers.

    Paragraphs and tables are assembled as XML elements directly: python-docx's
    cell-by-cell API is far too slow for tables with thousands of rows.
    """
    import docx
    from docx.enum.section import WD_ORIENT  # noqa: F401 - keeps portrait default explicit
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)

    normal = doc.styles["Normal"]
    normal.font.name = "DejaVu Sans"
    normal.font.size = Pt(10)

    style_ids = {}
    for name in (
        "Title",
        "Subtitle",
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "List Bullet",
        "List Bullet 2",
        "List Bullet 3",
        "Table Grid",
    ):
        style_ids[name] = doc.styles[name].style_id

    body = doc.element.body
    sect_pr = body.sectPr
    part = doc.part

    def append(element):
        sect_pr.addprevious(element)

    def run(text, *, is_bold=False, is_italic=False, is_link=False, is_code=False):
        r = OxmlElement("w:r")
        if is_bold or is_italic or is_link or is_code:
            rpr = OxmlElement("w:rPr")
            if is_code:
                fonts = OxmlElement("w:rFonts")
                fonts.set(qn("w:ascii"), CODE_FONT)
                fonts.set(qn("w:hAnsi"), CODE_FONT)
                rpr.append(fonts)
            if is_bold:
                rpr.append(OxmlElement("w:b"))
            if is_italic:
                rpr.append(OxmlElement("w:i"))
            if is_link:
                color = OxmlElement("w:color")
                color.set(qn("w:val"), "1A4F8B")
                rpr.append(color)
                underline = OxmlElement("w:u")
                underline.set(qn("w:val"), "single")
                rpr.append(underline)
            if is_code:
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:fill"), CODE_BACKGROUND.lstrip("#"))
                rpr.append(shading)
            r.append(rpr)
        for index, line in enumerate(text.split("\n")):
            if index:
                r.append(OxmlElement("w:br"))
            for column, piece in enumerate(line.split("\t")):
                if column:
                    r.append(OxmlElement("w:tab"))
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = piece
                r.append(t)
        return r

    link_ids: dict[str, str] = {}

    def paragraph(spans, style=None, *, keep_next=False, indent=0, hanging=0):
        p = OxmlElement("w:p")
        if style or keep_next or indent:
            ppr = OxmlElement("w:pPr")
            if style:
                pstyle = OxmlElement("w:pStyle")
                pstyle.set(qn("w:val"), style)
                ppr.append(pstyle)
            if keep_next:
                ppr.append(OxmlElement("w:keepNext"))
            if indent:
                ind = OxmlElement("w:ind")
                ind.set(qn("w:left"), str(indent))
                if hanging:
                    ind.set(qn("w:hanging"), str(hanging))
                ppr.append(ind)
            p.append(ppr)
        for span in spans:
            if span.href:
                rid = link_ids.get(span.href)
                if rid is None:
                    rid = part.relate_to(span.href, RT.HYPERLINK, is_external=True)
                    link_ids[span.href] = rid
                hyperlink = OxmlElement("w:hyperlink")
                hyperlink.set(qn("r:id"), rid)
                hyperlink.append(
                    run(
                        span.text,
                        is_bold=span.bold,
                        is_italic=span.italic,
                        is_link=True,
                        is_code=span.code,
                    )
                )
                p.append(hyperlink)
            else:
                p.append(
                    run(span.text, is_bold=span.bold, is_italic=span.italic, is_code=span.code)
                )
        return p

    def field_runs(p, instruction, placeholder=""):
        begin = OxmlElement("w:r")
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), "begin")
        begin.append(fld)
        p.append(begin)
        instr_run = OxmlElement("w:r")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        instr_run.append(instr)
        p.append(instr_run)
        sep = OxmlElement("w:r")
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), "separate")
        sep.append(fld)
        p.append(sep)
        p.append(run(placeholder or "1"))
        end = OxmlElement("w:r")
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), "end")
        end.append(fld)
        p.append(end)

    def table(header, rows, widths_hint, *, with_header=True, bold_first_col=False):
        count = len(header) if header else (len(rows[0]) if rows else 0)
        if not count:
            return None
        usable = 170 * 36000 // 635  # 170 mm in twentieths of a point
        hint = widths_hint if widths_hint and len(widths_hint) == count else [1] * count
        total = float(sum(hint)) or 1.0
        widths = [int(usable * w / total) for w in hint]
        tbl = OxmlElement("w:tbl")
        tbl_pr = OxmlElement("w:tblPr")
        tbl_style = OxmlElement("w:tblStyle")
        tbl_style.set(qn("w:val"), style_ids["Table Grid"])
        tbl_pr.append(tbl_style)
        tbl_w = OxmlElement("w:tblW")
        tbl_w.set(qn("w:w"), str(sum(widths)))
        tbl_w.set(qn("w:type"), "dxa")
        tbl_pr.append(tbl_w)
        tbl.append(tbl_pr)
        grid = OxmlElement("w:tblGrid")
        for width in widths:
            col = OxmlElement("w:gridCol")
            col.set(qn("w:w"), str(width))
            grid.append(col)
        tbl.append(grid)

        def add_row(values, *, is_header):
            tr = OxmlElement("w:tr")
            if is_header:
                tr_pr = OxmlElement("w:trPr")
                tr_pr.append(OxmlElement("w:tblHeader"))
                tr.append(tr_pr)
            for index, (value, width) in enumerate(zip(values, widths, strict=False)):
                tc = OxmlElement("w:tc")
                tc_pr = OxmlElement("w:tcPr")
                tc_w = OxmlElement("w:tcW")
                tc_w.set(qn("w:w"), str(width))
                tc_w.set(qn("w:type"), "dxa")
                tc_pr.append(tc_w)
                tc.append(tc_pr)
                spans = as_spans(value)
                if is_header or (bold_first_col and index == 0):
                    spans = tuple(replace(s, bold=True) for s in spans)
                tc.append(paragraph(spans))
                tr.append(tc)
            tbl.append(tr)

        if with_header and header:
            add_row(header, is_header=True)
        for row in rows:
            add_row(row, is_header=False)
        return tbl

    append(paragraph(as_spans(document.title), style_ids["Title"]))
    if document.subtitle:
        append(paragraph(as_spans(document.subtitle), style_ids["Subtitle"]))
    for line in document.meta:
        append(paragraph(as_spans(line)))

    for block in document.blocks:
        if isinstance(block, Heading):
            level = max(1, min(3, block.level))
            append(paragraph(as_spans(block.text), style_ids[f"Heading {level}"]))
        elif isinstance(block, Paragraph):
            spans = block.spans
            if block.style == "quote":
                spans = tuple(replace(s, italic=True) for s in spans)
            append(paragraph(spans))
        elif isinstance(block, BulletList):
            depth = min(block.depth, 2)
            for number, item in enumerate(block.items, start=block.start):
                if block.ordered:
                    # The number is written out: Word's own numbering would run on
                    # from one list to the next instead of starting where the page does.
                    spans = (Span(f"{number}.\t"), *as_spans(item))
                    indent = DOCX_LIST_INDENT * (depth + 1)
                    append(paragraph(spans, indent=indent, hanging=DOCX_LIST_INDENT))
                else:
                    style = "List Bullet" if depth == 0 else f"List Bullet {depth + 1}"
                    append(paragraph(as_spans(item), style_ids[style]))
        elif isinstance(block, CodeBlock):
            append(paragraph((Span(block.text, code=True),), indent=DOCX_LIST_INDENT // 2))
        elif isinstance(block, Table):
            if block.rows:
                append(table(block.header, block.rows, block.widths))
                append(paragraph(()))
        elif isinstance(block, KeyValue):
            if block.pairs:
                rows = [[key, value] for key, value in block.pairs]
                append(table([], rows, [1, 2.6], with_header=False, bold_first_col=True))
                append(paragraph(()))
        elif isinstance(block, PageBreak):
            p = OxmlElement("w:p")
            r = OxmlElement("w:r")
            br = OxmlElement("w:br")
            br.set(qn("w:type"), "page")
            r.append(br)
            p.append(r)
            append(p)
        elif isinstance(block, TableOfContents):
            if block.title:
                append(paragraph(as_spans(block.title), style_ids["Heading 1"]))
            p = OxmlElement("w:p")
            field_runs(
                p,
                f'TOC \\o "1-{max(1, min(3, block.depth))}" \\h \\z \\u',
                gettext("Update this field to show the table of contents."),
            )
            append(p)
            p = OxmlElement("w:p")
            r = OxmlElement("w:r")
            br = OxmlElement("w:br")
            br.set(qn("w:type"), "page")
            r.append(br)
            p.append(r)
            append(p)
            update = OxmlElement("w:updateFields")
            update.set(qn("w:val"), "true")
            doc.settings.element.append(update)

    footer_p = section.footer.paragraphs[0]
    marker = "\x00"
    label = _page_label(f"{marker}PAGE{marker}", f"{marker}NUMPAGES{marker}")
    if document.footer:
        footer_p.add_run(document.footer + " — ")
    for index, piece in enumerate(label.split(marker)):
        if index % 2 == 1:
            field_runs(footer_p._p, piece)
        elif piece:
            footer_p._p.append(run(piece))

    core = doc.core_properties
    core.title = document.title[:250]
    core.subject = document.subtitle[:250]
    core.language = document.language
    core.author = "GFMD civil society portal"

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
