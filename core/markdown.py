"""Markdown for user text, through an allow-list sanitiser.

PDF and DOCX documents read this same sanitised HTML
(``core.documents.blocks_from_markdown``), so the allow-list decides what
user text may show everywhere.
"""

import threading
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "sup",
    "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


_local = threading.local()


def _converter() -> markdown_lib.Markdown:
    # Building a Markdown instance compiles dozens of patterns: one per thread, reset per use.
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = markdown_lib.Markdown(extensions=["sane_lists", "tables"], output_format="html")
        _local.converter = converter
    return converter


@lru_cache(maxsize=4096)
def _render(text: str) -> str:
    # A pure function of the text, so the same comment is converted once per process.
    html = _converter().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )


def render_markdown(text: str) -> SafeString:
    """Render Markdown to HTML that cannot run script or carry raw markup through."""
    return mark_safe(_render(str(text or "")))  # noqa: S308 - sanitised by nh3 with an allow-list
