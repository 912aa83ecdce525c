"""Moderators correct themes in the admin; the report's text stays read-only there."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.tests.factories import ModeratorFactory
from recommendations.models import Recommendation, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_mfa(client):
    client.force_login(ModeratorFactory(is_staff=True, is_superuser=True))
    return client


def change_url(recommendation):
    return f"/admin/recommendations/recommendation/{recommendation.pk}/change/"


def test_admin_pages_open(admin_client_with_mfa, imported):
    rec = Recommendation.objects.get(citation="S4.R7")
    for url in [
        "/admin/recommendations/recommendation/",
        change_url(rec),
        "/admin/recommendations/theme/",
        "/admin/recommendations/session/",
        "/admin/recommendations/report/",
    ]:
        assert admin_client_with_mfa.get(url).status_code == 200, url


def test_theme_edit_in_the_admin_is_kept_on_re_import(admin_client_with_mfa, imported):
    rec = Recommendation.objects.get(citation="S2.R6")
    original_body = rec.body
    voices = Theme.objects.get(slug="migrant-voices")
    response = admin_client_with_mfa.post(
        change_url(rec),
        {
            "themes": [voices.pk],
            "themes_curated": "",
            "body": "Tampered.",
            "examples-TOTAL_FORMS": "0",
            "examples-INITIAL_FORMS": str(rec.examples.count()),
            "examples-MIN_NUM_FORMS": "0",
            "examples-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rec.refresh_from_db()
    assert rec.themes_curated
    assert set(rec.themes.values_list("slug", flat=True)) == {"migrant-voices"}
    # The report's text is read-only in the admin.
    assert rec.body == original_body

    call_command("import_report", stdout=StringIO())
    assert set(rec.themes.values_list("slug", flat=True)) == {"migrant-voices"}


def test_reset_action_returns_themes_to_the_rules(admin_client_with_mfa, imported):
    rec = Recommendation.objects.get(citation="S2.R6")
    rec.themes.clear()
    rec.themes_curated = True
    rec.save()
    response = admin_client_with_mfa.post(
        "/admin/recommendations/recommendation/",
        {"action": "reset_themes", "_selected_action": [rec.pk]},
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert not rec.themes_curated
    assert set(rec.themes.values_list("slug", flat=True)) == {"gender-dimension"}
