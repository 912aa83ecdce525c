import pytest

pytestmark = pytest.mark.django_db


def test_home_says_what_the_portal_is_for(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "A civil society portal on migration and development" in html
    assert 'href="#main"' in html
    assert 'name="language"' in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Un portail de la société civile sur la migration et le développement"),
        ("es", "Un portal de la sociedad civil sobre migración y desarrollo"),
    ],
)
def test_home_is_translated(client, language, expected):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"}, follow=True)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert f'<html lang="{language}">' in response.content.decode()


def test_home_follows_the_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert "Un portal de la sociedad civil" in response.content.decode()


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy


def test_htmx_is_served_from_our_own_static_files(client):
    html = client.get("/").content.decode()
    assert "/static/vendor/htmx.min.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_home_is_light(client):
    response = client.get("/")
    assert len(response.content) < 20_000


def test_code_of_conduct_page(client):
    response = client.get("/code-of-conduct/")
    assert response.status_code == 200
    assert "attack arguments, never people" in response.content.decode()


def test_unknown_page_is_a_404(client):
    assert client.get("/no-such-page/").status_code == 404


def test_favicon_is_served_from_static(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_home_lists_the_open_consultations(client, django_assert_max_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from consultations.tests.factories import ConsultationFactory

    now = timezone.now()
    ConsultationFactory(title="Open before Manila", opens_at=now - timedelta(days=1))
    ConsultationFactory(
        title="Long closed", opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30)
    )
    with django_assert_max_num_queries(6):
        html = client.get("/").content.decode()
    assert "Open before Manila" in html
    assert "Long closed" not in html
