"""User text cannot run in another person's browser: pages, queue and audit log."""

import re

import pytest
from django.urls import reverse

from consultations import services
from consultations.models import Stance

from .factories import MembershipFactory, ModeratorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    "<svg onload=alert(1)>",
    '"><iframe src="https://evil.example"></iframe>',
]
HOSTILE = " ".join(PAYLOADS)


def assert_inert(html: str) -> None:
    """No script element, event handler or javascript: URL came from user text."""
    # The page's own script tags carry a src; none may be inline or injected.
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE):
        assert "src=" in tag and "alert" not in tag, tag
    assert "<script>alert" not in html
    assert not re.search(r"<[^>]+\son(error|load|click)\s*=", html, flags=re.IGNORECASE)
    assert not re.search(r"<a[^>]+href=[\"']?javascript:", html, flags=re.IGNORECASE)
    assert "<iframe" not in html.lower()
    assert "<svg" not in html.lower()


@pytest.fixture
def hostile_world(consultation, recommendation):
    organisation = OrganisationFactory(name=HOSTILE[:200])
    representative = MembershipFactory(
        organisation=organisation, user=UserFactory(display_name=PAYLOADS[1][:80])
    ).user
    comment = services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body=HOSTILE,
        organisation=organisation,
        by=representative,
    )
    services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=organisation,
        stance=Stance.OPPOSE,
        statement=HOSTILE,
        by=representative,
    )
    services.comment_flag(comment=comment, reason="other", details=HOSTILE, by=UserFactory())
    moderator = ModeratorFactory(display_name=PAYLOADS[0][:80])
    hidden = services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body=HOSTILE,
        by=representative,
    )
    services.comment_flag(comment=hidden, reason="spam", details=HOSTILE, by=UserFactory())
    services.comment_hide(comment=hidden, reason=HOSTILE, by=moderator)
    services.synthesis_write(
        consultation=consultation, recommendation=recommendation, body=HOSTILE, by=moderator
    )
    return {"moderator": moderator, "representative": representative, "comment": comment}


def recommendation_page(client, consultation, recommendation) -> str:
    url = reverse(
        "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_recommendation_page_is_inert_for_everyone(
    client, consultation, recommendation, hostile_world
):
    assert_inert(recommendation_page(client, consultation, recommendation))
    for user in (hostile_world["representative"], hostile_world["moderator"], UserFactory()):
        client.force_login(user)
        assert_inert(recommendation_page(client, consultation, recommendation))


def test_consultation_page_is_inert(client, consultation, hostile_world):
    consultation.description = HOSTILE
    consultation.save()
    client.force_login(hostile_world["moderator"])
    response = client.get(consultation.get_absolute_url())
    assert_inert(response.content.decode())


def test_moderation_queue_is_inert(client, hostile_world):
    client.force_login(hostile_world["moderator"])
    response = client.get(reverse("consultations:moderation-queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "flagged-" in html
    assert_inert(html)


def test_audit_log_is_inert(client, hostile_world):
    client.force_login(hostile_world["moderator"])
    response = client.get(reverse("consultations:audit-log"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;" in html  # the reason is shown, escaped
    assert_inert(html)


def test_moderate_and_reply_pages_are_inert(client, hostile_world):
    comment = hostile_world["comment"]
    client.force_login(hostile_world["moderator"])
    for name in ("comment-hide", "thread-lock", "comment-reply", "comment-flag"):
        response = client.get(reverse(f"consultations:{name}", args=[comment.pk]))
        assert response.status_code == 200, name
        assert_inert(response.content.decode())


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if not p.startswith("[")])
def test_the_checker_catches_raw_payloads(payload):
    with pytest.raises(AssertionError):
        assert_inert(f"<p>{payload}</p>")
