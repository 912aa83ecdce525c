import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from digests.models import DigestRun, NotificationPreference
from digests.tokens import DIGEST, unsubscribe_token

from .factories import DigestRunFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def url_for(user, what=DIGEST):
    return reverse("digests:unsubscribe", args=[unsubscribe_token(user_id=user.pk, what=what)])


def test_get_shows_a_confirmation_and_changes_nothing(client):
    user = UserFactory(digest_frequency="daily")
    response = client.get(url_for(user))
    assert response.status_code == 200
    assert b'<form method="post"' in response.content
    user.refresh_from_db()
    assert user.digest_frequency == "daily"


def test_one_click_post_works_without_login_or_csrf_token():
    user = UserFactory(digest_frequency="daily")
    client = Client(enforce_csrf_checks=True)
    response = client.post(url_for(user), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.digest_frequency == "off"


def test_a_notification_token_turns_off_only_that_kind():
    user = UserFactory(digest_frequency="daily")
    Client(enforce_csrf_checks=True).post(url_for(user, "comment_reply"))
    preference = NotificationPreference.objects.get(user=user)
    assert preference.comment_reply is False and preference.organisation_decided is True
    user.refresh_from_db()
    assert user.digest_frequency == "daily"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_token_is_refused(client, method):
    user = UserFactory(digest_frequency="daily")
    other = UserFactory(digest_frequency="daily")
    token = unsubscribe_token(user_id=user.pk, what=DIGEST)
    forged = token.replace(
        token.split(":")[0], unsubscribe_token(user_id=other.pk, what=DIGEST).split(":")[0]
    )
    for bad in [forged, token[:-3] + "abc", "nonsense"]:
        response = getattr(client, method)(reverse("digests:unsubscribe", args=[bad]))
        assert response.status_code == 400
    assert set(User.objects.values_list("digest_frequency", flat=True)) == {"daily"}


def test_a_token_from_another_salt_is_refused(client):
    from django.core import signing

    user = UserFactory(digest_frequency="daily")
    token = signing.dumps({"u": user.pk, "w": DIGEST}, salt="something.else", compress=True)
    assert client.post(reverse("digests:unsubscribe", args=[token])).status_code == 400


def test_preferences_page_saves_choices(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("digests:preferences")
    assert client.get(url).status_code == 200
    response = client.post(url, {"organisation_decided": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=user)
    assert preference.organisation_decided and not preference.comment_reply


def test_preferences_page_needs_a_login(client):
    assert client.get(reverse("digests:preferences")).status_code == 302


def test_moderators_see_recent_runs_in_constant_queries(client, django_assert_max_num_queries):
    DigestRunFactory.create_batch(30, failed_count=2)
    client.force_login(ModeratorFactory())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("digests:run-list"))
    assert response.status_code == 200
    assert response.content.count(b"<tr>") == 31
    assert DigestRun.objects.count() == 30


def test_others_cannot_see_the_runs(client):
    client.force_login(UserFactory())
    assert client.get(reverse("digests:run-list")).status_code == 403
