"""Render a ``documents.Document`` as PDF with ReportLab.

ReportLab's paragraph mini-language is escaped, so user text stays plain text.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape, quoteattr

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
from ._common import CODE_BACKGROUND, FONT_NAME, _page_label, _register_fonts

# Long tables are cut into chunks: ReportLab splits a table across pages by
# re-laying out the remainder, which grows quadratically with its length.
PDF_TABLE_CHUNK = 60


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
