"""Parse the text of the 2007 Civil Society Day end report into plain data.

The parser reads the whole file and either returns a ``ParsedReport`` or raises
``ReportFormatError`` naming the line and what it expected there; it never
touches the database. docs/recommendations.md describes the format and rules.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

DEFAULT_REPORT_PATH = (
    Path(__file__).resolve().parent / "data" / ("gfmd-2007-civil-society-day-end-report.txt")
)
SESSION_COUNT = 8
# Runs of this many blank lines separate the report's chapters (page layout);
# single blank lines separate paragraphs.
CHAPTER_BREAK_BLANK_LINES = 3

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}

LIST_ITEM_RE = re.compile(r"^- (?P<text>\S.*)$")
NUMBERED_HEADING_RE = re.compile(r"^(?P<number>\d{1,2})\. (?P<title>\S.{0,199})$")
SESSION_HEADING_RE = re.compile(r"^Session (?P<number>\d{1,2})$")
# "Example: *...*", "***Example:** ...*", "Example, *...*" and a bare "Example: ...".
EXAMPLE_RE = re.compile(r"^(?P<lead>\*{0,3})Example[:,](?P<close>\*{0,2})\s+(?P<text>\S.*)$")
ISBN_RE = re.compile(r"^ISBN:\s*(?P<isbn>[0-9][0-9-]{8,}[0-9Xx])$")
PUBLISHER_RE = re.compile(r"^A publication of the (?P<publisher>.+?),?$")
MONTH_YEAR_RE = re.compile(r"^(?P<month>[A-Z][a-z]+) (?P<year>\d{4})$")
EDITION_RE = re.compile(r"^GFMD \w+ (?P<year>\d{4})$")
# Characters whose backslash escape carries no meaning in Markdown; any other
# escape (\*, \_, \[ ...) is kept so the character still renders literally.
UNESCAPABLE = "$%&,;:=?@\"'~^/"
ESCAPE_RE = re.compile(r"\\(?P<char>[" + re.escape(UNESCAPABLE) + r"])")


class ReportFormatError(Exception):
    """The file is not the report in the expected format."""

    def __init__(self, message: str, *, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines, or a chapter break (``text`` is None)."""

    line: int
    lines: tuple[str, ...] = ()

    @property
    def is_break(self) -> bool:
        return not self.lines

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    def describe(self) -> str:
        if self.is_break:
            return "a chapter break (three blank lines)"
        text = self.text
        return '"' + (text if len(text) <= 70 else text[:67] + "...") + '"'


@dataclass
class ParsedTheme:
    order: int
    name: str
    slug: str
    description: str
    line: int


@dataclass
class ParsedRecommendation:
    number: int
    title: str
    body: str
    examples: list[str]
    line: int

    def citation(self, session_number: int) -> str:
        return f"S{session_number}.R{self.number}"

    def slug(self, session_number: int) -> str:
        return make_slug(f"s{session_number}-r{self.number}", self.title)


@dataclass
class ParsedSession:
    number: int
    title: str
    summary: str
    background: str
    policy_challenges: str
    recommendations: list[ParsedRecommendation]
    line: int

    @property
    def slug(self) -> str:
        return make_slug(f"s{self.number}", self.title)


@dataclass
class ParsedReport:
    title: str
    publisher: str
    year: int
    publication_date: datetime.date | None
    isbn: str
    source_sha256: str
    themes: list[ParsedTheme] = field(default_factory=list)
    sessions: list[ParsedSession] = field(default_factory=list)

    @property
    def recommendation_count(self) -> int:
        return sum(len(session.recommendations) for session in self.sessions)

    @property
    def example_count(self) -> int:
        return sum(
            len(rec.examples) for session in self.sessions for rec in session.recommendations
        )


def make_slug(prefix: str, title: str, max_length: int = 100) -> str:
    """``prefix-slugified-title``, cut at a word boundary to fit ``max_length``."""
    # "discussion/capacity-building" reads as two words, not one.
    slug = f"{prefix}-{slugify(title.replace('/', ' '))}".strip("-")
    if len(slug) <= max_length:
        return slug
    return slug[:max_length].rsplit("-", 1)[0]


