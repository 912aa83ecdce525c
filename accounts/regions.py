"""UN M49 sub-regions, derived from a country code by the mapping in accounts/data/."""

import csv
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_noop

MAPPING_FILE = Path(__file__).resolve().parent / "data" / "m49_regions.csv"

# The 17 M49 sub-regions, listed here so that the catalogue carries their
# translations; names are stored in English and translated when shown.
REGIONS = [
    gettext_noop("Northern Africa"),
    gettext_noop("Sub-Saharan Africa"),
    gettext_noop("Latin America and the Caribbean"),
    gettext_noop("Northern America"),
    gettext_noop("Central Asia"),
    gettext_noop("Eastern Asia"),
    gettext_noop("South-eastern Asia"),
    gettext_noop("Southern Asia"),
    gettext_noop("Western Asia"),
    gettext_noop("Eastern Europe"),
    gettext_noop("Northern Europe"),
    gettext_noop("Southern Europe"),
    gettext_noop("Western Europe"),
    gettext_noop("Australia and New Zealand"),
    gettext_noop("Melanesia"),
    gettext_noop("Micronesia"),
    gettext_noop("Polynesia"),
]


@cache
def country_regions() -> dict[str, str]:
    """ISO 3166 alpha-2 code -> M49 sub-region name ("" where M49 has none)."""
    with MAPPING_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["iso2"]: row["region"] for row in csv.DictReader(handle)}


def region_for_country(code: str) -> str:
    """The M49 sub-region of a country, or "" when the code is unknown or has none."""
    return country_regions().get(str(code or "").upper(), "")
