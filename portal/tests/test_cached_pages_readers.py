"""Every cached page, read by two people and in each language: nothing of one shows for another."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import OrganisationKind
from consultations import services
from consultations.models import Stance
from consultations.tests.factories import (
    ConsultationFactory,
    MembershipFactory,
    OrganisationFactory,
    RecommendationFactory,
    UserFactory,
)
from core.page_cache import ANONYMOUS, ANYONE, cache_key, person, role

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Interface text on every page, and the labels of the tally by kind and region.
UI_TEXT = ["Change language", "Skip to main content"]
TALLY_TEXT = ["Trade union", "Eastern Europe"]


@pytest.fixture
def debate(django_capture_on_commit_callbacks):
    consultation = ConsultationFactory()
    recommendation = RecommendationFactory()
    consultation.recommendations.add(recommendation)
    union = OrganisationFactory(
        kind=OrganisationKind.TRADE_UNION, country="UA", region="Eastern Europe"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.endorsement_set(
            consultation=consultation,
            recommendation=recommendation,
            organisation=union,
            stance=Stance.SUPPORT,
            by=MembershipFactory(organisation=union).user,
        )
        services.comment_create(
            consultation=consultation,
            recommendation=recommendation,
            body="A comment every reader sees.",
            by=UserFactory(),
        )
    return consultation, recommendation


def cached_urls(consultation, recommendation) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "code of conduct": reverse("code-of-conduct"),
        "recommendations": reverse("recommendations:recommendation-list"),
        "session": recommendation.session.get_absolute_url(),
        "search": reverse("recommendations:search") + "?q=migrants",
        "consultation": reverse("consultations:consultation-detail", args=[consultation.pk]),
        "debate": reverse(
            "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
        ),
    }


def reader(name: str, organisation: str) -> tuple[Client, list[str]]:
    """A signed-in reader, and what of theirs a page may show them alone."""
    membership = MembershipFactory(
        user=UserFactory(display_name=name, email=f"{name.split()[0].lower()}@example.org"),
        organisation=OrganisationFactory(name=organisation),
    )
    client = Client()
    client.force_login(membership.user)
    return client, [name, membership.user.email, organisation]


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


PAGES = [
    "home",
    "code of conduct",
    "recommendations",
    "session",
    "search",
    "consultation",
    "debate",
]


@pytest.mark.parametrize("name", PAGES)
def test_two_readers_in_three_languages_never_see_each_others_parts(debate, name):
    consultation, recommendation = debate
    url = cached_urls(consultation, recommendation)[name]
    first, first_own = reader("Amaranta Firstreader", "Alpha Diaspora Network")
    second, second_own = reader("Baltasar Secondreader", "Beta Workers Union")
    anonymous = Client()
    for language in [*LANGUAGES, *reversed(LANGUAGES)]:
        for client, own, others in (
            (first, first_own, second_own),
            (second, second_own, first_own),
            (anonymous, [], first_own + second_own),
        ):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = client.get(url)
            assert response.status_code == 200, (name, language)
            content = response.content.decode()
            if own:
                assert own[0] in content, (name, language, "the reader's own name")
            for text in others:
                assert text not in content, (name, language, text)
            assert f'<html lang="{language}">' in content, (name, language)
            expected = UI_TEXT + (TALLY_TEXT if name == "debate" else [])
            for text in expected:
                assert in_language(language, text) in content, (name, language, text)
                for other in LANGUAGES:
                    foreign = in_language(other, text)
                    if other != language and foreign != in_language(language, text):
                        assert foreign not in content, (name, language, foreign)


def test_the_tally_follows_the_page_language(debate):
    consultation, recommendation = debate
    url = reverse(
        "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
    )
    for language, union, region in (
        ("en", "Trade union", "Eastern Europe"),
        ("fr", "Syndicat", "Europe orientale"),
        ("en", "Trade union", "Eastern Europe"),
        ("es", "Sindicato", "Europa oriental"),
    ):
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        content = client.get(url).content.decode()
        assert union in content and region in content, language


def test_every_cache_key_carries_the_language_and_time_zone():
    with translation.override("en"):
        english = cache_key("tally", 1, audience=ANYONE)
    with translation.override("fr"):
        french = cache_key("tally", 1, audience=ANYONE)
    assert english != french
    from django.utils import timezone

    with timezone.override("Africa/Dakar"):
        dakar = cache_key("tally", 1, audience=ANYONE)
    with timezone.override("Asia/Manila"):
        manila = cache_key("tally", 1, audience=ANYONE)
    assert dakar != manila


def test_a_cache_key_differs_by_entity_id_audience_versions_and_variant():
    base = {"audience": ANYONE, "versions": ["v1"], "variant": ["page-1"]}
    keys = {
        cache_key("tally", 1, **base),
        cache_key("synthesis", 1, **base),
        cache_key("tally", 2, **base),
        cache_key("tally", 1, **{**base, "audience": ANONYMOUS}),
        cache_key("tally", 1, **{**base, "audience": role("writer")}),
        cache_key("tally", 1, **{**base, "audience": person(7)}),
        cache_key("tally", 1, **{**base, "audience": person(8)}),
        cache_key("tally", 1, **{**base, "versions": ["v2"]}),
        cache_key("tally", 1, **{**base, "variant": ["page-2"]}),
    }
    assert len(keys) == 9


@pytest.mark.parametrize(
    ("entity", "pk", "audience"),
    [("", 1, ANYONE), ("tally", None, ANYONE), ("tally", "", ANYONE), ("tally", 1, "everyone")],
)
def test_a_cache_key_without_its_entity_id_or_audience_cannot_be_made(entity, pk, audience):
    with pytest.raises(ValueError):
        cache_key(entity, pk, audience=audience)


def test_one_anonymous_api_request_counts_once_against_its_throttle(monkeypatch, recommendation):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(
        AnonRateThrottle, "THROTTLE_RATES", {**AnonRateThrottle.THROTTLE_RATES, "anon": "2/min"}
    )
    url = reverse("api:recommendation-list")
    client = Client()
    first = client.get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    second = client.get(url)
    assert second.status_code == 200 and second["X-Page-Cache"] == "hit"
    assert client.get(url).status_code == 429


@pytest.fixture
def recommendation():
    return RecommendationFactory()