def theme_slug(name: str) -> str:
    """ "A rights-based approach" -> "rights-based-approach"."""
    return re.sub(r"^(a|an|the)-", "", slugify(name))


def tokenize(text: str) -> list[Block]:
    """Split the text into blocks of lines, with chapter breaks between chapters."""
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    blank_run = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            if current:
                blocks.append(Block(start, tuple(current)))
                current = []
            blank_run += 1
            continue
        if blank_run >= CHAPTER_BREAK_BLANK_LINES and blocks:
            blocks.append(Block(number - 1))
        blank_run = 0
        if not current:
            start = number
        current.append(line.strip())
    if current:
        blocks.append(Block(start, tuple(current)))
    return blocks


def unescape(text: str) -> str:
    return ESCAPE_RE.sub(lambda match: match.group("char"), text)


@dataclass
class _Paragraph:
    line: int
    text: str = ""
    items: list[str] = field(default_factory=list)

    @property
    def is_list(self) -> bool:
        return bool(self.items)

    def markdown(self) -> str:
        if self.is_list:
            return "\n".join(f"- {item}" for item in self.items)
        return self.text


def _paragraphs(blocks: list[Block]) -> list[_Paragraph]:
    """Turn content blocks into paragraphs and lists, mending the page layout.

    A paragraph that starts with a lower-case letter continues the previous
    one (the page layout split it); list items separated by blank lines
    belong to one list.
    """
    paragraphs: list[_Paragraph] = []
    for block in blocks:
        text_lines: list[str] = []
        for line in (*block.lines, None):
            item = LIST_ITEM_RE.match(line) if line is not None else None
            if (item or line is None) and text_lines:
                _add_text(paragraphs, block.line, unescape(" ".join(text_lines)))
                text_lines = []
            if item:
                text = unescape(item.group("text"))
                if paragraphs and paragraphs[-1].is_list:
                    paragraphs[-1].items.append(text)
                else:
                    paragraphs.append(_Paragraph(block.line, items=[text]))
            elif line is not None:
                text_lines.append(line)
    return paragraphs


def _add_text(paragraphs: list[_Paragraph], line: int, text: str) -> None:
    previous = paragraphs[-1] if paragraphs else None
    if previous and not previous.is_list and text[:1].islower():
        head = previous.text
        if head.endswith("*") and not head.endswith("**") and "*" not in text:
            # The emphasis was closed at the page's end: it runs on to the paragraph's end.
            previous.text = f"{head[:-1]} {text}*"
        else:
            previous.text = f"{head} {text}"
        return
    paragraphs.append(_Paragraph(line, text=text))


def _example_text(paragraph: _Paragraph) -> str | None:
    """The example's Markdown without its "Example:" label, or None."""
    if paragraph.is_list:
        return None
    match = EXAMPLE_RE.match(paragraph.text)
    if not match:
        return None
    text = match.group("text")
    lead = match.group("lead")
    # "***Example:** text*": bold-italic label inside an emphasis closing at the end.
    if lead == "***" and match.group("close") == "**":
        text = f"*{text}"
    return text


def _markdown(paragraphs: list[_Paragraph]) -> str:
    return "\n\n".join(paragraph.markdown() for paragraph in paragraphs)


class _Cursor:
    def __init__(self, blocks: list[Block], last_line: int):
        self.blocks = blocks
        self.position = 0
        self.last_line = last_line

    def peek(self) -> Block | None:
        return self.blocks[self.position] if self.position < len(self.blocks) else None

    def next(self) -> Block | None:
        block = self.peek()
        if block is not None:
            self.position += 1
        return block

    def skip_breaks(self) -> None:
        while (block := self.peek()) is not None and block.is_break:
            self.position += 1

    def fail(self, expected: str, block: Block | None = None) -> ReportFormatError:
        block = block if block is not None else self.peek()
        if block is None:
            return ReportFormatError(
                f"expected {expected}, but the file ends here (after line {self.last_line}).",
                line=self.last_line,
            )
        return ReportFormatError(f"expected {expected}, found {block.describe()}.", line=block.line)

    def expect_heading(self, text: str) -> Block:
        self.skip_breaks()
        block = self.peek()
        if block is None or block.is_break or block.text != text:
            raise self.fail(f'the heading "{text}"')
        self.position += 1
        return block

    def take_until(self, stop) -> list[Block]:
        """Content blocks up to (not including) a chapter break or a block ``stop`` accepts."""
        taken = []
        while (block := self.peek()) is not None and not block.is_break and not stop(block):
            taken.append(block)
            self.position += 1
        return taken


