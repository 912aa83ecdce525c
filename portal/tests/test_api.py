"""The API's shared behaviour: error shape, strict parameters, pagination, tokens, throttles."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tests.factories import UserFactory
from accounts.tokens import api_token_create, api_token_revoke
from core.api import token_digest
from core.errors import Refusal
from recommendations.tests.factories import RecommendationFactory, SessionFactory

pytestmark = pytest.mark.django_db

RECOMMENDATIONS = "/api/v1/recommendations/"


@pytest.fixture
def api():
    return APIClient()


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= {"detail", "errors"}
    assert body["detail"]
    return body


def test_unknown_query_parameter_is_a_400_naming_it(api):
    body = _error(api.get(RECOMMENDATIONS, {"password": "x"}), 400)
    assert list(body["errors"]) == ["password"]


def test_filter_on_an_undeclared_field_is_refused_before_any_query(api, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api.get(RECOMMENDATIONS, {"session__report__isbn": "x"})
    _error(response, 400)


def test_repeated_query_parameter_is_a_400(api):
    body = _error(api.get(RECOMMENDATIONS + "?page_size=2&page_size=3"), 400)
    assert "page_size" in body["errors"]


@pytest.mark.parametrize("ordering", ["body", "-session__report__isbn", "citation,nope", ""])
def test_ordering_by_an_undeclared_field_is_a_400(api, ordering):
    body = _error(api.get(RECOMMENDATIONS, {"ordering": ordering}), 400)
    assert "ordering" in body["errors"]


def test_ordering_by_a_declared_field(api):
    RecommendationFactory(citation="B.1")
    RecommendationFactory(citation="A.1")
    response = api.get(RECOMMENDATIONS, {"ordering": "-citation"})
    assert [r["citation"] for r in response.json()["results"]] == ["B.1", "A.1"]


@pytest.mark.parametrize("size", ["0", "101", "-1", "abc", "1.5", "1e2"])
def test_page_size_out_of_range_is_a_400(api, size):
    body = _error(api.get(RECOMMENDATIONS, {"page_size": size}), 400)
    assert "page_size" in body["errors"]


@pytest.mark.parametrize("page", ["0", "x", "99"])
def test_page_number_out_of_range_is_a_400(api, page):
    RecommendationFactory()
    _error(api.get(RECOMMENDATIONS, {"page": page}), 400)


def test_page_size_within_range(api):
    for _ in range(3):
        RecommendationFactory()
    body = api.get(RECOMMENDATIONS, {"page_size": "2"}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_invalid_filter_value_is_a_400_with_field_errors(api):
    body = _error(api.get(RECOMMENDATIONS, {"session": "no-such-session"}), 400)
    assert "session" in body["errors"]


def test_unknown_object_is_a_json_404(api):
    _error(api.get(RECOMMENDATIONS + "no-such-slug/"), 404)


def test_method_not_allowed_is_json(api):
    _error(api.post(RECOMMENDATIONS, {}), 405)


def test_malformed_json_body_is_a_400(api):
    from consultations.tests.factories import ConsultationFactory

    consultation = ConsultationFactory()
    api.force_authenticate(UserFactory())
    response = api.post(
        f"/api/v1/consultations/{consultation.pk}/comments/",
        "{not json",
        content_type="application/json",
    )
    _error(response, 400)


# --- personal tokens ---------------------------------------------------------------------


def test_token_is_stored_hashed_and_shown_once():
    user = UserFactory()
    token, raw = api_token_create(name="My script", by=user)
    assert raw.startswith(token.prefix)
    assert token.digest == token_digest(raw)
    assert raw not in {getattr(token, field.attname) for field in ApiToken._meta.fields}


def test_token_authenticates_and_records_last_use(api):
    user = UserFactory()
    token, raw = api_token_create(name="My script", by=user)
    response = api.get("/api/v1/recommendations/no-such/follow/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 404  # authenticated: past the 401
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_a_401(api):
    user = UserFactory()
    token, raw = api_token_create(name="My script", by=user)
    api_token_revoke(token=token, by=user)
    _error(api.get(RECOMMENDATIONS, HTTP_AUTHORIZATION=f"Token {raw}"), 401)


def test_wrong_token_is_a_401(api):
    response = api.get(RECOMMENDATIONS, HTTP_AUTHORIZATION="Token gfmd_nope")
    _error(response, 401)
    assert response["WWW-Authenticate"] == "Token"


def test_write_without_credentials_is_a_401(api):
    recommendation = RecommendationFactory()
    _error(api.put(f"/api/v1/recommendations/{recommendation.slug}/follow/"), 401)


def test_session_writes_need_the_csrf_token():
    user = UserFactory()
    recommendation = RecommendationFactory()
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(user)
    response = api.put(f"/api/v1/recommendations/{recommendation.slug}/follow/")
    _error(response, 403)


def test_unverified_person_cannot_create_a_token():
    with pytest.raises(Refusal):
        api_token_create(name="x", by=UserFactory(verified=False))


def test_token_page_creates_shows_once_and_revokes(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/api/tokens/", {"name": "Research script"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    html = response.content.decode()
    assert token.prefix in html and "Copy it now" in html
    again = client.get("/api/tokens/").content.decode()
    assert token.prefix in again and "Copy it now" not in again
    response = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_page_cannot_revoke_another_persons_token(client):
    owner_token, _raw = api_token_create(name="x", by=UserFactory())
    client.force_login(UserFactory())
    assert client.post(f"/api/tokens/{owner_token.pk}/revoke/").status_code == 404
    owner_token.refresh_from_db()
    assert owner_token.revoked_at is None


def test_token_page_needs_sign_in(client):
    assert client.get("/api/tokens/").status_code == 302


# --- throttles -------------------------------------------------------------------------------


def test_anonymous_clients_are_throttled_with_a_json_429(api, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(
        AnonRateThrottle, "THROTTLE_RATES", {**AnonRateThrottle.THROTTLE_RATES, "anon": "2/min"}
    )
    api.get(RECOMMENDATIONS)
    api.get(RECOMMENDATIONS)
    response = api.get(RECOMMENDATIONS)
    body = _error(response, 429)
    assert "seconds" in body["detail"]
    assert int(response["Retry-After"]) > 0


def test_writes_have_their_own_per_user_throttle(api, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    from core.api import WriteThrottle

    user = UserFactory()
    api.force_authenticate(user)
    recommendation = RecommendationFactory()
    original = WriteThrottle.THROTTLE_RATES
    WriteThrottle.THROTTLE_RATES = {**original, "write": "2/min"}
    try:
        url = f"/api/v1/recommendations/{recommendation.slug}/follow/"
        assert api.put(url).status_code == 200
        assert api.delete(url).status_code == 200
        _error(api.put(url), 429)
        assert api.get(url).status_code == 200  # reads are not counted as writes
    finally:
        WriteThrottle.THROTTLE_RATES = original
    assert issubclass(WriteThrottle, SimpleRateThrottle)


def test_schema_documents_errors_and_the_token_scheme(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    operation = schema["paths"]["/api/v1/recommendations/{slug}/"]["get"]
    assert {"400", "404", "429"} <= set(operation["responses"])
    assert "Error" in schema["components"]["schemas"]


def test_session_filter_and_search_together(api):
    session = SessionFactory()
    wanted = RecommendationFactory(session=session, title="Remittances and banks")
    RecommendationFactory(title="Remittances elsewhere")
    RecommendationFactory(session=session, title="Something else")
    response = api.get(RECOMMENDATIONS, {"session": session.slug, "q": "remittances"})
    assert [r["slug"] for r in response.json()["results"]] == [wanted.slug]


def test_last_used_is_not_rewritten_on_every_request(api, django_assert_num_queries):
    user = UserFactory()
    token, raw = api_token_create(name="x", by=user)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    RecommendationFactory()
    # token lookup + count + page + themes prefetch; no UPDATE
    with django_assert_num_queries(4):
        api.get(RECOMMENDATIONS, HTTP_AUTHORIZATION=f"Token {raw}")


@pytest.mark.parametrize("accept", ["application/xml", "text/csv", "text/html"])
def test_any_accept_header_gets_json_never_a_406(api, accept):
    response = api.get(RECOMMENDATIONS, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    _error(api.get(RECOMMENDATIONS, {"nope": 1}, HTTP_ACCEPT=accept), 400)


# --- refusals: the kind of refusal gives the status ----------------------------------------


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (None, 400),
        ("invalid", 400),
        ("forbidden", 403),
        ("conflict", 409),
        ("closed", 409),
        ("throttled", 429),
    ],
)
def test_domain_error_kind_gives_the_status(kind, status):
    from core.api import api_exception_handler

    message = "This is refused."
    error = Refusal(message) if kind is None else Refusal(message, kind=kind)
    assert error.kind == (kind or "invalid")
    assert error.message == message
    response = api_exception_handler(error, {})
    assert response.status_code == status
    assert response.data == {"detail": message, "errors": {"non_field_errors": [message]}}


def test_schema_documents_403_and_409_on_writes_but_no_409_on_reads(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    writes = [
        operation
        for item in schema["paths"].values()
        for method, operation in item.items()
        if method in ("post", "put", "patch", "delete")
    ]
    assert writes
    for operation in writes:
        assert {"400", "401", "403", "409", "429"} <= set(operation["responses"])
    reads = [item["get"] for item in schema["paths"].values() if "get" in item]
    assert all("409" not in operation["responses"] for operation in reads)
