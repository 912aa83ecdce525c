"""The page cache: served fast, never stale after a write, never one person's page to another."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import VerificationStatus
from accounts.services import organisation_at_risk_set
from consultations import services
from consultations.tests.factories import (
    ConsultationFactory,
    MembershipFactory,
    ModeratorFactory,
    OrganisationFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation():
    return ConsultationFactory()


@pytest.fixture
def recommendation():
    return RecommendationFactory()


def page_url(consultation, recommendation):
    return reverse(
        "consultations:recommendation-detail", args=[consultation.pk, recommendation.slug]
    )


def test_second_anonymous_read_is_served_from_the_cache_without_sql(
    client, consultation, recommendation, django_assert_num_queries
):
    url = page_url(consultation, recommendation)
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content.decode().count("<h1") == first.content.decode().count("<h1")


def test_a_hidden_comment_disappears_from_the_cached_page(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    author = UserFactory()
    comment = services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body="Words the moderators will hide.",
        by=author,
    )
    url = page_url(consultation, recommendation)
    assert "Words the moderators will hide." in Client().get(url).content.decode()
    assert Client().get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_hide(comment=comment, reason="Rude.", by=ModeratorFactory())
    response = Client().get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Words the moderators will hide." not in response.content.decode()


def test_the_tally_changes_at_once_after_an_endorsement(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(status=VerificationStatus.VERIFIED)
    representative = MembershipFactory(organisation=organisation).user
    url = page_url(consultation, recommendation)
    before = Client().get(url).content.decode()
    assert organisation.name not in before
    with django_capture_on_commit_callbacks(execute=True):
        services.endorsement_set(
            consultation=consultation,
            recommendation=recommendation,
            organisation=organisation,
            stance="support",
            by=representative,
        )
    after = Client().get(url).content.decode()
    assert organisation.name in after
    assert re.search(r"<strong>1</strong>\s*support", after)
    consultation_page = Client().get(consultation.get_absolute_url()).content.decode()
    assert "Consultation" in consultation_page
    with django_capture_on_commit_callbacks(execute=True):
        services.endorsement_set(
            consultation=consultation,
            recommendation=recommendation,
            organisation=organisation,
            stance="oppose",
            statement="We changed our mind.",
            by=representative,
        )
    changed = Client().get(url).content.decode()
    assert re.search(r"<strong>0</strong>\s*support", changed)
    assert re.search(r"<strong>1</strong>\s*oppose", changed)


def test_an_organisation_at_risk_is_masked_on_cached_pages(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(status=VerificationStatus.VERIFIED, country="PH")
    representative = MembershipFactory(organisation=organisation).user
    services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=organisation,
        stance="support",
        by=representative,
    )
    url = page_url(consultation, recommendation)
    assert organisation.name in Client().get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        organisation_at_risk_set(
            organisation=organisation, at_risk=True, reason="Civic space.", by=ModeratorFactory()
        )
    assert organisation.name not in Client().get(url).content.decode()


def signed_in_client(person) -> Client:
    browser = Client()
    browser.force_login(person)
    return browser


def test_a_signed_in_reader_gets_a_copy_of_their_own_never_anyone_elses(
    consultation, recommendation
):
    url = page_url(consultation, recommendation)
    amparo = signed_in_client(UserFactory(display_name="Amparo Unique-Name"))
    mine = amparo.get(url)
    assert mine["X-Page-Cache"] == "miss"
    again = amparo.get(url)
    assert again["X-Page-Cache"] == "hit"
    assert "Amparo Unique-Name" in again.content.decode()
    other = signed_in_client(UserFactory(display_name="Bartholomew Other-Name")).get(url)
    assert other["X-Page-Cache"] == "miss"
    assert "Amparo Unique-Name" not in other.content.decode()
    assert "Bartholomew Other-Name" in other.content.decode()
    anonymous = Client().get(url)
    assert anonymous["X-Page-Cache"] == "miss"
    assert "Amparo Unique-Name" not in anonymous.content.decode()
    assert "Bartholomew Other-Name" not in anonymous.content.decode()


def test_a_second_signed_in_read_issues_only_the_session_and_account_queries(
    consultation, recommendation, django_assert_max_num_queries
):
    url = page_url(consultation, recommendation)
    reader = signed_in_client(UserFactory())
    reader.get(url)
    # Without Redis the session itself is read from the database; the person comes
    # from the cache.
    with django_assert_max_num_queries(1):
        assert reader.get(url)["X-Page-Cache"] == "hit"


def test_joining_an_organisation_shows_at_once_on_the_readers_own_copy(
    consultation, recommendation
):
    url = page_url(consultation, recommendation)
    person = UserFactory()
    reader = signed_in_client(person)
    assert "Record the stance" not in reader.get(url).content.decode()
    MembershipFactory(user=person)
    page = reader.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "Record the stance" in page.content.decode()


def test_following_and_suspension_show_at_once_on_the_readers_own_copy(
    consultation, recommendation
):
    url = page_url(consultation, recommendation)
    person = UserFactory()
    reader = signed_in_client(person)
    reader.get(url)
    services.follow_set(recommendation=recommendation, by=person)
    assert "Following: stop following" in reader.get(url).content.decode()
    services.user_suspend(
        consultation=consultation, user=person, reason="Repeated insults.", by=ModeratorFactory()
    )
    assert "You have been suspended" in reader.get(url).content.decode()


def test_becoming_a_consultation_moderator_shows_at_once(consultation, recommendation):
    url = page_url(consultation, recommendation)
    author = UserFactory()
    services.comment_create(
        consultation=consultation, recommendation=recommendation, body="Hello.", by=author
    )
    person = ModeratorFactory(is_moderator=False)
    reader = signed_in_client(person)
    assert "Lock thread" not in reader.get(url).content.decode()
    consultation.moderators.add(person)
    assert "Lock thread" in reader.get(url).content.decode()


def test_a_page_with_a_message_is_neither_served_from_nor_kept_in_the_cache(
    consultation, recommendation
):
    url = page_url(consultation, recommendation)
    reader = signed_in_client(UserFactory())
    reader.get(url)
    reader.post(url + "follow/", {"follow": "1"})
    with_message = reader.get(url)
    assert "X-Page-Cache" not in with_message
    assert 'class="messages"' in with_message.content.decode()
    after = reader.get(url)
    assert 'class="messages"' not in after.content.decode()


def test_a_readers_own_copy_carries_a_working_csrf_token(consultation, recommendation):
    url = page_url(consultation, recommendation)
    person = UserFactory()
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(person)
    reader.get(url)
    page = reader.get(url)
    assert page["X-Page-Cache"] == "hit"
    content = page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
    assert re.fullmatch(r"[A-Za-z0-9]{64}", token)
    posted = reader.post(url + "follow/", {"follow": "1", "csrfmiddlewaretoken": token})
    assert posted.status_code == 302


def test_each_visitor_gets_their_own_working_csrf_token(consultation, recommendation):
    url = page_url(consultation, recommendation)
    Client().get(url)
    tokens = []
    for _visitor in range(2):
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(url)
        assert response["X-Page-Cache"] == "hit"
        content = response.content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
        assert re.fullmatch(r"[A-Za-z0-9]{64}", token)
        tokens.append(token)
        posted = visitor.post(
            reverse("set_language"), {"language": "fr", "csrfmiddlewaretoken": token}
        )
        assert posted.status_code == 302
    assert tokens[0] != tokens[1]


def test_visitors_with_a_session_or_htmx_bypass_the_cache(client, consultation, recommendation):
    url = page_url(consultation, recommendation)
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    client.cookies["sessionid"] = "whatever"
    assert "X-Page-Cache" not in client.get(url)
    assert "X-Page-Cache" not in Client().get(url, headers={"HX-Request": "true"})


def test_languages_are_cached_apart(client):
    english = Client().get(reverse("home"), headers={"Accept-Language": "en"})
    french = Client().get(reverse("home"), headers={"Accept-Language": "fr"})
    assert french["X-Page-Cache"] == "miss"
    assert english.content != french.content


def test_cache_can_be_turned_off(settings, client):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(reverse("home"))
    assert "X-Page-Cache" not in client.get(reverse("home"))


def test_shared_rows_for_signed_in_readers_never_show_a_hidden_comment_to_a_stranger(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    author = UserFactory()
    stranger = UserFactory()
    comment = services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body="Signed-in readers will lose sight of this.",
        by=author,
    )
    url = page_url(consultation, recommendation)
    readers = {}
    for name, person in (("author", author), ("stranger", stranger)):
        readers[name] = Client()
        readers[name].force_login(person)
        assert "Signed-in readers will lose sight" in readers[name].get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_hide(comment=comment, reason="Off topic here.", by=ModeratorFactory())
    seen_by_stranger = readers["stranger"].get(url).content.decode()
    assert "Signed-in readers will lose sight" not in seen_by_stranger
    seen_by_author = readers["author"].get(url).content.decode()
    assert "Signed-in readers will lose sight" in seen_by_author
    assert "Off topic here." in seen_by_author


def test_a_new_comment_shows_at_once_to_signed_in_readers(
    consultation, recommendation, django_capture_on_commit_callbacks
):
    reader = Client()
    reader.force_login(UserFactory())
    url = page_url(consultation, recommendation)
    assert "Fresh words." not in reader.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(
            consultation=consultation,
            recommendation=recommendation,
            body="Fresh words.",
            by=UserFactory(),
        )
    assert "Fresh words." in reader.get(url).content.decode()


def test_shared_comment_fragments_keep_at_risk_names_for_moderators_only(
    consultation, recommendation
):
    organisation = OrganisationFactory(
        status=VerificationStatus.VERIFIED, is_at_risk=True, region="South-eastern Asia"
    )
    member = MembershipFactory(organisation=organisation).user
    services.comment_create(
        consultation=consultation,
        recommendation=recommendation,
        body="Said on behalf of an organisation at risk.",
        organisation=organisation,
        by=member,
    )
    url = page_url(consultation, recommendation)
    reader = Client()
    reader.force_login(UserFactory())
    moderator = Client()
    moderator.force_login(ModeratorFactory())
    for _round in range(2):
        assert organisation.name not in reader.get(url).content.decode()
        assert organisation.name in moderator.get(url).content.decode()
        assert organisation.name not in Client().get(url).content.decode()


def test_shared_statements_carry_each_readers_own_organisation_and_token(
    consultation, recommendation
):
    opponent = OrganisationFactory(status=VerificationStatus.VERIFIED)
    services.endorsement_set(
        consultation=consultation,
        recommendation=recommendation,
        organisation=opponent,
        stance="oppose",
        statement="Our reasons against.",
        by=MembershipFactory(organisation=opponent).user,
    )
    url = page_url(consultation, recommendation)
    seen = {}
    for _name in ("first", "second"):
        organisation = OrganisationFactory(status=VerificationStatus.VERIFIED)
        reader = Client(enforce_csrf_checks=True)
        reader.force_login(MembershipFactory(organisation=organisation).user)
        for _round in range(2):
            content = reader.get(url).content.decode()
            assert "Our reasons against." in content
            assert f'name="organisation" value="{organisation.pk}"' in content
            assert len(set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', content))) == 1
        seen[organisation.pk] = content
    first, second = seen
    assert f'name="organisation" value="{second}"' not in seen[first]
    assert f'name="organisation" value="{first}"' not in seen[second]


def test_a_changed_password_ends_the_other_sessions_at_once(consultation, recommendation):
    url = page_url(consultation, recommendation)
    person = UserFactory(display_name="Rosalind Password")
    browser = signed_in_client(person)
    assert "Rosalind Password" in browser.get(url).content.decode()
    person.set_password("a-new-password-for-2026")
    person.save()
    page = browser.get(url).content.decode()
    assert "Rosalind Password" not in page
    assert "Log in" in page


def test_a_deactivated_account_is_signed_out_at_once(consultation, recommendation):
    url = page_url(consultation, recommendation)
    person = UserFactory(display_name="Ignatius Deactivated")
    browser = signed_in_client(person)
    assert "Ignatius Deactivated" in browser.get(url).content.decode()
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert "Ignatius Deactivated" not in browser.get(url).content.decode()


def test_choosing_a_language_while_signed_in_shows_at_once(consultation, recommendation):
    url = page_url(consultation, recommendation)
    # A language saved on the profile wins over the browser's; the switcher saves it.
    browser = signed_in_client(UserFactory(interface_language="en"))
    assert '<html lang="en">' in browser.get(url).content.decode()
    browser.post(reverse("set_language"), {"language": "es", "next": url})
    assert '<html lang="es">' in browser.get(url).content.decode()
