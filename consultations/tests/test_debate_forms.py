"""The debate page's own forms, written as plain markup: what a reader and a screen reader get.

They are not rendered by Django's widget templates, so these tests hold what
those templates would have given: the values typed before an error, the
errors next to their field and announced, labels and descriptions that point
at elements that exist, and no id used twice.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from consultations import services
from consultations.models import Stance

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rendered_pages(settings):
    settings.PAGE_CACHE_SECONDS = 0


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def _assert_references_hold(html: str) -> None:
    elements = _elements(html)
    ids = [attrs["id"] for _, attrs in elements if attrs.get("id")]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for tag, attrs in elements:
        for target in (attrs.get("aria-describedby") or "").split():
            assert target in ids, f"<{tag}> is described by a missing #{target}"
        if tag == "label" and attrs.get("for"):
            assert attrs["for"] in ids, f"a label points at a missing #{attrs['for']}"


def _detail(consultation, recommendation) -> str:
    return reverse(
        "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
    )


def _field(html: str, tag: str, name: str) -> dict:
    return next(attrs for t, attrs in _elements(html) if t == tag and attrs.get("name") == name)


def test_a_representative_page_has_unique_ids_and_working_references(
    client, consultation, recommendation, organisation, representative
):
    second = MembershipFactory(user=representative).organisation
    other = MembershipFactory()
    services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=other.organisation,
        stance=Stance.OPPOSE,
        statement="Not like this.",
        by=other.user,
    )
    client.force_login(representative)
    html = client.get(_detail(consultation, recommendation)).content.decode()
    _assert_references_hold(html)
    # Two organisations to speak for: both forms offer them, and so does co-signing.
    assert html.count(f'<option value="{second.pk}"') == 3
    assert 'aria-describedby="id_body_helptext"' in html


def test_a_refused_comment_keeps_its_text_and_shows_the_error_at_its_field(
    client, consultation, recommendation, organisation, representative
):
    client.force_login(representative)
    url = reverse("consultations:comment-create", args=[consultation.pk, recommendation.slug])
    response = client.post(url, {"body": "x" * 5001, "organisation": str(organisation.pk)})
    html = response.content.decode()
    assert response.status_code == 200
    _assert_references_hold(html)
    body = _field(html, "textarea", "body")
    assert body["aria-invalid"] == "true"
    assert body["aria-describedby"] == "id_body_helptext id_body_error"
    assert "x" * 5001 in html
    # The organisation chosen stays chosen.
    chosen = [
        attrs
        for tag, attrs in _elements(html)
        if tag == "option" and "selected" in attrs and attrs["value"] == str(organisation.pk)
    ]
    assert chosen


def test_a_refused_stance_keeps_the_choice_and_names_the_missing_statement(
    client, consultation, recommendation, organisation, representative
):
    client.force_login(representative)
    url = reverse("consultations:endorsement-set", args=[consultation.pk, recommendation.slug])
    response = client.post(url, {"organisation": organisation.pk, "stance": "oppose"})
    html = response.content.decode()
    _assert_references_hold(html)
    statement = _field(html, "textarea", "statement")
    assert statement["aria-invalid"] == "true"
    assert "id_statement_error" in statement["aria-describedby"]
    assert "Give your reasons" in html
    oppose = next(
        attrs
        for tag, attrs in _elements(html)
        if tag == "input" and attrs.get("name") == "stance" and attrs["value"] == "oppose"
    )
    assert "checked" in oppose


def test_the_current_stance_is_offered_again(
    client, consultation, recommendation, organisation, representative
):
    services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=organisation,
        stance=Stance.RESERVATIONS,
        statement="Only with safeguards.",
        by=representative,
    )
    client.force_login(representative)
    html = client.get(_detail(consultation, recommendation)).content.decode()
    checked = [
        attrs["value"]
        for tag, attrs in _elements(html)
        if tag == "input" and attrs.get("name") == "stance" and "checked" in attrs
    ]
    assert checked == ["reservations"]
    assert "Only with safeguards." in html
