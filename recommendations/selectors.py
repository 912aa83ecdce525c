"""Reads of the report's data, shaped for the pages that show them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Example, Recommendation, Session, Theme

SEARCH_MAX_RESULTS = 100
SEARCH_MAX_WORDS = 12
# Markers around highlighted words, replaced by <mark> after the text is escaped.
MARK_START, MARK_STOP = "\u27e6", "\u27e7"


def _recommendations_in_order() -> QuerySet[Recommendation]:
    # Within one session: plain number order, without the join the default ordering needs.
    return Recommendation.objects.order_by("number")


def session_list() -> QuerySet[Session]:
    """The sessions in order, each with its recommendations."""
    return Session.objects.order_by("number").prefetch_related(
        Prefetch("recommendations", queryset=_recommendations_in_order())
    )


def session_get(*, slug: str) -> Session:
    """A session with its report, and its recommendations with their themes."""
    return get_object_or_404(
        Session.objects.select_related("report").prefetch_related(
            Prefetch(
                "recommendations",
                queryset=_recommendations_in_order().prefetch_related(
                    Prefetch("themes", queryset=Theme.objects.order_by("order", "id"))
                ),
            )
        ),
        slug=slug,
    )


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.annotate(recommendation_count=Count("recommendations")).order_by(
        "order", "id"
    )


def theme_get(*, slug: str) -> Theme:
    return get_object_or_404(
        Theme.objects.prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related("session").order_by(
                    "session__number", "number"
                ),
            )
        ),
        slug=slug,
    )


def recommendation_get(*, slug: str) -> Recommendation:
    """A recommendation with its session, report, examples and themes."""
    return get_object_or_404(
        Recommendation.objects.select_related("session__report").prefetch_related(
            Prefetch("examples", queryset=Example.objects.order_by("order")),
            Prefetch("themes", queryset=Theme.objects.order_by("order", "id")),
        ),
        slug=slug,
    )


def recommendation_related(
    *, recommendation: Recommendation, limit: int = 6
) -> list[Recommendation]:
    """Other recommendations sharing its themes, those sharing the most first.

    Expects ``recommendation.themes`` prefetched (as ``recommendation_get`` does).
    """
    theme_ids = [theme.pk for theme in recommendation.themes.all()]
    if not theme_ids:
        return []
    return list(
        Recommendation.objects.filter(themes__in=theme_ids)
        .exclude(pk=recommendation.pk)
        .annotate(shared_themes=Count("themes"))
        .select_related("session")
        .order_by("-shared_themes", "session__number", "number")[:limit]
    )


# Other apps add what they show in the participation area of a recommendation
# page (comments, endorsement tallies) by registering a provider here.
ParticipationProvider = Callable[..., dict]
_participation_providers: list[ParticipationProvider] = []


def register_participation_provider(*, provider: ParticipationProvider) -> ParticipationProvider:
    """Register ``provider(*, recommendation, request) -> dict`` for recommendation pages."""
    if provider not in _participation_providers:
        _participation_providers.append(provider)
    return provider


def recommendation_participation_context(
    *, recommendation: Recommendation, request: HttpRequest
) -> dict:
    """Template context for the participation block, gathered from registered providers."""
    context: dict = {}
    for provider in _participation_providers:
        context.update(provider(recommendation=recommendation, request=request))
    return context


@dataclass(frozen=True)
class SearchResult:
    recommendation: Recommendation
    snippet: SafeString
    rank: float


def plain_text(*, markdown_text: str) -> str:
    """Markdown of the report reduced to readable text for snippets."""
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", markdown_text)
    text = re.sub(r"^- ", "", text, flags=re.MULTILINE)
    text = text.replace("*", "").replace("\\", "")
    return re.sub(r"\s+", " ", text).strip()


def _highlighted(text: str) -> SafeString:
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own <mark> tags added


def search_terms(*, query: str) -> list[str]:
    """The words of a query, without the operators PostgreSQL's web search syntax uses."""
    words = re.findall(r"[\w][\w'’-]*", query)
    return [word for word in words if word.lower() != "or"][:SEARCH_MAX_WORDS]


def recommendation_search(*, query: str) -> list[SearchResult]:
    """Recommendations matching ``query`` in their title, body or examples, best first.

    Full-text search with ranking on PostgreSQL; a simpler substring search
    elsewhere. Either way: one or two queries, whatever the number of rows.
    """
    query = query.strip()
    if not search_terms(query=query):
        return []
    if connection.vendor == "postgresql":
        return _search_postgresql(query)
    return _search_simple(query)


def _examples_text():
    return Subquery(
        Example.objects.filter(recommendation=OuterRef("pk"))
        .order_by()
        .values("recommendation")
        .annotate(text=_string_agg("body"))
        .values("text")
    )


def _string_agg(field: str):
    from django.contrib.postgres.aggregates import StringAgg

    return StringAgg(field, delimiter="\n\n")


def _search_postgresql(query: str) -> list[SearchResult]:
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
    )

    config = "english"
    examples_text = _examples_text()
    document = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("body", weight="B", config=config)
        + SearchVector(examples_text, weight="C", config=config)
    )
    search_query = SearchQuery(query, search_type="websearch", config=config)
    rows = (
        Recommendation.objects.annotate(document=document)
        .filter(document=search_query)
        .annotate(
            rank=SearchRank(document, search_query),
            headline=SearchHeadline(
                Concat(
                    "body",
                    Value("\n\n"),
                    Coalesce(examples_text, Value(""), output_field=TextField()),
                    output_field=TextField(),
                ),
                search_query,
                config=config,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=40,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .select_related("session")
        .order_by("-rank", "session__number", "number")[:SEARCH_MAX_RESULTS]
    )
    return [
        SearchResult(
            recommendation=row,
            snippet=_highlighted(plain_text(markdown_text=row.headline)),
            rank=row.rank,
        )
        for row in rows
    ]


def _search_simple(query: str) -> list[SearchResult]:
    terms = search_terms(query=query)
    condition = Q()
    for term in terms:
        condition &= (
            Q(title__icontains=term)
            | Q(body__icontains=term)
            | Q(Exists(Example.objects.filter(recommendation=OuterRef("pk"), body__icontains=term)))
        )
    rows = (
        Recommendation.objects.filter(condition)
        .select_related("session")
        .prefetch_related(Prefetch("examples", queryset=Example.objects.order_by("order")))
        .order_by("session__number", "number")
    )
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    results = []
    for row in rows:
        body = plain_text(markdown_text=row.body)
        examples = plain_text(
            markdown_text=" ".join(example.body for example in row.examples.all())
        )
        # Title above body above examples, as the weights do on PostgreSQL.
        rank = (
            3 * len(pattern.findall(row.title))
            + 2 * len(pattern.findall(body))
            + len(pattern.findall(examples))
        )
        source = body if pattern.search(body) or not pattern.search(examples) else examples
        results.append(
            SearchResult(recommendation=row, snippet=_snippet(source, pattern), rank=rank)
        )
    results.sort(key=lambda result: -result.rank)
    return results[:SEARCH_MAX_RESULTS]


def _snippet(text: str, pattern: re.Pattern, width: int = 240) -> SafeString:
    match = pattern.search(text)
    start = max(0, (match.start() if match else 0) - width // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    excerpt = text[start : start + width]
    if start + width < len(text):
        excerpt = excerpt.rsplit(" ", 1)[0] + " …"
    if start:
        excerpt = "… " + excerpt
    marked = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_STOP}", excerpt)
    return _highlighted(marked)
