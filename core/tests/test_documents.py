"""Markdown in documents says what the page says: same text, emphasis and links."""

from html.parser import HTMLParser

import pytest

from core.documents import (
    BulletList,
    CodeBlock,
    Heading,
    KeyValue,
    Paragraph,
    Span,
    Table,
    as_spans,
    blocks_from_markdown,
)
from core.markdown import render_markdown

SAMPLES = {
    "emphasis": "Some *italic*, _also italic_, **strong**, __also strong__ and ***both***.",
    "links": (
        "[GFMD](https://gfmd.org/about?a=1&b=2) and <https://example.org/x>, "
        "[write](mailto:info@example.org), [bad](javascript:alert(1)) "
        "and [worse](JaVaScRiPt:alert(1))"
    ),
    "nested lists": "- one\n- two\n    - two **a**\n    - two b\n        - deeper\n- three",
    "numbered": "1. first\n2. second\n    1. inner\n    2. inner *two*\n3. third",
    "loose list": "- a\n\n- b\n\n    b continued\n",
    "quote": "> A quoted **claim**,\n> on two lines.\n\n> - a quoted item\n\nAfter.",
    "code": "Use `<b>not bold</b>` here.\n\n    def f():\n        return '<i>x</i>'\n\nDone.",
    "script": "<script>alert(1)</script>Before <b>bold</b> and after.",
    "img onerror": '<img src=x onerror="alert(1)">Text after the image.',
    "raw div": '<div onclick=alert(1)>inside</div>\n\n<a href="javascript:alert(1)">raw</a>',
    "long word": "Start " + "x" * 300 + " end.",
    "arabic": "حقوق **المهاجرين** أولا و [الرابط](https://gfmd.org/ar).",
    "chinese": "移民 *权利* 优先，**发展** 与 [链接](https://gfmd.org/zh)。",
    "headings": "# Top\n\n## Second\n\n### Third\n\n#### Fourth\n\nBody text.",
    "table": "| Kind | Count |\n|---|---:|\n| *NGO* | [12](https://gfmd.org/n) |\n| Union | 3 |",
    "line break": "First line  \nsecond line &amp; an entity.",
    "escapes": r"Not \*emphasis\*, US\$4 and 2 < 3 > 1 & more.",
}


_INLINE_TAGS = {"a", "strong", "b", "em", "i", "code", "del", "sup", "sub"}


