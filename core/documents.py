"""A neutral document model that every renderer (PDF, DOCX) turns into a file.

Builders describe what a document says with these dataclasses; renderers
decide how it looks. User text is only ever carried as plain strings inside
``Span`` objects: renderers escape it, so it can never become markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SAFE_URL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def clean_text(value: object) -> str:
    """Return ``value`` as text without the control characters XML forbids."""
    if value is None:
        return ""
    return _CONTROL_CHARS.sub("", str(value))


@dataclass(frozen=True)
class Span:
    """A run of plain text, optionally bold, italic or a link to an http(s) URL."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""

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
    items: list[Inline | list[Inline]]


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


Block = Union[Heading, Paragraph, BulletList, Table, KeyValue, PageBreak, TableOfContents]  # noqa: UP007


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


# A small Markdown subset, enough for position texts: headings, paragraphs,
# bullet lists, **bold**, *italic*, [links](https://...). Anything else stays
# literal text.
_INLINE = re.compile(
    r"\*\*(?P<b>.+?)\*\*|__(?P<b2>.+?)__|\*(?P<i>[^*\s][^*]*?)\*|_(?P<i2>[^_\s][^_]*?)_"
    r"|\[(?P<lt>[^\]]+)\]\((?P<lh>[^)\s]+)\)"
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")


def inline_markdown(text: str) -> tuple[Span, ...]:
    """Turn emphasis and links of a line of Markdown into spans; the rest is plain text."""
    spans: list[Span] = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            spans.append(Span(text[pos : match.start()]))
        if match.group("b") or match.group("b2"):
            spans.append(Span(match.group("b") or match.group("b2"), bold=True))
        elif match.group("i") or match.group("i2"):
            spans.append(Span(match.group("i") or match.group("i2"), italic=True))
        else:
            href = match.group("lh")
            span = Span(match.group("lt"), href=href)
            if not span.href:
                span = Span(match.group(0))
            spans.append(span)
        pos = match.end()
    if pos < len(text):
        spans.append(Span(text[pos:]))
    return tuple(spans)


def blocks_from_markdown(text: str, *, base_level: int = 3) -> list[Block]:
    """Convert Markdown text into blocks; headings start at ``base_level``."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    bullets: list[tuple[Span, ...]] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Paragraph(list(inline_markdown(" ".join(paragraph)))))
            paragraph.clear()
        if bullets:
            blocks.append(BulletList([list(item) for item in bullets]))
            bullets.clear()

    for raw in clean_text(text).replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        if heading:
            flush()
            level = min(3, base_level + len(heading.group(1)) - 1)
            blocks.append(Heading(level, heading.group(2).strip(), in_toc=False))
        elif bullet:
            if paragraph:
                flush()
            bullets.append(inline_markdown(bullet.group(1)))
        else:
            if bullets:
                flush()
            paragraph.append(line.strip())
    flush()
    return blocks
