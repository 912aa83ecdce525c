"""A readable word-level difference between two texts, as escaped HTML."""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\s+|[^\s]+")


def tokenize(text: str) -> list[str]:
    """Words and the whitespace between them, so the texts rebuild exactly."""
    return _TOKENS.findall(text or "")


@dataclass(frozen=True)
class DiffSummary:
    html: SafeString
    inserted_words: int
    deleted_words: int

    @property
    def changed(self) -> bool:
        return bool(self.inserted_words or self.deleted_words)


def word_diff(old: str, new: str) -> DiffSummary:
    """``old`` to ``new`` with removals in <del> and additions in <ins>; user text escaped."""
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    # autojunk off: long texts repeat common words, which must still match.
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    parts: list[str] = []
    inserted = deleted = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape("".join(old_tokens[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            removed = old_tokens[i1:i2]
            deleted += sum(1 for token in removed if not token.isspace())
            parts.append(f"<del>{escape(''.join(removed))}</del>")
        if tag in ("insert", "replace"):
            added = new_tokens[j1:j2]
            inserted += sum(1 for token in added if not token.isspace())
            parts.append(f"<ins>{escape(''.join(added))}</ins>")
    html = mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
    return DiffSummary(html=html, inserted_words=inserted, deleted_words=deleted)
