"""Render a ``documents.Document`` as PDF (ReportLab) or DOCX (python-docx).

Both renderers treat every piece of user text as plain text: ReportLab's
paragraph mini-language is escaped, and DOCX runs are written as text nodes.
"""

from __future__ import annotations

import io
import threading
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext

from .documents import (
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

# Bump when the output of a renderer changes, so cached exports are rebuilt.
RENDERER_VERSION = "2"

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_NAME = "DejaVuSans"

# In a PDF, code has a shaded background rather than a monospaced face: the
# bundled font, which covers the scripts users write in, has none. A DOCX
# names a monospaced face every word processor has.
CODE_BACKGROUND = "#eeeeee"
CODE_FONT = "Courier New"
# Twentieths of a point: a quarter of an inch per list level.
DOCX_LIST_INDENT = 360

# Long tables are cut into chunks: ReportLab splits a table across pages by
# re-laying out the remainder, which grows quadratically with its length.
PDF_TABLE_CHUNK = 60

_font_lock = threading.Lock()
_fonts_registered = False


def _register_fonts() -> None:
    global _fonts_registered
    if _fonts_registered:
        return
    with _font_lock:
        if _fonts_registered:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        faces = {
            FONT_NAME: "DejaVuSans.ttf",
            f"{FONT_NAME}-Bold": "DejaVuSans-Bold.ttf",
            f"{FONT_NAME}-Oblique": "DejaVuSans-Oblique.ttf",
            f"{FONT_NAME}-BoldOblique": "DejaVuSans-BoldOblique.ttf",
        }
        for name, filename in faces.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        addMapping(FONT_NAME, 0, 0, FONT_NAME)
        addMapping(FONT_NAME, 1, 0, f"{FONT_NAME}-Bold")
        addMapping(FONT_NAME, 0, 1, f"{FONT_NAME}-Oblique")
        addMapping(FONT_NAME, 1, 1, f"{FONT_NAME}-BoldOblique")
        _fonts_registered = True


def _page_label(page: int, pages: int) -> str:
    return gettext("Page %(page)s of %(pages)s") % {"page": page, "pages": pages}


# ---------------------------------------------------------------- PDF


def _pdf_markup(spans: tuple[Span, ...]) -> str:
    """ReportLab paragraph markup for spans; all text is escaped."""
    parts = []
    for span in spans:
        text = escape(span.text).replace("\n", "<br/>")
        if span.code:
            text = f'<span backColor="{CODE_BACKGROUND}">{text}</span>'
        if span.bold:
            text = f"<b>{text}</b>"
        if span.italic:
            text = f"<i>{text}</i>"
        if span.href:
            text = f'<a href={quoteattr(span.href)} color="#1a4f8b"><u>{text}</u></a>'
        parts.append(text)
    return "".join(parts)


def _pdf_styles():
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("body", fontName=FONT_NAME, fontSize=9.5, leading=12.5, spaceAfter=4)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "entry": ParagraphStyle(
            "entry", parent=base, fontSize=8.5, leading=10.5, leftIndent=8, firstLineIndent=-8
        ),
        "quote": ParagraphStyle(
            "quote", parent=base, leftIndent=12, textColor=colors.HexColor("#333333")
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
        "cellhead": ParagraphStyle(
            "cellhead",
            parent=base,
            fontSize=8,
            leading=10,
            spaceAfter=0,
            fontName=f"{FONT_NAME}-Bold",
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=f"{FONT_NAME}-Bold",
            fontSize=22,
            leading=27,
            spaceAfter=10,
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=17, spaceAfter=14),
        "meta": ParagraphStyle("meta", parent=base, fontSize=10, leading=14, spaceAfter=2),
        "bullet": ParagraphStyle(
            "bullet", parent=base, leftIndent=12, bulletIndent=2, spaceAfter=2
        ),
        "code": ParagraphStyle(
            "code",
            parent=base,
            fontSize=8.5,
            leading=11,
            leftIndent=8,
            rightIndent=4,
            borderPadding=(3, 3, 3, 3),
            backColor=colors.HexColor(CODE_BACKGROUND),
            spaceBefore=3,
            spaceAfter=7,
        ),
        1: ParagraphStyle(
            "h1",
            parent=base,
            fontName=f"{FONT_NAME}-Bold",
            fontSize=16,
            leading=20,
            spaceBefore=10,
            spaceAfter=8,
            keepWithNext=1,
        ),
        2: ParagraphStyle(
            "h2",
            parent=base,
            fontName=f"{FONT_NAME}-Bold",
            fontSize=12.5,
            leading=16,
            spaceBefore=10,
            spaceAfter=5,
            keepWithNext=1,
        ),
        3: ParagraphStyle(
            "h3",
            parent=base,
            fontName=f"{FONT_NAME}-Bold",
            fontSize=10.5,
            leading=13,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=1,
        ),
    }


def render_pdf(document: Document) -> bytes:
    """Typeset ``document`` as an A4 PDF with outline, contents and page numbers."""
    _register_fonts()
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import (
        Indenter,
        KeepTogether,
        ListFlowable,
        ListItem,
        SimpleDocTemplate,
        Spacer,
    )
    from reportlab.platypus import PageBreak as RLPageBreak
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle as RLTableStyle
    from reportlab.platypus.flowables import Flowable

    styles = _pdf_styles()
    footer = document.footer

    class NumberedCanvas(Canvas):
        """Defers page output so each page can say "page X of Y" and contents get page numbers."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []
            self.heading_pages: dict[str, int] = {}
            self.toc_slots: list[tuple[int, float, float, float, float, str]] = []

        def showPage(self):  # noqa: N802 - ReportLab API
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            slots_by_page: dict[int, list] = {}
            for slot in self.toc_slots:
                slots_by_page.setdefault(slot[0], []).append(slot)
            for state in self._saved_pages:
                self.__dict__.update(state)
                width = self._pagesize[0]
                self.setFillColor(colors.HexColor("#555555"))
                self.setFont(FONT_NAME, 7.5)
                self.drawRightString(width - 18 * mm, 10 * mm, _page_label(self._pageNumber, total))
                if footer:
                    self.drawString(18 * mm, 10 * mm, footer[:120])
                self.setFillColor(colors.black)
                for _page, x, y, w, _h, key in slots_by_page.get(self._pageNumber, ()):
                    target = self.heading_pages.get(key)
                    if target is None:
                        continue
                    self.setFont(FONT_NAME, 9)
                    self.drawRightString(x + w, y + 2.5, str(target))
                super().showPage()
            super().save()

    class TocLine(Flowable):
        """One line of the contents; its page number is drawn once all pages are laid out."""

        def __init__(self, text: str, level: int, key: str):
            super().__init__()
            self.text, self.level, self.key = text, level, key
            self.line_height = 13 if level == 0 else 11.5

        def wrap(self, avail_width, avail_height):
            self.width = avail_width
            return avail_width, self.line_height

        def draw(self):
            canv = self.canv
            indent = 14 * self.level
            size = 10 if self.level == 0 else 9
            font = f"{FONT_NAME}-Bold" if self.level == 0 else FONT_NAME
            room = self.width - indent - 36
            text = self.text
            while text and stringWidth(text, font, size) > room:
                text = text[: max(0, len(text) - 4)].rstrip() + "…"
                if len(text) <= 2:
                    break
            canv.setFont(font, size)
            canv.drawString(indent, 2.5, text)
            canv.linkRect("", self.key, (0, 0, self.width, self.line_height), relative=1)
            x, y = canv.absolutePosition(0, 0)
            canv.toc_slots.append(
                (canv.getPageNumber(), x, y, self.width, self.line_height, self.key)
            )

    class Template(SimpleDocTemplate):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._outline_level = -1

        def afterFlowable(self, flowable):  # noqa: N802 - ReportLab API
            key = getattr(flowable, "_toc_key", None)
            if key is None:
                return
            self.canv.bookmarkPage(key)
            self.canv.heading_pages[key] = self.page
            # An outline may only go one level deeper at a time.
            outline_level = min(flowable._toc_level, self._outline_level + 1)
            self.canv.addOutlineEntry(
                flowable._toc_text, key, level=outline_level, closed=outline_level > 0
            )
            self._outline_level = outline_level

    story = []
    toc_entries = []
    for block in document.blocks:
        if isinstance(block, Heading) and block.in_toc:
            key = f"h{len(toc_entries)}"
            toc_entries.append((block, key))
    heading_keys = {id(block): key for block, key in toc_entries}

    def cell(value, head=False, width=None):
        spans = as_spans(value)
        # Short plain text is drawn as a string: no line breaking, several
        # times faster than a Paragraph in a table that is laid out repeatedly.
        if width is not None and len(spans) <= 1:
            text = spans[0] if spans else None
            plain = text is None or not (text.bold or text.italic or text.href)
            if plain:
                value = text.text if text else ""
                if "\n" not in value and stringWidth(value, FONT_NAME, 8) < width - 7:
                    return value
        return RLParagraph(_pdf_markup(spans), styles["cellhead" if head else "cell"])

    table_style = RLTableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONT", (0, 0), (-1, -1), FONT_NAME, 8, 10),
            ("FONT", (0, 0), (-1, 0), f"{FONT_NAME}-Bold", 8, 10),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
    )
    kv_style = RLTableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]
    )
    frame_width = A4[0] - 36 * mm

    def col_widths(count, hint):
        if not hint or len(hint) != count:
            hint = [1] * count
        total = float(sum(hint)) or 1.0
        return [frame_width * w / total for w in hint]

    story.append(RLParagraph(escape(document.title), styles["title"]))
    if document.subtitle:
        story.append(RLParagraph(escape(document.subtitle), styles["subtitle"]))
    for line in document.meta:
        story.append(RLParagraph(escape(line), styles["meta"]))
    story.append(Spacer(1, 6 * mm))

    for block in document.blocks:
        if isinstance(block, Heading):
            level = max(1, min(3, block.level))
            para = RLParagraph(escape(block.text), styles[level])
            key = heading_keys.get(id(block))
            if key:
                para._toc_key = key
                para._toc_level = level - 1
                para._toc_text = block.text
            story.append(para)
        elif isinstance(block, Paragraph):
            story.append(
                RLParagraph(_pdf_markup(block.spans), styles.get(block.style, styles["body"]))
            )
        elif isinstance(block, BulletList):
            if not block.items:
                continue
            indent = 16 if block.ordered else 12  # numbers are wider than bullets
            items = [
                ListItem(
                    RLParagraph(_pdf_markup(as_spans(item)), styles["bullet"]), leftIndent=indent
                )
                for item in block.items
            ]
            if block.ordered:
                kind = {"bulletType": "1", "start": block.start, "bulletFormat": "%s."}
                kind["bulletFontSize"] = 9.5
            else:
                kind = {"bulletType": "bullet", "start": "•" if block.depth == 0 else "◦"}
            nesting = 16 * block.depth
            story += [
                Indenter(left=nesting),
                ListFlowable(items, bulletFontName=FONT_NAME, leftIndent=indent, **kind),
                Indenter(left=-nesting),
            ]
        elif isinstance(block, CodeBlock):
            # Every space kept, and a long line broken at the margin rather than overflowing it.
            lines = escape(block.text).replace(" ", "\u00a0").split("\n")
            story.append(RLParagraph("<br/>".join(lines), styles["code"]))
        elif isinstance(block, Table):
            widths = col_widths(len(block.header), block.widths)
            header = [cell(h, head=True) for h in block.header]
            rows = block.rows or []
            if not rows:
                continue
            for start in range(0, len(rows), PDF_TABLE_CHUNK):
                chunk = [header] + [
                    [cell(v, width=w) for v, w in zip(row, widths, strict=False)]
                    for row in rows[start : start + PDF_TABLE_CHUNK]
                ]
                table = RLTable(chunk, colWidths=widths, repeatRows=1, splitByRow=1)
                table.setStyle(table_style)
                story.append(table)
        elif isinstance(block, KeyValue):
            if not block.pairs:
                continue
            data = [[cell(k, head=True), cell(v)] for k, v in block.pairs]
            table = RLTable(data, colWidths=col_widths(2, [1, 2.6]), splitByRow=1)
            table.setStyle(kv_style)
            story.append(KeepTogether([table]) if len(data) < 12 else table)
            story.append(Spacer(1, 2 * mm))
        elif isinstance(block, PageBreak):
            story.append(RLPageBreak())
        elif isinstance(block, TableOfContents):
            if block.title:
                story.append(RLParagraph(escape(block.title), styles[1]))
            for heading, key in toc_entries:
                if heading.level <= block.depth:
                    story.append(TocLine(heading.text, heading.level - 1, key))
            story.append(RLPageBreak())

    buffer = io.BytesIO()
    template = Template(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=document.title,
        subject=document.subtitle,
        lang=document.language,
        creator="GFMD civil society portal",
    )
    template.build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()


# ---------------------------------------------------------------- DOCX


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
