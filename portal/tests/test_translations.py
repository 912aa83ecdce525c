"""Every interface string is translated into French and Spanish, and compiled."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings

LOCALES = ("fr", "es")


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def parse_po(path: Path) -> list[dict]:
    """Read a .po file into entries of msgid, msgid_plural, msgstr[n] and flags."""
    entries, entry, field = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            field = ("msgid_plural", None)
            entry["msgid_plural"] = _unquote(line[len("msgid_plural ") :])
        elif line.startswith("msgid "):
            field = ("msgid", None)
            entry["msgid"] = _unquote(line[len("msgid ") :])
        elif line.startswith("msgctxt "):
            field = ("msgctxt", None)
            entry["msgctxt"] = _unquote(line[len("msgctxt ") :])
        elif line.startswith("msgstr["):
            index = int(line[len("msgstr[") : line.index("]")])
            field = ("msgstr", index)
            entry["msgstr"][index] = _unquote(line[line.index("]") + 2 :])
        elif line.startswith("msgstr "):
            field = ("msgstr", 0)
            entry["msgstr"][0] = _unquote(line[len("msgstr ") :])
        elif line.startswith('"') and field is not None:
            name, index = field
            if name == "msgstr":
                entry["msgstr"][index] += _unquote(line)
            else:
                entry[name] += _unquote(line)
    return entries


def catalogue(locale: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / locale / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_translated(locale):
    entries = [e for e in parse_po(catalogue(locale)) if e["msgid"]]
    assert len(entries) > 20
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], f"{locale}: untranslated strings"
    assert fuzzy == [], f"{locale}: fuzzy translations to review"


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches_source(locale):
    po = catalogue(locale)
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in parse_po(po):
        if not entry["msgid"] or "msgid_plural" in entry or "fuzzy" in entry["flags"]:
            continue
        if not entry["msgstr"][0]:
            continue  # reported by test_every_string_is_translated
        key = entry["msgid"]
        if "msgctxt" in entry:
            key = f"{entry['msgctxt']}\x04{key}"
        assert compiled._catalog.get(key) == entry["msgstr"][0], (
            f"{locale}: {entry['msgid']!r} is not compiled; run `make messages`."
        )
