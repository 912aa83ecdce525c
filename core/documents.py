"""A neutral document model that every renderer (PDF, DOCX) turns into a file.

Builders describe what a document says with these dataclasses; renderers
decide how it looks. User text is only ever carried as plain strings inside
``Span`` objects: renderers escape it, so it can never become markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Union

from core.markdown import render_markdown

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SAFE_URL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def clean_text(value: object) -> str:
    """Return ``value`` as text without the control characters XML forbids."""
    if value is None:
        return ""
    return _CONTROL_CHARS.sub("", str(value))


@dataclass(frozen=True)
class Span:
    """A run of plain text, optionally bold, italic, code or a link to an http(s) URL."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""
    code: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clean_text(self.text))
        if self.href and not _SAFE_URL.match(self.href):
            object.__setattr__(self, "href", "")


def bold(text: object) -> Span:
    return Span(clean_text(text), bold=True)


def italic(text: object) -> Span:
    return Span(clean_text(text), italic=True)


def link(text: object, href: str) -> Span:
    return Span(clean_text(text), href=href)


Inline = Union[str, Span]  # noqa: UP007 - readable alias for dataclass fields


def as_spans(content: Inline | list[Inline] | tuple[Inline, ...]) -> tuple[Span, ...]:
    """Normalise text, a span or a sequence of both to a tuple of spans."""
    if isinstance(content, (str, Span)):
        content = [content]
    spans = []
    for item in content:
        if isinstance(item, Span):
            spans.append(item)
        elif item is not None and item != "":
            spans.append(Span(clean_text(item)))
    return tuple(spans)


@dataclass
class Heading:
    level: int  # 1 to 3
    text: str
    in_toc: bool = True


@dataclass
class Paragraph:
    content: Inline | list[Inline] | tuple[Inline, ...]
    style: str = "body"  # body, small, quote

    @property
    def spans(self) -> tuple[Span, ...]:
        return as_spans(self.content)


@dataclass
class BulletList:
    """A list, numbered from ``start`` if ``ordered``; at ``depth`` 1 or more, nested."""

    items: list[Inline | list[Inline]]
    ordered: bool = False
    start: int = 1
    depth: int = 0


@dataclass
class CodeBlock:
    """Preformatted text: its spaces and line breaks are kept."""

    text: str

    def __post_init__(self) -> None:
        self.text = clean_text(self.text)


@dataclass
class Table:
    """A table; ``widths`` are relative column widths (any scale), or None for equal."""

    header: list[str]
    rows: list[list[Inline | list[Inline]]]
    widths: list[float] | None = None


@dataclass
class KeyValue:
    """Label and value pairs, rendered as a two-column table without header."""

    pairs: list[tuple[str, Inline | list[Inline]]]


@dataclass
class PageBreak:
    pass


@dataclass
class TableOfContents:
    title: str = ""
    depth: int = 2


Block = Union[  # noqa: UP007
    Heading, Paragraph, BulletList, CodeBlock, Table, KeyValue, PageBreak, TableOfContents
]


@dataclass
class Document:
    title: str
    subtitle: str = ""
    meta: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""
    language: str = "en"

    def add(self, *blocks: Block) -> Document:
        self.blocks.extend(blocks)
        return self


# Markdown is read from the HTML the page shows, after the sanitiser: these are
# the allow-listed tags of core.markdown that shape a document.
_VOID_TAGS = {"br", "hr"}
_HEADINGS = {"h3": 0, "h4": 1, "h5": 2, "h6": 3}  # levels below the first heading
_LISTS = {"ul", "ol"}
# A horizontal rule carries no text and is left out.
_BLOCK_TAGS = {"p", "blockquote", "pre", "table", "hr", *_LISTS, *_HEADINGS}
# Block elements met inside a list item or a table cell end a line there.
_LINE_ENDING = {"p", "blockquote", "pre", "table", "tr", *_LISTS, *_HEADINGS}
# Whitespace as HTML collapses it: a no-break space is text.
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


class _Element:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag, self.attrs = tag, attrs
        self.children: list[_Element | str] = []


