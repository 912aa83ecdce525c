"""With Redis out of reach, pages are rendered afresh and nobody's write is lost."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from consultations.models import Comment
from consultations.tests.factories import (
    ConsultationFactory,
    MembershipFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


def redis_goes_down(settings):
    # Nothing listens on port 1: every cache call is refused at once.
    settings.CACHES = {
        "default": {"BACKEND": "core.cache_backend.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }


def test_reading_and_posting_go_on_while_redis_is_out_of_reach(client, settings, caplog):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    page = reverse(
        "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
    )
    reader = Client()
    reader.force_login(MembershipFactory().user)  # signed in while Redis was up
    redis_goes_down(settings)
    assert client.get(page).status_code == 200
    assert client.get(reverse("recommendations:recommendation-list")).status_code == 200
    assert reader.get(page).status_code == 200
    posted = reader.post(page + "comments/", {"body": "Posted while the cache is down."})
    assert posted.status_code == 302
    assert Comment.objects.filter(body="Posted while the cache is down.").exists()
    assert "Posted while the cache is down." in reader.get(page).content.decode()
    assert "Cache unavailable" in caplog.text


def test_signing_in_or_out_while_redis_is_out_of_reach_asks_to_try_again(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    member = MembershipFactory()
    reader = Client()
    reader.force_login(member.user)
    redis_goes_down(settings)
    signing_out = reader.post(reverse("account_logout"))
    signing_in = Client().post(
        reverse("account_login"), {"login": member.user.email, "password": PASSWORD}
    )
    for response in (signing_out, signing_in):
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "Please try again in a moment" in response.content.decode()