def parse_report(text: str) -> ParsedReport:
    """Parse the report's text; raise ReportFormatError on anything unexpected."""
    if not text.strip():
        raise ReportFormatError("expected the text of the report, but the file is empty.")
    lines = text.splitlines()
    last_line = max(number for number, line in enumerate(lines, start=1) if line.strip())
    cursor = _Cursor(tokenize(text), last_line=last_line)
    report = _parse_front_matter(cursor)
    report.source_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    theme_names, summaries = _parse_executive_summary(cursor)
    report.themes = _parse_common_themes(cursor, theme_names)
    cursor.expect_heading("Eight sessions")
    for number in range(1, SESSION_COUNT + 1):
        session = _parse_session(cursor, number)
        session.summary = summaries[number]
        report.sessions.append(session)
    # The back cover follows the last session; without it the file was cut short.
    block = cursor.next()
    if block is None or not block.is_break or cursor.peek() is None:
        raise cursor.fail(
            f"the end of Session {SESSION_COUNT} (three blank lines, then the back cover)",
            block,
        )
    return report


def _parse_front_matter(cursor: _Cursor) -> ParsedReport:
    front: list[Block] = []
    while (block := cursor.peek()) is not None:
        previous = front[-1] if front else None
        if block.text == "Executive summary" and (previous is None or previous.is_break):
            break
        front.append(block)
        cursor.position += 1
    if cursor.peek() is None:
        raise ReportFormatError(
            'expected a chapter headed "Executive summary" after the title pages, '
            f"but none was found in the {cursor.last_line} lines of the file: "
            "this does not look like the 2007 Civil Society Day end report.",
            line=1,
        )
    last_front_line = cursor.peek().line - 1
    lines = [line for block in front for line in block.lines]
    title = None
    for index, line in enumerate(lines[:-1]):
        if line == "End Report":
            title = f"{lines[index + 1].rstrip('.')}: End Report"
            break
    isbn = next((m.group("isbn") for m in map(ISBN_RE.match, lines) if m), None)
    publisher = next((m.group("publisher") for m in map(PUBLISHER_RE.match, lines) if m), None)
    edition = next((m.group("year") for m in map(EDITION_RE.match, lines) if m), None)
    publication_date = None
    for match in map(MONTH_YEAR_RE.match, lines):
        if match and match.group("month") in MONTHS:
            publication_date = datetime.date(
                int(match.group("year")), MONTHS[match.group("month")], 1
            )
            break
    missing = [
        what
        for what, value in [
            ('a line "End Report" followed by the title', title),
            ('a line "ISBN: <number>"', isbn),
            ('a line "A publication of the <publisher>,"', publisher),
            ('a line "GFMD <country> <year>"', edition),
        ]
        if value is None
    ]
    if missing:
        raise ReportFormatError(
            f"expected in the title pages (lines 1-{last_front_line}): " + "; ".join(missing) + ".",
            line=1,
        )
    return ParsedReport(
        title=title,
        publisher=publisher,
        year=int(edition),
        publication_date=publication_date,
        isbn=isbn,
        source_sha256="",
    )


def _parse_executive_summary(cursor: _Cursor) -> tuple[list[tuple[str, int]], dict[int, str]]:
    cursor.expect_heading("Executive summary")
    cursor.take_until(lambda block: block.text == "Common themes")
    cursor.expect_heading("Common themes")
    cursor.take_until(lambda block: LIST_ITEM_RE.match(block.lines[0]))
    list_blocks = cursor.take_until(lambda block: not LIST_ITEM_RE.match(block.lines[0]))
    theme_names = [
        (LIST_ITEM_RE.match(line).group("text"), block.line)
        for block in list_blocks
        for line in block.lines
        if LIST_ITEM_RE.match(line)
    ]
    if not theme_names:
        raise cursor.fail('the list of common themes ("- A rights-based approach", ...)')
    cursor.expect_heading("Eight sessions")
    summaries: dict[int, str] = {}
    for number in range(1, SESSION_COUNT + 1):
        block = cursor.peek()
        match = NUMBERED_HEADING_RE.match(block.text) if block and not block.is_break else None
        if not match or int(match.group("number")) != number:
            raise cursor.fail(f'the summary of session {number} ("{number}. <title>")')
        cursor.position += 1
        body = cursor.take_until(lambda block: NUMBERED_HEADING_RE.match(block.text))
        if not body:
            raise cursor.fail(f"the summary paragraphs of session {number}")
        summaries[number] = _markdown(_paragraphs(body))
    return theme_names, summaries


