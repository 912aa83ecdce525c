"""The signed-in person comes from the cache with what the rules read about them.

Each change to those rows must refuse the very next request it should refuse,
as a read from the database would.
"""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from accounts.models import VerificationStatus
from consultations import services
from consultations.models import Comment
from consultations.tests.factories import (
    ConsultationFactory,
    MembershipFactory,
    ModeratorFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def debate():
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    return reverse(
        "consultations:comment-create", args=[consultation.pk, recommendation.slug]
    ), consultation


@pytest.fixture
def member():
    return MembershipFactory()


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def posts(browser, url, body, **extra) -> bool:
    """Whether the comment was posted (a refusal answers 200 with the page and its error)."""
    response = browser.post(url, {"body": body, **extra})
    return response.status_code == 302 and Comment.objects.filter(body=body).exists()


def test_a_suspension_refuses_the_next_post(debate, member):
    url, consultation = debate
    browser = signed_in(member.user)
    assert posts(browser, url, "Before the suspension.")  # the person is now in the cache
    services.user_suspend(
        consultation=consultation, user=member.user, reason="Insults.", by=ModeratorFactory()
    )
    response = browser.post(url, {"body": "After the suspension."})
    assert "You have been suspended from this consultation" in response.content.decode()
    assert not Comment.objects.filter(body="After the suspension.").exists()


def test_an_email_address_no_longer_verified_refuses_the_next_post(debate, member):
    url, _consultation = debate
    browser = signed_in(member.user)
    assert posts(browser, url, "While verified.")
    address = EmailAddress.objects.get(user=member.user)
    address.verified = False
    address.save()
    response = browser.post(url, {"body": "No longer verified."})
    assert "Confirm your email address" in response.content.decode()
    assert not Comment.objects.filter(body="No longer verified.").exists()


def test_an_organisation_no_longer_verified_cannot_be_spoken_for(debate, member):
    url, _consultation = debate
    organisation = member.organisation
    browser = signed_in(member.user)
    assert posts(browser, url, "On its behalf.", organisation=organisation.pk)
    organisation.status = VerificationStatus.PENDING
    organisation.save()
    response = browser.post(url, {"body": "Still on its behalf?", "organisation": organisation.pk})
    assert response.status_code == 200
    assert "Only members of a verified organisation can post" in response.content.decode()
    assert not Comment.objects.filter(body="Still on its behalf?").exists()


def test_leaving_an_organisation_ends_speaking_for_it(debate, member):
    url, _consultation = debate
    browser = signed_in(member.user)
    assert posts(browser, url, "As a member.", organisation=member.organisation.pk)
    member.delete()
    response = browser.post(
        url, {"body": "As a former member.", "organisation": member.organisation.pk}
    )
    assert response.status_code == 200
    assert not Comment.objects.filter(body="As a former member.").exists()
    assert posts(browser, url, "As myself.")
