"""Single-position downloads are written in the reader's language; the text stays as written."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from positions import services
from positions.models import PositionStatus

from .factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "en": ["Signatories", "Revision 1,", "Status: Open for signature.", "South-eastern Asia"],
    "fr": ["Signataires", "Révision 1,", "Statut : Ouverte à la signature.", "Asie du Sud-Est"],
    "es": ["Firmantes", "Revisión 1,", "Estado: Abierta a la firma.", "Asia sudoriental"],
}
AT_RISK = {
    "en": "an organisation from Western Asia",
    "fr": "une organisation de la région Asie occidentale",
    "es": "una organización de la región Asia occidental",
}


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """A request in French or Spanish activates that language for the thread: reset it."""
    yield
    translation.deactivate()


@pytest.fixture
def signed(position, editor, signer, signer_org):
    services.position_status_change(position=position, status=PositionStatus.OPEN, by=editor)
    services.signature_add(position=position, organisation=signer_org, by=signer)
    hidden = OrganisationFactory(name="Secret Collective", is_at_risk=True, region="Western Asia")
    services.signature_add(
        position=position, organisation=hidden, by=MembershipFactory(organisation=hidden).user
    )
    return position


def _url(position, fmt):
    return reverse("positions:position-download", args=[position.pk, fmt])


@pytest.mark.parametrize("language", list(EXPECTED))
def test_pdf_download_in_the_browser_language(client, signed, language):
    response = client.get(_url(signed, "pdf"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for label in EXPECTED[language]:
        assert label in text, label
    assert AT_RISK[language] in text and "Secret Collective" not in text
    # The position's own text is never translated.
    assert "remittances" in text and signed.title in text


@pytest.mark.parametrize("language", list(EXPECTED))
def test_docx_download_in_the_profile_language(client, signed, language):
    client.force_login(UserFactory(interface_language=language))
    # The profile's language wins over the browser's.
    response = client.get(
        _url(signed, "docx"), HTTP_ACCEPT_LANGUAGE="en" if language != "en" else "fr"
    )
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    for label in EXPECTED[language]:
        assert label in text, label
    assert AT_RISK[language] in text
    assert document.core_properties.language == language