def _parse_common_themes(cursor: _Cursor, names: list[tuple[str, int]]) -> list[ParsedTheme]:
    cursor.expect_heading("Common themes")
    cursor.skip_breaks()
    wanted = {name for name, _ in names}
    cursor.take_until(lambda block: block.text in wanted)
    themes = []
    for order, (name, _line) in enumerate(names, start=1):
        cursor.skip_breaks()
        heading = cursor.expect_heading(name)
        body = cursor.take_until(lambda block: block.text in wanted)
        if not body:
            raise cursor.fail(f'the description of the common theme "{name}"')
        themes.append(
            ParsedTheme(
                order=order,
                name=name,
                slug=theme_slug(name),
                description=_markdown(_paragraphs(body)),
                line=heading.line,
            )
        )
    return themes


def _parse_session(cursor: _Cursor, number: int) -> ParsedSession:
    cursor.skip_breaks()
    heading = cursor.peek()
    match = SESSION_HEADING_RE.match(heading.text) if heading and not heading.is_break else None
    if not match or int(match.group("number")) != number:
        raise cursor.fail(f'the heading "Session {number}"')
    cursor.position += 1
    title_block = cursor.peek()
    if title_block is None or title_block.is_break or len(title_block.lines) != 1:
        raise cursor.fail(f"the title of session {number} on one line")
    cursor.position += 1
    cursor.expect_heading("Background")
    background = cursor.take_until(lambda block: block.text == "Policy challenges")
    cursor.expect_heading("Policy challenges")
    challenges = cursor.take_until(lambda block: block.text == "Suggested ways forward")
    cursor.expect_heading("Suggested ways forward")
    if not background:
        raise cursor.fail(f"the background of session {number}")
    recommendations = []
    expected = 1
    while True:
        block = cursor.peek()
        match = NUMBERED_HEADING_RE.match(block.text) if block and not block.is_break else None
        if not match or int(match.group("number")) != expected or len(block.lines) != 1:
            if expected == 1:
                raise cursor.fail(f'recommendation 1 of session {number} ("1. <title>")')
            break
        cursor.position += 1
        recommendations.append(_parse_recommendation(cursor, expected, match.group("title"), block))
        expected += 1
    block = cursor.peek()
    if block is not None and not block.is_break:
        raise cursor.fail(
            f'recommendation {expected} of session {number} ("{expected}. <title>") '
            "or the end of the session"
        )
    return ParsedSession(
        number=number,
        title=title_block.text,
        summary="",
        background=_markdown(_paragraphs(background)),
        policy_challenges=_markdown(_paragraphs(challenges)),
        recommendations=recommendations,
        line=heading.line,
    )


def _parse_recommendation(
    cursor: _Cursor, number: int, title: str, heading: Block
) -> ParsedRecommendation:
    def next_heading(block: Block) -> bool:
        match = NUMBERED_HEADING_RE.match(block.text)
        if not match or len(block.lines) != 1:
            return False
        if int(match.group("number")) != number + 1:
            raise cursor.fail(f'recommendation {number + 1} ("{number + 1}. <title>")', block)
        return True

    blocks = cursor.take_until(next_heading)
    body: list[_Paragraph] = []
    examples: list[str] = []
    for paragraph in _paragraphs(blocks):
        example = _example_text(paragraph)
        if example is None:
            body.append(paragraph)
        else:
            examples.append(example)
    if not body:
        raise ReportFormatError(
            f'expected the text of recommendation {number} ("{title}") under its heading.',
            line=heading.line,
        )
    return ParsedRecommendation(
        number=number,
        title=unescape(title),
        body=_markdown(body),
        examples=examples,
        line=heading.line,
    )
