"""A delegate requests the PDF, waits on the progress page, downloads it and reads it."""

import pytest
from pypdf import PdfReader

from accounts.models import OrganisationKind
from exports import services
from exports.models import ConsolidatedExport

from .factories import (
    AT_RISK_NAME,
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    consultation_with_debate,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_delegate_downloads_the_pdf(page, live_server, monkeypatch, tmp_path):
    consultation, recs, _orgs, _at_risk, _moderator = consultation_with_debate()
    delegation = OrganisationFactory(name="Delegation of Ghana", kind=OrganisationKind.GOVERNMENT)
    delegate = MembershipFactory(organisation=delegation).user
    # Hold the build back so that the progress page has something to wait for.
    held = []
    monkeypatch.setattr(services, "_enqueue_build", lambda export, notify=True: held.append(export))

    page.goto("/accounts/login/")
    page.fill("input[name=login]", delegate.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()

    page.goto("/")
    page.get_by_role("link", name=f"Downloads: {consultation.title}").click()
    page.get_by_role("button", name="PDF").click()
    page.get_by_text("The file is being built.").wait_for()
    assert held and ConsolidatedExport.objects.get().status == "pending"

    services.export_build(export_id=held[0].pk, notify=False)
    # HTMX polling swaps the download link in without a reload.
    link = page.get_by_role("link", name="Download the PDF")
    link.wait_for(timeout=10_000)
    with page.expect_download() as download_info:
        link.click()
    path = tmp_path / "downloaded.pdf"
    download_info.value.save_as(path)

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(path)).pages).split())
    for rec in recs:
        assert rec.citation in text
    assert "We cannot say more in public." in text
    assert AT_RISK_NAME not in text
