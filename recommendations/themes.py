"""Rules that tag a recommendation with the report's common themes.

Each theme has a list of keyword patterns (regular expressions, matched
case-insensitively on word boundaries). A recommendation's score for a theme
is the number of pattern matches in its title (counted ``TITLE_WEIGHT``
times), body and examples; the theme applies when the score reaches
``THRESHOLD``. docs/recommendations.md lists these rules for readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TITLE_WEIGHT = 3
THRESHOLD = 3

# Keyed by the theme's slug, as derived from its name in the report.
THEME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "rights-based-approach": (
        r"rights[- ]based",
        r"human rights?",
        r"(?:migrants?|workers?|labour|employment|trade union|social|residency) ?['’]? rights",
        r"right to (?:organi[sz]e|development|move|migrate|mobility|residency|decent)",
        r"conventions?",
        r"ILO",
        r"international (?:standards|norms|law|legal standards)",
        r"decent work(?:ing)?",
        r"ratif(?:y|ied|ication)",
        r"exploitation",
        r"protection",
    ),
    "consulting-stakeholders": (
        r"consult(?:ation|ations|ative|ed|ing)?",
        r"stakeholders?",
        r"social dialogue",
        r"tripartite",
        r"dialogues?",
        r"participation",
        r"representation",
        r"involv(?:e|es|ed|ing) (?:all|migrants|civil society|diaspora)",
        r"non-state actors?",
        r"advisory (?:groups?|committees?)",
        r"delegations?",
        r"portal",
    ),
    "migrant-voices": (
        r"migrants?['’]? voices?",
        r"voices?",
        r"migrants themselves",
        r"empower(?:ment|ing|ed)?",
        r"partners,? (?:not|rather than) clients",
        r"not clients",
        r"(?:diaspora|migrant)-driven",
        r"left out",
        r"ownership",
        r"co-owner(?:s|ship)?",
        r"migrant (?:organi[sz]ations?|associations?|groups?)",
        r"diaspora(?:/ ?migrant)? (?:organi[sz]ations?|groups?)",
        r"involving immigrants",
        r"heard",
    ),
    "multi-stakeholder-partnerships": (
        r"multi-stakeholder",
        r"partnerships?",
        r"partner(?:s|ing)? with",
        r"collaborat(?:e|ion|ive|ing)",
        r"cooperat(?:e|ion)",
        r"private sector",
        r"networks?",
        r"alliances?",
        r"joint",
    ),
    "gender-dimension": (
        r"gender",
        r"wom[ae]n",
        r"female",
        r"femini[sz]ation",
        r"domestic work(?:ers?)?",
        r"girls?",
    ),
}


@dataclass(frozen=True)
class ThemeRule:
    slug: str
    pattern: re.Pattern

    def score(self, *, title: str, text: str) -> int:
        return TITLE_WEIGHT * len(self.pattern.findall(title)) + len(self.pattern.findall(text))


THEME_RULES: tuple[ThemeRule, ...] = tuple(
    ThemeRule(
        slug=slug,
        pattern=re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE),
    )
    for slug, patterns in THEME_KEYWORDS.items()
)


def theme_slugs_for(
    *, title: str, body: str, examples: list[str] | tuple[str, ...] = ()
) -> set[str]:
    """The slugs of the themes whose rules a recommendation's text meets."""
    text = "\n".join([body, *examples])
    return {rule.slug for rule in THEME_RULES if rule.score(title=title, text=text) >= THRESHOLD}
