import pytest

from accounts import services as account_services
from digests import services
from digests.models import DigestDelivery, NotificationPreference, OutboxMessage
from digests.tokens import DIGEST, unsubscribe_url

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_digest_data_is_in_the_download_and_gone_with_the_account(consultation, recommendation):
    from consultations import services as consultation_services
    from consultations.models import Comment

    user = UserFactory()
    services.notification_preferences_update(user=user, by=user, amendment_decided=False)
    first = Comment.objects.create(
        consultation=consultation, recommendation=recommendation, author=user, body="Mine."
    )
    consultation_services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body="A reply.",
        parent=first,
        by=UserFactory(),
    )
    data = account_services.user_data_export(user=user, by=user)["digests"]
    assert data["notification_preferences"]["amendment_decided"] is False
    assert data["notifications"][0]["kind"] == "comment_reply"
    account_services.user_delete(user=user, by=user)
    assert not OutboxMessage.objects.filter(user=user).exists()
    assert not NotificationPreference.objects.filter(user=user).exists()
    assert not DigestDelivery.objects.filter(user=user).exists()


def test_an_old_unsubscribe_link_of_a_deleted_account_is_refused(client):
    user = UserFactory()
    url = unsubscribe_url(user_id=user.pk, what=DIGEST)
    account_services.user_delete(user=user, by=user)
    assert client.post(url).status_code == 400
