"""Download pages: who sees what, on every request, and the query count."""

import pytest
from django.urls import reverse

from exports import services
from exports.models import ConsolidatedExport

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(debate, django_capture_on_commit_callbacks):
    consultation, *_rest = debate
    owner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(consultation=consultation, fmt="csv", by=owner)
    export.refresh_from_db()
    return export, owner


def _close(consultation):
    from datetime import timedelta

    from django.utils import timezone

    consultation.opens_at = timezone.now() - timedelta(days=30)
    consultation.closes_at = timezone.now() - timedelta(days=1)
    consultation.save()


def test_draft_file_is_checked_on_every_request(client, draft):
    export, owner = draft
    url = reverse("exports:export-download", args=[export.pk])
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")
    client.logout()
    assert client.get(url).status_code == 404  # after logout


def test_draft_hidden_from_participants_once_closed(client, draft):
    export, owner = draft
    _close(export.consultation)
    client.force_login(UserFactory())
    assert client.get(reverse("exports:export-download", args=[export.pk])).status_code == 404
    assert client.get(reverse("exports:export-detail", args=[export.pk])).status_code == 404


def test_draft_of_closed_consultation_served_to_its_moderator(client, debate, draft):
    export, _owner = draft
    _close(export.consultation)
    client.force_login(debate[4])
    assert client.get(reverse("exports:export-download", args=[export.pk])).status_code == 200


def test_published_file_is_public(client, debate, django_capture_on_commit_callbacks):
    consultation, *_rest, moderator = debate
    with django_capture_on_commit_callbacks(execute=True):
        exports = services.export_publish(consultation=consultation, by=moderator)
    pdf = next(e for e in exports if e.format == "pdf")
    response = client.get(reverse("exports:export-download", args=[pdf.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-SHA256"] == ConsolidatedExport.objects.get(pk=pdf.pk).sha256
    page = client.get(reverse("exports:export-list", args=[consultation.pk]))
    assert ConsolidatedExport.objects.get(pk=pdf.pk).sha256 in page.content.decode()


def test_media_url_does_not_serve_exports(client, draft):
    export, _owner = draft
    assert client.get("/media/" + export.file.name).status_code == 404


def test_anonymous_sees_no_draft_section(client, debate):
    consultation, *_rest = debate
    response = client.get(reverse("exports:export-list", args=[consultation.pk]))
    assert response.status_code == 200
    assert "Live draft" not in response.content.decode()


def test_request_as_participant_redirects_to_progress(client, debate):
    consultation, *_rest = debate
    client.force_login(UserFactory())
    response = client.post(
        reverse("exports:export-request", args=[consultation.pk]), {"format": "json"}
    )
    export = ConsolidatedExport.objects.get(format="json")
    assert response.status_code == 302
    assert response["Location"] == export.get_absolute_url()


def test_request_with_a_bad_format_is_a_message_not_an_error(client, debate):
    consultation, *_rest = debate
    client.force_login(UserFactory())
    response = client.post(
        reverse("exports:export-request", args=[consultation.pk]), {"format": "<x>"}
    )
    assert response.status_code == 302
    assert not ConsolidatedExport.objects.exists()


def test_progress_fragment_polls_while_building(client, debate):
    consultation, *_rest = debate
    user = UserFactory()
    client.force_login(user)
    from exports.models import ExportSnapshot

    snapshot = ExportSnapshot.objects.create(
        consultation=consultation, data_fingerprint="x", content={}
    )
    export = ConsolidatedExport.objects.create(
        consultation=consultation, snapshot=snapshot, format="pdf", fingerprint="x"
    )
    response = client.get(export.get_absolute_url(), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert "<html" not in body
    page = client.get(export.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page and "Refresh" in page


def test_publish_view_refuses_participants(client, debate):
    consultation, *_rest = debate
    client.force_login(UserFactory())
    response = client.post(reverse("exports:export-publish", args=[consultation.pk]))
    assert response.status_code == 403


def test_download_page_query_count(
    client, debate, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    consultation, *_rest, moderator = debate
    client.force_login(UserFactory())
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.export_publish(consultation=consultation, by=moderator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("exports:export-list", args=[consultation.pk]))
    assert response.status_code == 200
    # Three versions, each in three languages.
    assert response.content.decode().count("SHA-256") == 9


def test_delegate_home_links_to_downloads(client, debate):
    from accounts.models import OrganisationKind

    from .factories import MembershipFactory, OrganisationFactory

    consultation, *_rest = debate
    delegation = OrganisationFactory(kind=OrganisationKind.GOVERNMENT)
    delegate = MembershipFactory(organisation=delegation).user
    url = reverse("exports:export-list", args=[consultation.pk])
    client.force_login(UserFactory())
    assert url not in client.get("/").content.decode()
    client.force_login(delegate)
    assert url in client.get("/").content.decode()


def test_consultation_page_links_to_downloads(client, debate):
    consultation, *_rest = debate
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert reverse("exports:export-list", args=[consultation.pk]) in page
