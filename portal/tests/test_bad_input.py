"""Bad input is a clear 4xx, never a server error.

Nested or huge JSON, and ids past what a database holds.
"""

import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from consultations.tests.factories import (
    ConsultationFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _nested(depth: int) -> str:
    return '{"body": ' + "[" * depth + "]" * depth + ', "recommendation": "x"}'


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


@pytest.mark.parametrize("depth", [33, 900, 5000])
def test_deeply_nested_json_is_a_400_with_a_sentence(api, depth):
    consultation = ConsultationFactory()
    response = api.post(
        f"/api/v1/consultations/{consultation.pk}/comments/",
        _nested(depth),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The JSON body is nested too deeply."


def test_json_nested_within_the_limit_reaches_the_serializer(api):
    consultation = ConsultationFactory()
    response = api.post(
        f"/api/v1/consultations/{consultation.pk}/comments/",
        _nested(31),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "nested" not in response.json()["detail"]
    assert "body" in response.json()["errors"]


def test_a_body_larger_than_the_limit_is_a_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    body = json.dumps({"recommendation": recommendation.slug, "body": "x" * 2000})
    response = api.post(
        f"/api/v1/consultations/{consultation.pk}/comments/",
        body,
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "The request body is too large."


def _patterns(resolver=None, prefix=""):
    """Every URL pattern of the portal, as its route text."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


ID_PARAMETER = re.compile(r"<(?:id|int):\w+>")
OTHER_PARAMETER = re.compile(r"<(?:\w+:)?\w+>")
NUMBERED = [route for route in _patterns() if ID_PARAMETER.search(route)]
BAD_IDS = ["99999999999999999999999", "9223372036854775808", "-1", "abc"]


def test_every_numbered_route_takes_ids_through_the_bounded_converter():
    assert len(NUMBERED) > 50
    assert not [route for route in NUMBERED if "<int:" in route]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_every_route_answers_a_bad_id_with_a_4xx(client, bad):
    person = UserFactory()
    tried = 0
    for signed_in in (False, True):
        if signed_in:
            client.force_login(person)
        for route in NUMBERED:
            path = "/" + OTHER_PARAMETER.sub("x", ID_PARAMETER.sub(bad, route))
            path = path.replace("^", "").replace("$", "")
            response = client.get(path)
            tried += 1
            assert response.status_code < 500, (path, response.status_code)
    assert tried == 2 * len(NUMBERED)


def test_a_huge_id_in_the_organisation_api_is_a_404(client):
    response = client.get("/api/v1/organisations/99999999999999999999999/")
    assert response.status_code == 404
