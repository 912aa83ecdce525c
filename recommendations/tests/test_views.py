"""The recommendation pages and search: status, content and query counts."""

import pytest
from django.template.loader import get_template
from django.urls import reverse

from recommendations.models import Recommendation

from .factories import (
    ExampleFactory,
    RecommendationFactory,
    ReportFactory,
    SessionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_rows():
    """Eight sessions of 15 recommendations, each with 4 examples and 3 themes."""
    report = ReportFactory()
    themes = ThemeFactory.create_batch(5)
    recommendations = []
    for number in range(1, 9):
        session = SessionFactory(report=report, number=number)
        for index in range(1, 16):
            recommendation = RecommendationFactory(
                session=session,
                number=index,
                title=f"Lentil policy {number}.{index}",
                themes=themes[index % 3 : index % 3 + 3],
            )
            ExampleFactory.create_batch(4, recommendation=recommendation, body="*Lentils.*")
            recommendations.append(recommendation)
    return {"report": report, "themes": themes, "recommendations": recommendations}


def test_list_shows_sessions_and_recommendations(client, imported):
    response = client.get(reverse("recommendations:recommendation-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Session 4: Remittances" in html
    assert "S4.R2" in html
    assert 'href="/recommendations/s4-r2-access-to-services-and-reducing-costs/"' in html
    assert 'href="/recommendations/themes/gender-dimension/"' in html
    assert html.count('<span class="citation">') == 72


def test_list_works_before_any_import(client):
    response = client.get(reverse("recommendations:recommendation-list"))
    assert response.status_code == 200
    assert "has not been imported yet" in response.content.decode()


def test_session_page(client, imported):
    response = client.get("/recommendations/sessions/s8-looking-ahead/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Session 8: Looking ahead</h1>" in html
    assert '<h2 id="background-heading">Background</h2>' in html
    assert "US$4 trillion" in html
    # Policy challenges keep their list.
    assert "<li>How can CSOs and the private sector contribute most effectively" in html
    assert html.count('<span class="citation">') == 7
    assert "A variety of mechanisms can promote effective collaboration" in html


def test_recommendation_page(client, imported):
    response = client.get("/recommendations/s4-r7-the-role-of-microfinance-institutions-mfis/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="recommendation-title">The role of microfinance institutions (MFIs)</h1>' in html
    assert '<span class="citation">S4.R7</span>' in html
    assert html.count('<div class="example">') == 3
    assert "<em>In Paraguay, microfinance El Comercio" in html
    assert 'href="/recommendations/sessions/s4-remittances/"' in html
    assert (
        'value="http://testserver/recommendations/'
        's4-r7-the-role-of-microfinance-institutions-mfis/"' in html
    )
    assert 'rel="bookmark"' in html
    assert "Related recommendations" in html


def test_recommendation_page_renders_lists_and_emphasis(client, imported):
    html = client.get(
        "/recommendations/s8-r1-broad-principles-for-the-global-forum-process-and-content-"
        "for-gfmd-onwards/"
    ).content.decode()
    assert html.count("<li>") >= 6
    assert "<li>More formal commitments by the UN to convene the GFMD.</li>" in html
    html = client.get(
        Recommendation.objects.get(citation="S7.R8").get_absolute_url()
    ).content.decode()
    assert "The <em>de facto</em> acceptance" in html


def test_recommendation_page_lists_its_themes_and_related(client, imported):
    html = client.get(
        Recommendation.objects.get(citation="S2.R6").get_absolute_url()
    ).content.decode()
    assert 'href="/recommendations/themes/gender-dimension/"' in html
    assert "shared theme" in html


def test_recommendation_page_offers_a_participation_block():
    # Later issues fill {% block participation %} and reuse the content include.
    source = get_template("recommendations/recommendation_detail.html").template.source
    assert "{% block participation %}{% endblock %}" in source
    assert '{% include "recommendations/_recommendation_content.html" %}' in source


def test_theme_page(client, imported):
    response = client.get("/recommendations/themes/gender-dimension/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>The gender dimension</h1>" in html
    assert "The role of women was reiterated in nearly every session." in html
    assert "S2.R6" in html


@pytest.mark.parametrize(
    "url",
    [
        "/recommendations/no-such-recommendation/",
        "/recommendations/sessions/no-such-session/",
        "/recommendations/themes/no-such-theme/",
    ],
)
def test_unknown_pages_are_404(client, imported, url):
    assert client.get(url).status_code == 404


def test_pages_refuse_post(client, imported):
    assert client.post(reverse("recommendations:recommendation-list")).status_code == 405


def test_search_page_results(client, imported):
    response = client.get(reverse("recommendations:search"), {"q": "portable justice"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 recommendation found" in html
    assert 'href="/recommendations/s2-r9-informing-migrants-and-enforcing-employment-rights/"' in (
        html
    )
    assert "<mark>" in html


def test_search_page_without_query_shows_the_form(client):
    response = client.get(reverse("recommendations:search"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="q"' in html
    assert "errorlist" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Enter a word or a phrase to search for."),
        ("   ", "Enter a word or a phrase to search for."),
        ("?!", "Enter a word or a phrase to search for."),
        ("x" * 201, "Your search is too long: use at most 200 characters."),
        ("nul\x00byte", "Null characters are not allowed."),
    ],
)
def test_search_page_explains_bad_queries(client, query, message):
    response = client.get(reverse("recommendations:search"), {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_search_page_no_results(client, imported):
    response = client.get(reverse("recommendations:search"), {"q": "xylophonequartz"})
    assert response.status_code == 200
    assert "No recommendation matches your search." in response.content.decode()


def test_header_search_box_appears_on_every_page(client, imported):
    html = client.get("/").content.decode()
    assert 'action="/search/"' in html
    assert 'id="site-search"' in html


def test_pages_in_french_keep_the_report_in_english(client, imported):
    client.cookies["django_language"] = "fr"
    html = client.get(
        Recommendation.objects.get(citation="S4.R7").get_absolute_url(),
        HTTP_ACCEPT_LANGUAGE="fr",
    ).content.decode()
    assert "Recommandations" in html
    assert "The role of microfinance institutions (MFIs)" in html


# Query counts: the same however many rows exist.


def _page_urls(data):
    recommendation = data["recommendations"][-1]
    return {
        "list": reverse("recommendations:recommendation-list"),
        "session": recommendation.session.get_absolute_url(),
        "recommendation": recommendation.get_absolute_url(),
        "theme": data["themes"][2].get_absolute_url(),
        "search": reverse("recommendations:search") + "?q=lentil",
    }


PAGE_QUERY_LIMITS = {"list": 3, "session": 3, "recommendation": 4, "theme": 2, "search": 2}


@pytest.mark.parametrize("page", sorted(PAGE_QUERY_LIMITS))
def test_page_query_count_is_constant(client, many_rows, django_assert_max_num_queries, page):
    url = _page_urls(many_rows)[page]
    with django_assert_max_num_queries(PAGE_QUERY_LIMITS[page]):
        response = client.get(url)
    assert response.status_code == 200
    assert "Lentil policy" in response.content.decode()


@pytest.mark.parametrize("page", sorted(PAGE_QUERY_LIMITS))
def test_page_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, many_rows, page
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = _page_urls(many_rows)[page]
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for recommendation in many_rows["recommendations"][:40]:
        ExampleFactory.create_batch(3, recommendation=recommendation, body="*More lentils.*")
        RecommendationFactory(
            session=recommendation.session,
            number=100 + recommendation.number,
            title="Another lentil policy",
            themes=many_rows["themes"],
        )
    with django_assert_num_queries(len(before)):
        client.get(url)
