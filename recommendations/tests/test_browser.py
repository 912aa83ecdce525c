"""A reader's journey: search from the header, open a recommendation, go to its session."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_open_recommendation_and_follow_its_session(page):
    call_command("import_report", stdout=StringIO())
    page.goto("/")
    page.get_by_role("searchbox", name="Search the recommendations").fill("portable justice")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search/?q=portable+justice")
    assert page.locator("#results-heading").inner_text() == "1 recommendation found"
    assert page.locator(".search-results mark").count() >= 2

    page.get_by_role("link", name="Informing migrants and enforcing employment rights").click()
    page.wait_for_url(
        "**/recommendations/s2-r9-informing-migrants-and-enforcing-employment-rights/"
    )
    assert page.locator("h1").inner_text() == "Informing migrants and enforcing employment rights"
    assert page.locator(".citation").first.inner_text() == "S2.R9"
    assert "The concept of 'portable justice'" in page.locator(".recommendation-body").inner_text()

    page.get_by_role("link", name="Session 2: Temporary labour migration").click()
    page.wait_for_url("**/recommendations/sessions/s2-temporary-labour-migration/")
    assert page.locator("h1").inner_text() == "Session 2: Temporary labour migration"
    assert page.get_by_role(
        "link", name="Informing migrants and enforcing employment rights"
    ).is_visible()