class _PageReader(HTMLParser):
    """What a reader of the page sees: its words, bold and italic words, and link targets."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.bold: list[str] = []
        self.italic: list[str] = []
        self.links: set[tuple[str, str]] = set()
        self._open: list[tuple[str, dict]] = []
        self._link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "hr"):
            self._open.append((tag, dict(attrs)))
        if tag == "a":
            self._link_text = []
        if tag not in _INLINE_TAGS:
            self.text.append(" ")

    def handle_endtag(self, tag):
        if tag == "a":
            href = next((a.get("href") for t, a in reversed(self._open) if t == "a"), None)
            if href:
                self.links.add((" ".join("".join(self._link_text).split()), href))
        while self._open:
            if self._open.pop()[0] == tag:
                break
        if tag not in _INLINE_TAGS:
            self.text.append(" ")

    def handle_data(self, data):
        tags = {tag for tag, _attrs in self._open}
        self.text.append(data)
        if tags & {"strong", "b"}:
            self.bold.extend(data.split())
        if tags & {"em", "i"}:
            self.italic.extend(data.split())
        if "a" in tags:
            self._link_text.append(data)


def _page(text):
    reader = _PageReader()
    reader.feed(str(render_markdown(text)))
    reader.close()
    return {
        "words": "".join(reader.text).split(),
        "bold": reader.bold,
        "italic": reader.italic,
        "links": reader.links,
    }


def _spans_of(blocks):
    for block in blocks:
        if isinstance(block, Heading):
            yield (Span(block.text),)
        elif isinstance(block, Paragraph):
            yield block.spans
        elif isinstance(block, BulletList):
            yield from (as_spans(item) for item in block.items)
        elif isinstance(block, CodeBlock):
            yield (Span(block.text, code=True),)
        elif isinstance(block, Table):
            yield from (as_spans(cell) for cell in block.header)
            yield from (as_spans(cell) for row in block.rows for cell in row)
        elif isinstance(block, KeyValue):
            raise AssertionError("Markdown never makes key-value tables")


def _text(blocks):
    return " ".join("".join(span.text for span in group) for group in _spans_of(blocks))


def _document(text):
    blocks = blocks_from_markdown(text)
    spans = [span for group in _spans_of(blocks) for span in group]
    links: dict[str, list[str]] = {}
    for span in spans:
        if span.href:
            links.setdefault(span.href, []).append(span.text)
    return {
        "words": _text(blocks).split(),
        "bold": [word for span in spans if span.bold for word in span.text.split()],
        "italic": [word for span in spans if span.italic for word in span.text.split()],
        "links": {(" ".join(" ".join(parts).split()), href) for href, parts in links.items()},
    }


@pytest.mark.parametrize("name", SAMPLES)
def test_document_carries_the_pages_text_emphasis_and_links(name):
    page, document = _page(SAMPLES[name]), _document(SAMPLES[name])
    assert document["words"] == page["words"]
    assert document["bold"] == page["bold"]
    assert document["italic"] == page["italic"]
    assert document["links"] == page["links"]


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript:alert(1)">click</a>',
    ],
)
def test_unsafe_link_is_dropped_on_the_page_and_in_documents(text):
    html = str(render_markdown(text))
    assert "href" not in html
    assert "click" in html
    spans = [span for group in _spans_of(blocks_from_markdown(text)) for span in group]
    assert [(span.text, span.href) for span in spans] == [("click", "")]


def test_raw_html_never_reaches_a_document():
    blocks = blocks_from_markdown(
        SAMPLES["script"] + "\n\n" + SAMPLES["img onerror"] + "\n\n" + SAMPLES["raw div"]
    )
    text = _text(blocks)
    assert text == "Before bold and after. Text after the image. inside raw"
    assert "<" not in text and "alert" not in text


def test_lists_keep_their_nesting_and_numbers():
    blocks = blocks_from_markdown(SAMPLES["numbered"] + "\n\n- after")
    shape = [
        (b.ordered, b.start, b.depth, ["".join(s.text for s in as_spans(i)) for i in b.items])
        for b in blocks
        if isinstance(b, BulletList)
    ]
    assert shape == [
        (True, 1, 0, ["first", "second"]),
        (True, 1, 1, ["inner", "inner two"]),
        (True, 3, 0, ["third"]),
        (False, 1, 0, ["after"]),
    ]


def test_quote_code_and_headings_take_their_own_blocks():
    quote = blocks_from_markdown(SAMPLES["quote"])
    assert [type(b).__name__ for b in quote] == ["Paragraph", "BulletList", "Paragraph"]
    assert quote[0].style == "quote" and quote[2].style == "body"

    code = blocks_from_markdown(SAMPLES["code"])
    assert code[1] == CodeBlock("def f():\n    return '<i>x</i>'")
    assert [s for s in code[0].spans if s.code] == [Span("<b>not bold</b>", code=True)]

    # The page allows h3 to h6 only; what it strips of h1 and h2 is plain text here too.
    headings = blocks_from_markdown(SAMPLES["headings"], base_level=2)
    assert [(type(b).__name__, getattr(b, "level", None)) for b in headings] == [
        ("Paragraph", None),
        ("Heading", 2),
        ("Heading", 3),
        ("Paragraph", None),
    ]
    assert not any(b.in_toc for b in headings if isinstance(b, Heading))


def test_line_breaks_and_spaces_read_as_on_the_page():
    (paragraph,) = blocks_from_markdown("  Two   spaces\nand a line  \nbreak.  ")
    assert [s.text for s in paragraph.spans] == ["Two spaces and a line\nbreak."]
    (paragraph,) = blocks_from_markdown("a **b** *c* d")
    assert [(s.text, s.bold, s.italic) for s in paragraph.spans] == [
        ("a ", False, False),
        ("b", True, False),
        (" ", False, False),
        ("c", False, True),
        (" d", False, False),
    ]


def test_empty_text_gives_no_blocks():
    assert blocks_from_markdown("") == []
    assert blocks_from_markdown("   \n\n ") == []
    assert blocks_from_markdown("<script>alert(1)</script>") == []
