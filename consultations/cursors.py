"""Cursors for the pages of comment threads: opaque in links, checked strictly when read.

A cursor is URL-safe base64 of a short JSON list:

- ``["a", sort, key]``: the threads after ``key`` in that order (Next);
- ``["b", sort, key]``: the threads before ``key`` (Previous);
- ``["l", sort]``: the last threads in that order (Last);
- ``["t", pk]``: the page that starts with thread ``pk``, in any order
  (links to a comment and landing after posting, without counting threads).

``key`` holds the values of the sort's columns (see THREAD_KEYS). Anything
else, however it was made, reads as no cursor: the first page.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.urls import reverse
from django.utils.http import urlencode

# The columns of each order, all in one direction: ascending for "oldest",
# descending for the others, so one row comparison walks the index.
THREAD_KEYS = {
    "oldest": ("created_at", "id"),
    "newest": ("created_at", "id"),
    "replies": ("reply_count", "created_at", "id"),
}
DESCENDING = {"newest", "replies"}
MAX_CURSOR_LENGTH = 200
MAX_INT = 2**63 - 1


@dataclass(frozen=True)
class Cursor:
    kind: str  # "after", "before", "last" or "thread"
    key: tuple = ()
    thread: int | None = None


def _encode(payload: list) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _key_out(sort: str, values: tuple) -> list:
    out = []
    for name, value in zip(THREAD_KEYS[sort], values, strict=True):
        out.append(value.isoformat() if name == "created_at" else int(value))
    return out


def after_cursor(sort: str, values: tuple) -> str:
    return _encode(["a", sort, _key_out(sort, values)])


def before_cursor(sort: str, values: tuple) -> str:
    return _encode(["b", sort, _key_out(sort, values)])


def last_cursor(sort: str) -> str:
    return _encode(["l", sort])


def thread_cursor(thread_id: int) -> str:
    return _encode(["t", int(thread_id)])


def _int(value) -> int | None:
    if type(value) is not int or not 0 <= value <= MAX_INT:
        return None
    return value


def _key_in(sort: str, values) -> tuple | None:
    names = THREAD_KEYS[sort]
    if not isinstance(values, list) or len(values) != len(names):
        return None
    key = []
    for name, value in zip(names, values, strict=True):
        if name == "created_at":
            if not isinstance(value, str) or len(value) > 40:
                return None
            try:
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    return None
                # In UTC, as stored; a moment that has none (year 0) is refused.
                moment = moment.astimezone(UTC)
            except (ValueError, OverflowError):
                return None
            key.append(moment)
        else:
            number = _int(value)
            if number is None:
                return None
            key.append(number)
    return tuple(key)


def decode_cursor(text, sort: str) -> Cursor | None:
    """The cursor for ``sort``, or None (the first page) for anything not made here."""
    if not text or not isinstance(text, str) or len(text) > MAX_CURSOR_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        payload = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, list) or not payload:
        return None
    kind = payload[0]
    if kind == "t" and len(payload) == 2:
        thread = _int(payload[1])
        return Cursor("thread", thread=thread) if thread else None
    if len(payload) < 2 or payload[1] != sort:
        return None
    if kind == "l" and len(payload) == 2:
        return Cursor("last")
    if kind in ("a", "b") and len(payload) == 3:
        key = _key_in(sort, payload[2])
        if key is None:
            return None
        return Cursor("after" if kind == "a" else "before", key=key)
    return None


def debate_url(consultation_id, slug, *, sort=None, cursor: str = "", comment_id=None) -> str:
    """A link to a recommendation's debate, at ``cursor``, scrolled to a comment."""
    url = reverse("consultations:recommendation-detail", args=[consultation_id, slug])
    query = {}
    if sort in ("newest", "replies"):
        query["sort"] = sort
    if cursor:
        query["cursor"] = cursor
    if query:
        url += "?" + urlencode(query)
    if comment_id:
        url += f"#comment-{comment_id}"
    return url


def comment_link(consultation_id, slug, comment_id, thread_id, sort=None) -> str:
    """A link to the page that shows a comment's thread (no query needed)."""
    return debate_url(
        consultation_id,
        slug,
        sort=sort,
        cursor=thread_cursor(thread_id),
        comment_id=comment_id,
    )
