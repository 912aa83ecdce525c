import pytest

from accounts.tests.factories import ModeratorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_moderators_see_what_waits_for_them(client, django_assert_max_num_queries):
    OrganisationFactory.create_batch(3, status="pending")
    client.force_login(ModeratorFactory())
    with django_assert_max_num_queries(12):
        response = client.get("/moderation/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 organisations are waiting for a decision." in html
    assert "/moderation/organisations/" in html
    assert "/moderation/digests/" in html
    assert "/moderation/log/" in html


def test_moderation_link_shows_only_for_moderators(client):
    client.force_login(UserFactory())
    assert 'href="/moderation/"' not in client.get("/").content.decode()
    client.force_login(ModeratorFactory())
    assert 'href="/moderation/"' in client.get("/").content.decode()


def test_participants_cannot_open_moderation(client):
    client.force_login(UserFactory())
    assert client.get("/moderation/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/moderation/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_moderators_without_two_factor_are_sent_to_set_it_up(client):
    client.force_login(ModeratorFactory(mfa=False))
    response = client.get("/moderation/")
    assert response.status_code == 302
    assert "/2fa/" in response["Location"] or "mfa" in response["Location"]
