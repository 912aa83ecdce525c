"""The consolidated versions endpoint: published versions only, with download links."""

import pytest
from rest_framework.test import APIClient

from exports import services
from exports.models import ExportFormat

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_published_versions_with_download_links(
    api, debate, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    consultation, _recs, _orgs, _at_risk, moderator = debate
    with django_capture_on_commit_callbacks(execute=True):
        services.export_publish(consultation=consultation, by=moderator)
        services.export_publish(consultation=consultation, by=moderator)
    url = f"/api/v1/consultations/{consultation.pk}/consolidated-versions/"
    with django_assert_max_num_queries(3):
        response = api.get(url)
    assert response.status_code == 200
    versions = response.json()
    assert [v["version"] for v in versions] == [2, 1]
    files = versions[0]["files"]
    assert {f["format"] for f in files} == set(ExportFormat.values)
    assert {f["language"] for f in files} == {"en", "fr", "es"}
    link = files[0]["download_url"]
    assert link.startswith("http://testserver/downloads/")
    download = api.get(link.removeprefix("http://testserver"))
    assert download.status_code == 200


def test_drafts_are_not_listed(api, debate, django_capture_on_commit_callbacks):
    consultation, *_rest = debate
    from accounts.tests.factories import UserFactory

    with django_capture_on_commit_callbacks(execute=True):
        services.export_request(consultation=consultation, fmt="json", by=UserFactory())
    url = f"/api/v1/consultations/{consultation.pk}/consolidated-versions/"
    assert api.get(url).json() == []


def test_unknown_consultation_is_a_404(api, db):
    assert api.get("/api/v1/consultations/999999/consolidated-versions/").status_code == 404
