"""Read endpoints of the report: shape, filters, search and query counts."""

import pytest
from rest_framework.test import APIClient

from .factories import (
    ExampleFactory,
    RecommendationFactory,
    ReportFactory,
    SessionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_reports(api):
    report = ReportFactory()
    body = api.get("/api/v1/reports/").json()
    assert body["results"][0]["isbn"] == report.isbn
    assert api.get(f"/api/v1/reports/{report.pk}/").json()["title"] == report.title


def test_sessions_list_and_detail(api):
    session = SessionFactory()
    recommendation = RecommendationFactory(session=session)
    body = api.get("/api/v1/sessions/").json()
    assert body["results"][0]["recommendations"] == [recommendation.slug]
    assert api.get(f"/api/v1/sessions/{session.slug}/").json()["title"] == session.title
    assert api.get("/api/v1/sessions/nope/").status_code == 404


def test_themes_with_counts(api):
    theme = ThemeFactory()
    RecommendationFactory(themes=[theme])
    RecommendationFactory(themes=[theme])
    row = api.get("/api/v1/themes/").json()["results"][0]
    assert row["slug"] == theme.slug and row["recommendation_count"] == 2


def test_recommendation_shape(api):
    theme = ThemeFactory()
    recommendation = RecommendationFactory(themes=[theme])
    ExampleFactory(recommendation=recommendation)
    row = api.get("/api/v1/recommendations/").json()["results"][0]
    assert row["slug"] == recommendation.slug
    assert row["themes"] == [theme.slug]
    assert row["session"]["slug"] == recommendation.session.slug
    assert "<em>emphasis</em>" in row["body_html"]
    assert row["url"].endswith(recommendation.get_absolute_url())
    detail = api.get(f"/api/v1/recommendations/{recommendation.slug}/").json()
    assert detail["examples"][0]["body"] == "*An example.*"


def test_markdown_is_sanitised(api):
    RecommendationFactory(body="<script>alert(1)</script> **bold**")
    html = api.get("/api/v1/recommendations/").json()["results"][0]["body_html"]
    assert "<script>" not in html


def test_filter_by_session_and_theme(api):
    session, theme = SessionFactory(), ThemeFactory()
    in_session = RecommendationFactory(session=session)
    in_theme = RecommendationFactory(themes=[theme])
    RecommendationFactory()
    by_session = api.get("/api/v1/recommendations/", {"session": session.slug}).json()
    assert [r["slug"] for r in by_session["results"]] == [in_session.slug]
    by_theme = api.get("/api/v1/recommendations/", {"theme": theme.slug}).json()
    assert [r["slug"] for r in by_theme["results"]] == [in_theme.slug]
    assert api.get("/api/v1/recommendations/", {"theme": "nope"}).status_code == 400


def test_search_uses_the_site_search(api):
    wanted = RecommendationFactory(title="Portable pensions for migrants")
    RecommendationFactory(title="Something else")
    body = api.get("/api/v1/recommendations/", {"q": "pensions"}).json()
    assert [r["slug"] for r in body["results"]] == [wanted.slug]
    assert api.get("/api/v1/recommendations/", {"q": "zzzzzz"}).json()["count"] == 0


def test_search_query_too_long_is_a_400(api):
    assert api.get("/api/v1/recommendations/", {"q": "x" * 201}).status_code == 400


@pytest.mark.parametrize(
    "url", ["/api/v1/recommendations/", "/api/v1/sessions/", "/api/v1/themes/"]
)
def test_lists_issue_constant_queries(api, url, django_assert_max_num_queries):
    themes = [ThemeFactory() for _ in range(3)]
    for index in range(110):
        RecommendationFactory(themes=[themes[index % 3]])
    for size in (2, 100):
        with django_assert_max_num_queries(3):
            response = api.get(url, {"page_size": size})
        assert response.status_code == 200


def test_report_list_constant_queries(api, django_assert_max_num_queries):
    for _ in range(105):
        ReportFactory()
    for size in (2, 100):
        with django_assert_max_num_queries(2):
            assert len(api.get("/api/v1/reports/", {"page_size": size}).json()["results"]) == size