class _TreeBuilder(HTMLParser):
    """A tree of the sanitiser's output, which is well formed and uses only allow-listed tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("", {})
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self._open[-1].children.append(element)
        if tag not in _VOID_TAGS:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, 0, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


# A run of text and how it looks: (bold, italic, href, code).
_Run = tuple[str, tuple[bool, bool, str, bool]]
_PLAIN = (False, False, "", False)


def _collect(
    children: list[_Element | str],
    out: list[_Run],
    look: tuple[bool, bool, str, bool] = _PLAIN,
    *,
    verbatim: bool = False,
) -> list[_Run]:
    for child in children:
        if isinstance(child, str):
            out.append((child if verbatim else _HTML_SPACE.sub(" ", child), look))
        elif child.tag == "br":
            out.append(("\n", _PLAIN))
        else:
            tag = child.tag
            is_bold, is_italic, href, is_code = look
            inner = (
                is_bold or tag in ("strong", "b"),
                is_italic or tag in ("em", "i"),
                child.attrs.get("href", "") if tag == "a" else href,
                is_code or tag == "code",
            )
            _collect(child.children, out, inner, verbatim=verbatim or tag == "pre")
            if tag in _LINE_ENDING:
                out.append(("\n", _PLAIN))
    return out


def _tidy(runs: list[_Run]) -> tuple[Span, ...]:
    """Spans of runs that look alike, without the spaces and line ends HTML would not show."""
    merged: list[list] = []
    for text, look in runs:
        if text.startswith("\n") and merged and merged[-1][0].endswith(" "):
            merged[-1][0] = merged[-1][0].rstrip(" ")
            if not merged[-1][0]:
                merged.pop()
        before = merged[-1][0][-1] if merged else "\n"
        text = text.lstrip(" \n" if before == "\n" else " " if before == " " else "")
        if not text:
            continue
        if merged and merged[-1][1] == look:
            merged[-1][0] += text
        else:
            merged.append([text, look])
    while merged and not merged[-1][0].rstrip(" \n"):
        merged.pop()
    if merged:
        merged[-1][0] = merged[-1][0].rstrip(" \n")
    return tuple(
        Span(text, bold=is_bold, italic=is_italic, href=href, code=is_code)
        for text, (is_bold, is_italic, href, is_code) in merged
    )


def _spans(children: list[_Element | str]) -> tuple[Span, ...]:
    return _tidy(_collect(children, []))


def _plain(children: list[_Element | str]) -> str:
    return "".join(span.text for span in _spans(children))


def _list_blocks(element: _Element, *, depth: int) -> list[Block]:
    """A list, cut where an item holds a nested list so that each part keeps its numbers."""
    blocks: list[Block] = []
    ordered = element.tag == "ol"
    items: list[Inline | list[Inline]] = []
    start = 1
    for item in element.children:
        if isinstance(item, str) or item.tag != "li":
            continue
        nested = [c for c in item.children if isinstance(c, _Element) and c.tag in _LISTS]
        content = [c for c in item.children if isinstance(c, str) or c.tag not in _LISTS]
        items.append(list(_spans(content)))
        if nested:
            blocks.append(BulletList(items, ordered=ordered, start=start, depth=depth))
            start += len(items)
            items = []
            for sublist in nested:
                blocks.extend(_list_blocks(sublist, depth=depth + 1))
    if items:
        blocks.append(BulletList(items, ordered=ordered, start=start, depth=depth))
    return blocks


def _table(element: _Element) -> Table:
    header: list[str] = []
    rows: list[list[Inline | list[Inline]]] = []
    pending = list(element.children)
    while pending:
        node = pending.pop(0)
        if isinstance(node, str):
            continue
        if node.tag != "tr":
            pending[:0] = node.children
            continue
        cells = [c for c in node.children if isinstance(c, _Element) and c.tag in ("th", "td")]
        if not header and not rows and all(c.tag == "th" for c in cells):
            header = [_plain(c.children) for c in cells]
        else:
            rows.append([list(_spans(c.children)) for c in cells])
    width = max([len(header), *(len(row) for row in rows)])
    return Table(header + [""] * (width - len(header)), rows)


def _blocks(element: _Element, *, base_level: int, style: str = "body") -> list[Block]:
    blocks: list[Block] = []
    # Text outside any block: what the sanitiser leaves of a tag it removes, such as h1.
    loose: list[_Element | str] = []

    def flush_loose() -> None:
        spans = _spans(loose)
        if spans:
            blocks.append(Paragraph(list(spans), style=style))
        loose.clear()

    for child in element.children:
        tag = "" if isinstance(child, str) else child.tag
        if not tag or tag not in _BLOCK_TAGS:
            loose.append(child)
            continue
        flush_loose()
        if tag == "p":
            spans = _spans(child.children)
            if spans:
                blocks.append(Paragraph(list(spans), style=style))
        elif tag in _HEADINGS:
            level = min(3, base_level + _HEADINGS[tag])
            blocks.append(Heading(level, _plain(child.children), in_toc=False))
        elif tag in _LISTS:
            blocks.extend(_list_blocks(child, depth=0))
        elif tag == "blockquote":
            blocks.extend(_blocks(child, base_level=base_level, style="quote"))
        elif tag == "pre":
            code = "".join(text for text, _look in _collect(child.children, [], verbatim=True))
            blocks.append(CodeBlock(code.rstrip("\n")))
        elif tag == "table":
            blocks.append(_table(child))
    flush_loose()
    return blocks


def blocks_from_markdown(text: str, *, base_level: int = 3) -> list[Block]:
    """Blocks showing what the page shows for Markdown ``text``; headings start at ``base_level``.

    The blocks are read from the same sanitised HTML as the page, so a text
    says the same in a PDF or DOCX as on the site, and whatever the sanitiser
    removes (script, images, unsafe links, h1 and h2 tags) is gone here too.
    """
    builder = _TreeBuilder()
    builder.feed(str(render_markdown(text)))
    builder.close()
    return _blocks(builder.root, base_level=base_level)
