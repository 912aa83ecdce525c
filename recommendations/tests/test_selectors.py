"""Search and the other selectors, on whichever database the suite runs on."""

import re

import pytest
from django.db import connection

from recommendations.models import Recommendation
from recommendations.selectors import (
    _participation_providers,
    plain_text,
    recommendation_get,
    recommendation_participation_context,
    recommendation_related,
    recommendation_search,
    register_participation_provider,
    search_terms,
)

from .factories import ExampleFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


def citations(results):
    return [result.recommendation.citation for result in results]


def test_phrase_finds_its_recommendation_with_a_highlighted_snippet(imported):
    results = recommendation_search(query="portable justice")
    assert citations(results)[0] == "S2.R9"
    snippet = str(results[0].snippet)
    assert "<mark>portable</mark>" in snippet.lower()
    assert "<mark>justice</mark>" in snippet.lower()


def test_word_only_in_an_example_finds_its_recommendation(imported):
    # "Pahuatlán" appears only in an example under S4.R7.
    assert not Recommendation.objects.filter(body__icontains="Pahuatl").exists()
    results = recommendation_search(query="Pahuatlán")
    assert citations(results) == ["S4.R7"]
    assert "<mark>Pahuatlán</mark>" in str(results[0].snippet)


def test_title_ranks_above_body_above_examples():
    in_example = ExampleFactory(body="*The zanzibarian case.*").recommendation
    in_body = RecommendationFactory(body="A zanzibarian proposal.")
    in_title = RecommendationFactory(title="The zanzibarian way", body="Nothing here.")
    RecommendationFactory(body="Unrelated.")
    assert citations(recommendation_search(query="zanzibarian")) == [
        in_title.citation,
        in_body.citation,
        in_example.citation,
    ]


def test_every_word_must_match(imported):
    results = recommendation_search(query="domestic workers Hong Kong")
    assert citations(results) == ["S2.R7"]


def test_no_match_and_no_words_give_no_results(imported):
    assert recommendation_search(query="xylophonequartz") == []
    assert recommendation_search(query="   ") == []
    assert recommendation_search(query="!!! ??? ---") == []


def test_search_syntax_and_markup_are_harmless(imported):
    for query in ['"rights based', "a | b & !c", "<script>alert(1)</script>", "'; drop table", "-"]:
        for result in recommendation_search(query=query):
            assert "<script>" not in str(result.snippet)


def test_snippet_is_escaped_text_with_only_mark_tags():
    ExampleFactory(
        recommendation=RecommendationFactory(body="Use <b>bold</b> & *quinoa* here."),
        body="*Another quinoa story.*",
    )
    (result,) = recommendation_search(query="quinoa")
    snippet = str(result.snippet)
    # PostgreSQL's headline drops the tags, the fallback escapes them: either way inert.
    assert set(re.findall(r"<[^>]*>", snippet)) == {"<mark>", "</mark>"}
    assert "bold" in snippet
    assert "*" not in snippet
    assert "<mark>quinoa</mark>" in snippet


def test_search_query_count_is_constant(django_assert_max_num_queries):
    for index in range(30):
        recommendation = RecommendationFactory(body=f"Saffron policy number {index}.")
        ExampleFactory.create_batch(3, recommendation=recommendation, body="*Saffron example.*")
    with django_assert_max_num_queries(2):
        results = recommendation_search(query="saffron")
        assert len(results) == 30
        for result in results:
            str(result.recommendation.session)
            str(result.snippet)


def test_stemming_on_postgresql_substrings_elsewhere(imported):
    results = citations(recommendation_search(query="recruiting agencies"))
    assert "S2.R11" in results
    if connection.vendor == "postgresql":
        # Full text: "recruited" and "recruitment" share the stem of "recruit".
        assert "S2.R11" in citations(recommendation_search(query="recruited"))
        assert all(
            isinstance(result.rank, float) for result in recommendation_search(query="remittances")
        )
    else:
        assert "S2.R11" in citations(recommendation_search(query="recruit"))


def test_search_terms_drop_operators():
    assert search_terms(query='"brain drain" or -women') == ["brain", "drain", "women"]
    assert search_terms(query="") == []


def test_plain_text_drops_markdown():
    assert plain_text(markdown_text="*An* example:\n\n- one\n- two <http://example.org>") == (
        "An example: one two http://example.org"
    )


def test_related_recommendations_share_themes(imported):
    recommendation = recommendation_get(slug="s2-r6-women-in-temporary-migration")
    related = recommendation_related(recommendation=recommendation)
    assert related
    assert recommendation not in related
    for other in related:
        assert "gender-dimension" in {theme.slug for theme in other.themes.all()}
    shared = [other.shared_themes for other in related]
    assert shared == sorted(shared, reverse=True)


def test_participation_providers_extend_the_context(imported, rf):
    recommendation = recommendation_get(slug="s2-r6-women-in-temporary-migration")

    def provider(*, recommendation, request):
        return {"tally": recommendation.citation}

    register_participation_provider(provider=provider)
    try:
        context = recommendation_participation_context(
            recommendation=recommendation, request=rf.get("/")
        )
    finally:
        _participation_providers.remove(provider)
    assert context == {"tally": "S2.R6"}
